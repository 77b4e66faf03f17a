"""Routes of requests; see events/requests.py."""

urlpatterns: list = []
