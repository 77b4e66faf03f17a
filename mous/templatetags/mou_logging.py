"""The dashboard's line for the secretariat: MoUs to log and proposals waiting."""

from django import template
from django.db import connection

from core.pagecache import kept
from matchmaking.models import Meeting
from mous.models import Mou, MouMeeting

register = template.Library()


@register.inclusion_tag("mous/logging/_dashboard_line.html")
def mous_to_log_line():
    """Both counts in one query, kept until the next change of a meeting or MoU (``core.pagecache.kept``)."""
    return kept("dashboard:mous-to-log", _counts)


def _counts() -> dict[str, int]:
    meeting, mou, link = Meeting._meta, Mou._meta, MouMeeting._meta
    quote = connection.ops.quote_name
    sql = (
        # bandit: table and column names come from the models' Meta; the value is a bound parameter.
        f"SELECT (SELECT COUNT(*) FROM {quote(meeting.db_table)}"  # nosec B608
        f" WHERE {quote(meeting.get_field('outcome').column)} = %s"
        f" AND NOT EXISTS (SELECT 1 FROM {quote(link.db_table)}"
        f" WHERE {quote(link.get_field('meeting').column)}"
        f" = {quote(meeting.db_table)}.{quote(meeting.pk.column)})),"
        f" (SELECT COUNT(*) FROM {quote(mou.db_table)}"
        f" WHERE {quote(mou.get_field('status').column)} = %s"
        f" AND {quote(mou.get_field('proposed_by').column)} IS NOT NULL)"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, ["mou_signed", Mou.Status.DRAFT.value])
        to_log, proposals = cursor.fetchone()
    return {"to_log": to_log, "proposals": proposals}
