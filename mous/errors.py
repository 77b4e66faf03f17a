"""The one domain error of the MoU registry."""

from __future__ import annotations


class MouError(Exception):
    """A rule of the MoU registry refused a change; ``str(error)`` is the translated message.

    ``code`` names the rule (for forms that turn the error into a ``ValidationError``).
    """

    def __init__(self, message: str, *, code: str = ""):
        super().__init__(message)
        self.message = message
        self.code = code
