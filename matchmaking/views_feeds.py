"""A person's agenda as a calendar feed at a secret address, and the buttons that manage the address.

The feed (``matchmaking.feeds``) answers without signing in: the calendar app holds the URL and
nothing else. An unknown, renewed or revoked token answers 404, as does a malformed one.
The portal mounts these patterns at its root (``/calendar/<token>.ics``, ``/accounts/calendar/…``).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.urls import path, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from events.views_agenda import feed_response

from .errors import MatchmakingError
from .feeds import calendar_feed_exists, calendar_feed_renew, calendar_feed_revoke, feed_of_token, person_feed


@require_safe  # some calendar apps ask with HEAD first
def calendar_feed(request, token: str):
    feed = feed_of_token(token)
    if feed is None:
        raise Http404
    content = person_feed(user=feed.user)
    return feed_response(request, content, key=f"calendar-feed:person:{feed.pk}:{feed.prefix}", private=True)


def _back(request) -> HttpResponseRedirect:
    """Back to the page the buttons were on (the agenda or the preferences), on this site only."""
    next_url = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("preferences")
    return HttpResponseRedirect(f"{next_url}#calendar-feed")


@login_required
@require_POST
def calendar_feed_renew_view(request):
    """Create the person's feed address, or replace it by a new one (the old one ends at once)."""
    existed = calendar_feed_exists(user=request.user)
    try:
        calendar_feed_renew(user=request.user)
    except MatchmakingError as error:
        messages.error(request, str(error))
        return _back(request)
    if not existed:
        messages.success(request, _("Your calendar link is ready: subscribe to it in your calendar app."))
    else:
        messages.success(
            request, _("Your calendar link was reset: the old one no longer works. Subscribe again with the new one.")
        )
    return _back(request)


@login_required
@require_POST
def calendar_feed_revoke_view(request):
    try:
        revoked = calendar_feed_revoke(user=request.user)
    except MatchmakingError as error:
        messages.error(request, str(error))
        return _back(request)
    if revoked:
        messages.success(request, _("Your calendar link was turned off: calendars subscribed to it get nothing more."))
    return _back(request)


urlpatterns = [
    path("calendar/<str:token>.ics", calendar_feed, name="calendar_feed"),
    path("accounts/calendar/link/", calendar_feed_renew_view, name="calendar_feed_renew"),
    path("accounts/calendar/link/off/", calendar_feed_revoke_view, name="calendar_feed_revoke"),
]
