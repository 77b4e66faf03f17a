"""Routes of followups; see events/followups.py."""

urlpatterns: list = []
