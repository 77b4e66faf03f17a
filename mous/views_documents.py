"""Routes of the MoU documents pages."""

urlpatterns: list = []
