"""Routes of matchmaking; see events/matchmaking.py."""

urlpatterns: list = []
