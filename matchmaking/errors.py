"""The one domain error of the matchmaking app.

Every refusal of a matchmaking rule (meeting requests, availability, scheduling, follow-ups,
MoU links) is a ``MatchmakingError`` or one of its subclasses, raised with a translated message
that a view shows as is. It is an ``EventError`` too: matchmaking is part of running an event,
and code that catches every refusal of an event keeps catching these.
"""

from events.errors import EventError


class MatchmakingError(EventError):
    """A request that the rules of matchmaking refuse; the message is shown as is."""
