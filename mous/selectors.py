from django.core.paginator import Page, Paginator
from django.db.models import BooleanField, Count, Exists, F, OuterRef, Q, QuerySet, Value, Window

from events.models import Event
from events.selectors import event_list_visible_to
from institutions.permissions import active_institution_ids, is_secretariat
from matchmaking.models import Meeting
from matchmaking.selectors import meetings_of_institutions

from .models import Mou


def mou_list_public() -> QuerySet[Mou]:
    return (
        Mou.objects.filter(is_public=True)
        .exclude(status=Mou.Status.DRAFT)
        .select_related("event")
        .prefetch_related("parties__institution")
    )


def mous_of_institutions(*, institution_ids) -> QuerySet[Mou]:
    return (
        Mou.objects.filter(parties__institution_id__in=institution_ids)
        .distinct()
        .prefetch_related("parties__institution")
    )


def mous_with_event_shown(queryset: QuerySet[Mou], *, user) -> QuerySet[Mou]:
    """``queryset`` with ``event_shown``: whether ``user`` may open the MoU's event.

    A public MoU may be linked to a draft event; its title is shown only to those the
    ``events.open_event`` rule lets open it. One subquery in the same query, no query per MoU.
    Pages, exports and the summary PDF show ``mou.event`` only when ``mou.event_shown``.
    """
    if is_secretariat(user):
        return queryset.annotate(event_shown=Value(True, output_field=BooleanField()))
    return queryset.annotate(event_shown=Exists(event_list_visible_to(user=user).filter(pk=OuterRef("event_id"))))


def mou_list_for(user) -> QuerySet[Mou]:
    """The registry's MoUs as ``user`` may list them: all for the secretariat, public ones for others.

    Each says whether its event may be shown to ``user`` (see `mous_with_event_shown`).
    """
    if is_secretariat(user):
        queryset = Mou.objects.select_related("event").prefetch_related("parties__institution")
    else:
        queryset = mou_list_public()
    return mous_with_event_shown(queryset, user=user)


def registry_page(queryset: QuerySet[Mou], number, *, per_page: int, load: QuerySet[Mou]) -> Page:
    """Return page ``number`` of ``queryset`` as ``Paginator.get_page`` would, searching once.

    ``Paginator`` counts the rows in one query and fetches the page in another, so a text
    search ran twice. Here one narrow query takes the page's ids with the total
    (``count(*) OVER ()``), and a second one loads those rows by primary key from ``load``
    (the unfiltered ``mou_list_for(user)``, which selects and prefetches what the page shows;
    the ids already passed the filters and the permission). An out-of-range or invalid
    number falls back on ``get_page`` (the last or the first page).
    """
    paginator = Paginator(queryset, per_page)
    try:
        number = int(number or 1)
    except (TypeError, ValueError):
        number = 1
    if number < 1:
        return paginator.get_page(number)
    offset = (number - 1) * per_page
    rows = list(queryset.annotate(found=Window(Count("pk"))).values_list("pk", "found")[offset : offset + per_page])
    if not rows:
        if number > 1:
            return paginator.get_page(number)  # past the end: the last page
        paginator.count = 0
        return Page([], 1, paginator)
    paginator.count = rows[0][1]  # the paginator's cached property: no COUNT query
    by_pk = {mou.pk: mou for mou in load.filter(pk__in=[pk for pk, _found in rows]).order_by()}
    return Page([by_pk[pk] for pk, _found in rows if pk in by_pk], number, paginator)


def meetings_linkable_by(*, user, event: Event | None, mou: Mou | None = None) -> QuerySet[Meeting]:
    """The meetings of ``event`` that ``user`` may link to an MoU (``mou`` when it already exists).

    The secretariat: every meeting of the event not cancelled and not yet linked to another MoU.
    Anyone else (an institution admin proposing a draft): only published meetings at a public
    event in which an institution ``user`` administers took part, so a proposal can neither
    reveal nor claim other institutions' meetings. Meetings already linked to ``mou`` stay
    listed, so saving the form again keeps them.
    """
    if event is None:
        return Meeting.objects.none()
    scope = Q(mou_link__isnull=True)
    if not is_secretariat(user):
        own = meetings_of_institutions(institution_ids=active_institution_ids(user, admin_only=True))
        scope &= Q(
            status=Meeting.Status.PUBLISHED,
            session__event__status__in=[Event.Status.PUBLISHED, Event.Status.CLOSED],
            pk__in=own.values("pk"),
        )
    if mou is not None and mou.pk is not None:
        scope |= Q(mou_link__mou=mou)
    return Meeting.objects.filter(scope, session__event=event).exclude(status=Meeting.Status.CANCELLED)


def mous_of_alliance(*, alliance, user) -> list[Mou]:
    """The MoUs ``alliance`` is a party to that ``user`` may open (``mous.open_mou``), newest first.

    Each carries ``alliance_party``: the alliance's own party row (whether it signed on
    behalf of its members).
    """
    queryset = Mou.objects.filter(parties__institution=alliance)
    if not is_secretariat(user):
        public = Q(is_public=True) & ~Q(status=Mou.Status.DRAFT)
        mine = Q(parties__institution_id__in=active_institution_ids(user))
        queryset = Mou.objects.filter(pk__in=queryset.values("pk")).filter(public | mine)
    mous = list(
        Mou.objects.filter(pk__in=queryset.values("pk"))
        .prefetch_related("parties__institution")
        .order_by(F("signed_on").desc(nulls_last=True), "-pk")
    )
    for mou in mous:
        mou.alliance_party = next(p for p in mou.parties.all() if p.institution_id == alliance.pk)
    return mous
