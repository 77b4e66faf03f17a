"""The one domain error of the events app.

Every refusal of an event rule (registration, check-in, contacts, surveys, event management) is
an ``EventError`` or one of its subclasses, raised with a translated message that a view shows as
is (``messages.error`` or the form's error list). The matchmaking app's ``MatchmakingError``
derives from it.
"""


class EventError(Exception):
    """A request that the rules of running an event refuse; the message is shown as is."""
