"""Emails of the MoU lifecycle, written when the outbox sends them (see mous.lifecycle for queueing).

They are written in the recipient's language (the outbox activates it), MoU and milestone
titles included when they are translated.

Each renderer returns None when the reminder is no longer true at sending time: the MoU was
renewed or terminated, the milestone is done, or a party recorded activity meanwhile.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext

from core import outbox

from . import lifecycle
from .models import Milestone, Mou


def _url(obj) -> str:
    return settings.SITE_URL + obj.get_absolute_url()


def _rendered(subject: str, template: str, context: dict) -> outbox.Rendered:
    return outbox.Rendered(
        subject=subject,
        text=render_to_string(f"mous/lifecycle/email/{template}.txt", context),
        html=render_to_string(f"mous/lifecycle/email/{template}.html", context),
    )


@outbox.renderer(lifecycle.EXPIRY_KIND)
def render_expiry(email) -> outbox.Rendered | None:
    mou = Mou.objects.filter(pk=email.context.get("mou_id")).first()
    if mou is None or mou.status not in lifecycle.IN_FORCE or mou.valid_until is None:
        return None
    context = {"user": email.user, "mou": mou, "days": email.context.get("days"), "url": _url(mou)}
    subject = gettext("MoU ending on %(date)s: %(title)s") % {
        "date": mou.valid_until.isoformat(),
        "title": mou.localized("title"),
    }
    return _rendered(subject, "expiry", context)


@outbox.renderer(lifecycle.MILESTONE_KIND)
def render_milestone_due(email) -> outbox.Rendered | None:
    milestone = (
        Milestone.objects.select_related("mou", "owner_institution")
        .filter(pk=email.context.get("milestone_id"))
        .first()
    )
    if (
        milestone is None
        or milestone.status not in (Milestone.Status.PLANNED, Milestone.Status.IN_PROGRESS)
        or milestone.due_on is None
        or milestone.mou.status not in lifecycle.IN_FORCE
    ):
        return None
    context = {
        "user": email.user,
        "milestone": milestone,
        "mou": milestone.mou,
        "days": email.context.get("days"),
        "url": _url(milestone.mou),
    }
    subject = gettext("Milestone due on %(date)s: %(title)s") % {
        "date": milestone.due_on.isoformat(),
        "title": milestone.localized("title"),
    }
    return _rendered(subject, "milestone_due", context)


@outbox.renderer(lifecycle.DORMANT_KIND)
def render_dormant(email) -> outbox.Rendered | None:
    mou = Mou.objects.filter(pk=email.context.get("mou_id")).first()
    if mou is None or mou.status not in (Mou.Status.ACTIVE, Mou.Status.EXPIRING):
        return None
    since = lifecycle.last_activity_date(mou=mou)
    if since is None or since.isoformat() != email.context.get("since"):
        return None  # activity was recorded after the alert was queued
    context = {
        "user": email.user,
        "mou": mou,
        "since": datetime.date.fromisoformat(email.context["since"]),
        "url": _url(mou),
    }
    subject = gettext("No activity recorded for months: %(title)s") % {"title": mou.localized("title")}
    return _rendered(subject, "dormant", context)
