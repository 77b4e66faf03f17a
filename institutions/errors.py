"""The institutions app's one domain error."""


class InstitutionError(Exception):
    """A business rule about institutions refused an action; the message is translated.

    Raised by every service of the app (profiles, members, invitations, the contact relay,
    joining and verification); views show the message (``messages.error`` or a form error),
    and nothing was changed.
    """
