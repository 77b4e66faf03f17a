"""The fixtures of the events tests, which the matchmaking tests share."""

from tests.events.conftest import event, register  # noqa: F401
