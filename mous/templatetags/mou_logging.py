"""The dashboard's line for the secretariat: MoUs to log and proposals waiting."""

from django import template
from django.db.models import Q

from events.models import Meeting
from mous.models import Mou

register = template.Library()


@register.inclusion_tag("mous/logging/_dashboard_line.html")
def mous_to_log_line():
    return {
        "to_log": Meeting.objects.filter(outcome="mou_signed", mou__isnull=True).count(),
        "proposals": Mou.objects.filter(Q(status=Mou.Status.DRAFT) & Q(proposed_by__isnull=False)).count(),
    }
