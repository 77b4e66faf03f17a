"""Extension point: what matchmaking may know of the MoUs its meetings led to.

The link from a meeting to the MoU it led to belongs to the MoU app (its ``MouMeeting`` model),
which sits above matchmaking: matchmaking never imports it and none of its models names it.
Three places in matchmaking still need the link, and ask the provider registered here:

- follow-up reminders stop for a meeting linked to an MoU (``followups._open_questions``);
- the event report counts linked meetings as signed and shows the MoUs signed at the event;
- the organisers' follow-ups page shows the MoUs a meeting may be linked to and changes the link.

The MoU app registers its provider in ``MousConfig.ready()`` (its ``links`` module). Without one
(an installation without the MoU app) no meeting is linked, no MoU is counted and linking is
refused. The provider answers with plain data, or with a queryset of meeting ids that matchmaking
uses as a subquery, so that the pages keep their number of queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from events.models import Event

from .errors import MatchmakingError
from .models import Meeting

__all__ = ["MeetingMous", "MouChoice", "MouLinkError", "MouLinks", "mou_links", "register_mou_links"]


class MouLinkError(MatchmakingError):
    """A link refused; the translated message says why and that nothing was changed."""


@dataclass(frozen=True)
class MouChoice:
    """An MoU a meeting may be linked to; ``linked`` when the meeting is linked to it now."""

    pk: int
    title: str
    linked: bool = False


@dataclass(frozen=True)
class MeetingMous:
    """For one meeting and one person: the MoUs offered, and whether it is linked to one they may not see."""

    choices: list[MouChoice]
    hidden: bool = False


class MouLinks:
    """The provider's interface, answering as if no MoU app were installed."""

    def linked_meeting_ids(self) -> QuerySet:
        """A queryset of the primary keys of the meetings linked to an MoU (for ``pk__in=``)."""
        return Meeting.objects.none().values("pk")

    def signed_at_event(self, *, event: Event) -> tuple[int, int]:
        """The MoUs signed at ``event`` and the distinct institutions party to them."""
        return 0, 0

    def meetings_mous(self, *, meetings: list[Meeting], user) -> dict[int, MeetingMous]:
        """Per meeting pk: the MoUs ``user`` may see and link it to, and whether its link is hidden from them."""
        return {}

    def link(self, *, meeting: Meeting, choice: str, user) -> str | None:
        """Link ``meeting`` to the MoU whose pk is ``choice`` (empty: unlink) on behalf of ``user``.

        Return the linked MoU's title, or None when the meeting was unlinked; raise
        ``MouLinkError`` when ``user`` may not make that change.
        """
        raise MouLinkError(_("Choose an MoU signed by both institutions of the meeting. Nothing was changed."))


_provider: MouLinks = MouLinks()


def register_mou_links(*, provider: MouLinks) -> None:
    """Install the provider; called once by the MoU app when it is ready."""
    global _provider  # the registry holds one provider, set once at start-up
    _provider = provider


def mou_links() -> MouLinks:
    """The registered provider (or the default one, which knows no MoU)."""
    return _provider
