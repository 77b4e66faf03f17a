"""Writing the cooperation that follows an MoU: exchanges of people and named projects.

Every function checks who may write (``mous.record_cooperation`` on the MoU, or
``mous.record_alliance_project`` on an alliance) and raises ``PermissionDenied`` otherwise,
validates with the same rules as the forms (``MouError`` with a translated message, nothing
saved), keeps the history (django-simple-history, by ``user``), counts as the MoU's recorded
activity (see ``mous.lifecycle.queue_dormant_alerts``) and tells the webhooks the MoU changed.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import domain_events
from institutions.models import Institution

from .errors import MouError
from .lifecycle import touch_activity
from .models import EXCHANGE_MAX_PEOPLE, EXCHANGE_NUMBER_MESSAGE, Exchange, Mou, Project


def mou_years(*, mou: Mou, today: datetime.date | None = None) -> tuple[int, int]:
    """The years exchanges may be recorded for under ``mou``: from its signing (or start) to a
    year after its end; an MoU without an end date takes planned figures up to next year."""
    today = today or timezone.localdate()
    start = mou.signed_on or mou.valid_from or (mou.created_at.date() if mou.created_at else today)
    end = mou.valid_until.year + 1 if mou.valid_until else max(today.year, start.year) + 1
    return start.year, end


def exchange_check(*, exchange: Exchange, today: datetime.date | None = None) -> None:
    """Raise ``MouError`` when ``exchange`` breaks a rule (the first one found)."""
    mou = exchange.mou
    first, last = mou_years(mou=mou, today=today)
    if exchange.year is None or not first <= exchange.year <= last:
        raise MouError(
            _("The year must be within the MoU's life: from %(first)s to %(last)s.") % {"first": first, "last": last},
            code="year",
        )
    parties = set(mou.parties.values_list("institution_id", flat=True))
    if exchange.from_institution_id not in parties or exchange.to_institution_id not in parties:
        raise MouError(_("Both institutions must be parties of this MoU."), code="party")
    if exchange.from_institution_id == exchange.to_institution_id:
        raise MouError(_("People go from one party to another: choose two different parties."), code="same_party")
    if exchange.planned is None and exchange.actual is None:
        raise MouError(_("Give the planned number, the actual number or both."), code="no_figure")
    for value in (exchange.planned, exchange.actual):
        if value is not None and not 0 <= value <= EXCHANGE_MAX_PEOPLE:
            raise MouError(str(EXCHANGE_NUMBER_MESSAGE), code="number")
    if exchange.duration is not None and not exchange.duration_unit:
        raise MouError(_("Give the unit of the duration."), code="duration")
    duplicate = Exchange.objects.filter(
        mou=mou,
        year=exchange.year,
        category=exchange.category,
        from_institution_id=exchange.from_institution_id,
        to_institution_id=exchange.to_institution_id,
        field_id=exchange.field_id,
    ).exclude(pk=exchange.pk)
    if duplicate.exists():
        raise MouError(
            _("This flow is already recorded for that year: edit it rather than adding it again."), code="duplicate"
        )


def _require(user, perm: str, obj) -> None:
    if user is None or not user.has_perm(perm, obj):
        raise PermissionDenied(_("You may not record cooperation here."))


def _saved(item, *, user, save) -> None:
    """Save ``item`` as ``user``; a concurrent duplicate becomes a ``MouError``."""
    item._history_user = user
    try:
        with transaction.atomic():
            save()
    except IntegrityError as error:
        raise MouError(
            _("This flow is already recorded for that year: edit it rather than adding it again."), code="duplicate"
        ) from error


@transaction.atomic
def exchange_save(*, mou: Mou, exchange: Exchange, user) -> Exchange:
    """Create or update ``exchange`` under ``mou`` as ``user`` (a party admin or the secretariat)."""
    _require(user, "mous.record_cooperation", mou)
    if exchange.pk is not None and exchange.mou_id != mou.pk:
        raise PermissionDenied(_("You may not record cooperation here."))
    exchange.mou = mou
    if exchange.duration is None:
        exchange.duration_unit = exchange.duration_unit or Exchange.DurationUnit.WEEKS
    exchange_check(exchange=exchange)
    if exchange.pk is None:
        exchange.recorded_by = user
    _saved(exchange, user=user, save=exchange.save)
    touch_activity(mou=mou)
    domain_events.publish(domain_events.MOU_CHANGED, instance=mou)
    return exchange


@transaction.atomic
def exchange_delete(*, exchange: Exchange, user) -> None:
    """Delete ``exchange`` as ``user`` (a party admin of its MoU or the secretariat)."""
    mou = exchange.mou
    _require(user, "mous.record_cooperation", mou)
    exchange._history_user = user
    exchange.delete()
    touch_activity(mou=mou)
    domain_events.publish(domain_events.MOU_CHANGED, instance=mou)


def project_check(*, project: Project) -> None:
    """Raise ``MouError`` when ``project`` breaks a rule."""
    if (project.mou_id is None) == (project.alliance_id is None):
        raise MouError(_("A project belongs to one MoU or to one alliance."), code="owner")
    if project.alliance_id is not None and project.alliance.kind != Institution.Kind.ALLIANCE:
        raise MouError(_("Projects can be recorded for alliances only."), code="not_alliance")
    if project.start_on and project.end_on and project.end_on < project.start_on:
        raise MouError(_("The end date cannot be before the start date."), code="dates")
    if not (project.name or "").strip():
        raise MouError(_("Give the project a name."), code="name")


def _require_project_owner(*, project: Project, user) -> None:
    if project.mou_id is not None:
        _require(user, "mous.record_cooperation", project.mou)
    else:
        _require(user, "mous.record_alliance_project", project.alliance)


@transaction.atomic
def project_save(*, project: Project, user, mou: Mou | None = None, alliance: Institution | None = None) -> Project:
    """Create ``project`` under ``mou`` or ``alliance`` (one of them), or update it, as ``user``."""
    if project.pk is None:
        project.mou = mou
        project.alliance = alliance
        project.recorded_by = user
    elif (mou is not None and project.mou_id != mou.pk) or (
        alliance is not None and project.alliance_id != alliance.pk
    ):
        raise PermissionDenied(_("You may not record cooperation here."))
    _require_project_owner(project=project, user=user)
    project_check(project=project)
    try:
        project.full_clean(exclude=["mou", "alliance"])
    except ValidationError as error:
        raise MouError(" ".join(error.messages), code="invalid") from error
    project._history_user = user
    project.save()
    if project.mou_id is not None:
        touch_activity(mou=project.mou)
        domain_events.publish(domain_events.MOU_CHANGED, instance=project.mou)
    return project


@transaction.atomic
def project_delete(*, project: Project, user) -> None:
    """Delete ``project`` as ``user`` (who may record under its MoU or alliance)."""
    _require_project_owner(project=project, user=user)
    mou = project.mou
    project._history_user = user
    project.delete()
    if mou is not None:
        touch_activity(mou=mou)
        domain_events.publish(domain_events.MOU_CHANGED, instance=mou)
