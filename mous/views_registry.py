"""Routes of the MoU registry pages."""

urlpatterns: list = []
