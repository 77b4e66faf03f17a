"""What the MoU app tells the apps below it, through their extension points.

Matchmaking and institutions sit below mous and never import it. They define what they need to
know of MoUs (``matchmaking.mou_links``, ``institutions.agreements``) and this module answers,
registered in ``MousConfig.ready()``: the meetings linked to an MoU, the MoUs signed at an
event, the MoUs a meeting may be linked to (with the MoU app's own visibility rule) and the
link itself, and the agreements institutions already have with each other.
"""

from __future__ import annotations

from django.db.models import F, QuerySet
from django.utils.translation import gettext as _

from core.multilingual import pick
from events.models import Event
from institutions.agreements import register_agreement_titles
from institutions.course_links import register_course_link
from matchmaking.models import Meeting
from matchmaking.mou_links import MeetingMous, MouChoice, MouLinkError, MouLinks, register_mou_links

from .errors import MouError
from .models import Mou, MouMeeting, MouParty
from .services import meeting_mou_link

# The statuses that mean "was signed" (later life-cycle states included: they were signed first),
# for the report's "MoUs signed at the event".
SIGNED_STATUSES = (
    Mou.Status.SIGNED,
    Mou.Status.ACTIVE,
    Mou.Status.EXPIRING,
    Mou.Status.EXPIRED,
    Mou.Status.RENEWED,
)


class MeetingLinkError(MouError, MouLinkError):
    """A link between a meeting and an MoU refused: the MoU registry's error, as the matchmaking app expects it."""


def _visible(user, mou: Mou | None) -> bool:
    # The MoU app's own rule (public registry, the parties' members, the secretariat).
    return mou is not None and user.has_perm("mous.open_mou", mou)


def _sides(meeting: Meeting) -> set[int]:
    request = meeting.request
    other = request.recipient.institution_id if request.recipient_id else request.recipient_institution_id
    return {request.requester.institution_id, other}


def _choices(meetings: list[Meeting], user) -> dict[int, list[Mou]]:
    """Per meeting: the MoUs ``user`` may see whose parties include both sides' institutions (two queries)."""
    pairs = {meeting.pk: _sides(meeting) for meeting in meetings}
    institutions = set().union(*pairs.values()) if pairs else set()
    if not institutions:
        return {}
    mous = Mou.objects.filter(parties__institution__in=institutions).prefetch_related("parties").distinct()
    parties = {
        mou: {party.institution_id for party in mou.parties.all()}
        for mou in mous.order_by("title")
        if _visible(user, mou)
    }
    return {pk: [mou for mou, held in parties.items() if pair <= held] for pk, pair in pairs.items()}


class MeetingMouLinks(MouLinks):
    """The provider of ``matchmaking.mou_links``, backed by ``MouMeeting``."""

    def linked_meeting_ids(self) -> QuerySet:
        return MouMeeting.objects.values("meeting_id")

    def signed_at_event(self, *, event: Event) -> tuple[int, int]:
        signed = Mou.objects.filter(event=event, status__in=SIGNED_STATUSES)
        count = signed.count()
        if not count:
            return 0, 0
        parties = MouParty.objects.filter(mou__in=signed).values("institution").distinct().count()
        return count, parties

    def meetings_mous(self, *, meetings: list[Meeting], user) -> dict[int, MeetingMous]:
        if not meetings:
            return {}
        links = {
            link.meeting_id: link.mou
            for link in MouMeeting.objects.filter(meeting__in=meetings)
            .select_related("mou")
            .prefetch_related("mou__parties")
        }
        choices = _choices(meetings, user)
        result = {}
        for meeting in meetings:
            linked = links.get(meeting.pk)
            result[meeting.pk] = MeetingMous(
                choices=[
                    MouChoice(
                        pk=mou.pk, title=mou.localized("title"), linked=linked is not None and mou.pk == linked.pk
                    )
                    for mou in choices.get(meeting.pk, [])
                ],
                # A meeting linked to an MoU the person may not see shows that it is linked, not to what.
                hidden=linked is not None and not _visible(user, linked),
            )
        return result

    def link(self, *, meeting: Meeting, choice: str, user) -> str | None:
        """Only MoUs ``user`` may see are accepted, and a link to an MoU they may not see is
        neither changed nor removed."""
        current = MouMeeting.objects.filter(meeting=meeting).select_related("mou").first()
        if current is not None and not _visible(user, current.mou):
            raise MeetingLinkError(_("This meeting is linked to an MoU you may not change. Nothing was changed."))
        if not choice:
            meeting_mou_link(meeting=meeting, mou=None)
            return None
        allowed = {mou.pk: mou for mou in _choices([meeting], user).get(meeting.pk, [])}
        mou = allowed.get(int(choice)) if choice.isascii() and choice.isdigit() else None
        if mou is None:
            raise MeetingLinkError(_("Choose an MoU signed by both institutions of the meeting. Nothing was changed."))
        meeting_mou_link(meeting=meeting, mou=mou)
        return mou.localized("title")


def agreement_titles(institution_id: int, other_ids: list[int]) -> dict[int, str]:
    """For each of ``other_ids`` sharing an MoU with the institution, the first MoU's title by title.

    The title is given in the active language when it is translated (callers keep their results
    per language).

    Terminated agreements are left out: they are no longer a partnership to point out.
    """
    rows = (
        MouParty.objects.filter(institution_id__in=other_ids, mou__parties__institution_id=institution_id)
        .exclude(mou__status=Mou.Status.TERMINATED)
        .order_by("institution_id", "mou__title")
        .values_list("institution_id", "mou__title", "mou__original_language", "mou__translations")
    )
    titles: dict[int, str] = {}
    for other_id, title, original_language, translations in rows:
        if other_id not in titles:  # in the reader's language, else English, else as written
            titles[other_id] = pick(title, original_language, (translations or {}).get("title"))
    return titles


def register() -> None:
    """Answer the extension points of the apps below; called once from ``MousConfig.ready()``."""
    register_mou_links(provider=MeetingMouLinks())
    register_agreement_titles(agreement_titles)
    register_course_link(course_mou_links)


def course_mou_links(user, course) -> list[tuple[str, str]]:
    """The MoUs ``course`` is shared under that ``user`` may open, for the course's page."""
    mous = (
        Mou.objects.filter(course_links__course=course)
        .prefetch_related("parties")
        .order_by(F("signed_on").desc(nulls_last=True), "pk")
    )
    return [(mou.localized("title"), mou.get_absolute_url()) for mou in mous if _visible(user, mou)]
