"""The portal app's one domain error; views catch it and show its (translated) message."""


class PortalError(Exception):
    """A request about a person's own account that the portal's rules refuse; the message is translated."""
