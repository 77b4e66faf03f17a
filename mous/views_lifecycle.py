"""Routes of the MoU lifecycle pages."""

urlpatterns: list = []
