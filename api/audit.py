"""The token's person as the actor of the audit trail's entries for an API call.

``core.middleware.AuditMiddleware`` (django-auditlog's) takes the actor from ``request.user``
before the view runs; an API call is authenticated by its token only inside the view, so the
middleware saw nobody. ``api.authentication.TokenAuthentication`` calls :func:`record_actor`
once the token is known: the entries every API write makes then name that person, as the
pages' entries do.
"""

from auditlog.context import auditlog_value


def record_actor(user) -> None:
    """Name ``user`` as the actor of this call's audit entries (if it has none yet)."""
    try:
        context = auditlog_value.get()
    except LookupError:  # no AuditMiddleware around this call (e.g. a test calling the view)
        return
    if context.get("actor") is None:
        context["actor"] = user
