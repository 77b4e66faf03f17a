"""Routes of the MoU logging pages."""

urlpatterns: list = []
