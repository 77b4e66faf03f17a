"""Routes of the MoU ceremony pages."""

urlpatterns: list = []
