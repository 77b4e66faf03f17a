"""Celery tasks of the MoU registry."""
