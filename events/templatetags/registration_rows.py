"""Template helpers for the rows of the registrations table, which shows fifty at a time.

Every row shows three labels of choices and four action addresses. ``get_FOO_display()``
translates each label of the field's choices anew at every call, and ``{% url %}`` resolves
the route every time: together about half of the table's rendering time. ``display`` looks
labels up in a table made once per language, ``registration_action_url`` fills in one
address reversed once per language and script prefix, ``role_options`` writes a row's
role choices without a template loop, ``country_name`` and ``row_labels`` (the row's fixed
words) come from tables made once per language.

``registration_row`` writes a whole row in Python: through the template engine, each of the
fifty rows cost half a millisecond of variable lookups, escaping and localisation for about
forty values, four fifths of the page's time; the same text joined here costs a tenth of that.
"""

from __future__ import annotations

import html
from functools import cache
from zoneinfo import ZoneInfo

from django import template
from django.urls import get_script_prefix, get_urlconf, reverse
from django.utils import dateformat, formats
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from core.countries import countries

register = template.Library()

# Stand-ins reversed once, then replaced by each row's values; no real slug or id has them.
_SLUG, _PK, _ACTION = "slug-stand-in", 918273645, "action-stand-in"


@cache
def _labels(model, field_name: str, language: str | None) -> dict:
    return {value: str(label) for value, label in model._meta.get_field(field_name).flatchoices}


@register.filter
def display(obj, field_name: str):
    """``obj.get_<field_name>_display()``: the label of the field's value in the active language."""
    value = getattr(obj, field_name)
    return _labels(type(obj), field_name, get_language()).get(value, value)


@cache
def _action_pattern(prefix: str, language: str | None, urlconf) -> str:
    return reverse("events:registration_action", args=[_SLUG, _PK, _ACTION])


@cache
def _list_pattern(prefix: str, language: str | None, urlconf, delegation_view: bool) -> str:
    return reverse("events:my_delegation" if delegation_view else "events:registrations", args=[_SLUG])


@register.simple_tag
def registration_action_url(slug: str, pk: int, action: str) -> str:
    """What ``{% url 'events:registration_action' slug pk action %}`` gives, without resolving it each time."""
    pattern = _action_pattern(get_script_prefix(), get_language(), get_urlconf())
    # The number first: neither stand-in holds digits, and a real slug may.
    return pattern.replace(str(_PK), str(pk)).replace(_ACTION, action).replace(_SLUG, slug)


@register.simple_tag
def role_options(choices, chosen: str) -> str:
    """The ``<option>`` elements of ``choices`` (value, label), ``chosen`` selected."""
    return mark_safe(  # noqa: S308  # nosec B308, B703 -- every value and label is escaped here
        "".join(
            f'<option value="{escape(value)}"{" selected" if value == chosen else ""}>{escape(label)}</option>'
            for value, label in choices
        )
    )


@cache
def _country_names(language: str | None) -> dict[str, str]:
    return {code: str(name) for code, name in countries}


@register.filter
def country_name(country) -> str:
    """``country.name`` (a ``django_countries`` Country) in the active language."""
    code = getattr(country, "code", country) or ""
    return _country_names(get_language()).get(code, "")


# The words every row repeats (marked for translation here, translated once per language).
ROW_LABELS = {
    "select": _("Select"),
    "checked_in": _("checked in"),
    "approve": _("Approve"),
    "decline": _("Decline"),
    "cancel": _("Cancel"),
    "cancel_confirm": _("Cancel this registration?"),
    "role": _("Role"),
    "change_role": _("Change role"),
}


@cache
def _row_labels(language: str | None) -> dict[str, str]:
    return {key: str(label) for key, label in ROW_LABELS.items()}


@register.simple_tag
def row_labels() -> dict[str, str]:
    """``ROW_LABELS`` in the active language: ``{% row_labels as labels %}``, then ``{{ labels.approve }}``."""
    return _row_labels(get_language())


@cache
def _datetime_format(language: str | None) -> str:
    return formats.get_format("SHORT_DATETIME_FORMAT")


@cache
def _zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _csrf_input(context) -> str:
    token = context.get("csrf_token")
    if not token or str(token) == "NOTPROVIDED":
        return ""
    return f'<input type="hidden" name="csrfmiddlewaretoken" value="{escape(token)}">'


def _escape(value) -> str:
    # html.escape itself: django.utils.html.escape wraps it in a check for lazy strings that
    # cost more than the escaping, forty times a row. Same result: &, <, >, " and ' replaced.
    return html.escape(str(value))


@cache
def _role_select(choices: tuple, chosen: str, language: str | None) -> str:
    return role_options(choices, chosen)


@register.simple_tag(takes_context=True)
def registration_row(context, registration) -> SafeString:
    """The ``<tr>`` of ``registration`` in the registrations table (organisers' list or a head's delegation).

    Reads from the context what the table's template gave it: ``event``, ``actions``,
    ``role_choices``, ``delegation_view``, ``row_error``, ``back_url`` (else the request's own
    address) and the CSRF token. Every value from the database is escaped here.

    Fifty rows are most of the page, so each says what it needs once: the buttons name their
    action in ``formaction`` alone (htmx posts the form to the clicked button's
    ``formaction``; the table gives the target, the row itself), and the ``next`` address
    is left out when it is the list's own, where the action goes back to anyway.
    """
    language = get_language()
    labels = _row_labels(language)
    event = context["event"]
    actions = context.get("actions") or ()
    delegation_view = context.get("delegation_view")
    request = context.get("request")
    if "back_url" in context:
        next_url = context["back_url"] or ""
    else:
        next_url = request.get_full_path() if request is not None else ""
    pk = registration.pk
    user = registration.user
    institution = registration.institution
    status = registration.status
    out = [f'<tr id="registration-{pk}">']
    if not delegation_view:
        out.append(
            f'<td><label class="visually-hidden" for="select-{pk}">{_escape(labels["select"])}</label>'
            f'<input id="select-{pk}" type="checkbox" name="ids" value="{pk}" form="bulk-approve"></td>'
        )
    email = _escape(user.email)
    out.append(
        f"<td><strong>{_escape(user.display_name or user.email)}</strong>"
        f'<br><a class="small" href="mailto:{email}">{email}</a>'
    )
    if registration.job_title:
        out.append(f'<br><span class="small muted">{_escape(registration.job_title)}</span>')
    kinds = _labels(type(institution), "kind", language)
    # The stored code: the field's descriptor builds a Country object at each read.
    code = institution.__dict__.get("country") or ""
    out.append(
        f"</td><td>{_escape(institution.name)}"
        f'<br><span class="small muted">{_escape(kinds.get(institution.kind, institution.kind))}</span></td>'
        f"<td>{_escape(_country_names(language).get(code, ''))}</td>"
        f"<td>{_escape(_labels(type(registration), 'role', language).get(registration.role, registration.role))}</td>"
        f"<td>{_escape((registration.delegation.name if registration.delegation else '') or '—')}</td>"
    )
    badge = {"approved": " badge-ok", "pending": " badge-warn"}.get(status, "")
    status_label = _labels(type(registration), "status", language).get(status, status)
    out.append(f'<td><span class="badge{badge}">{_escape(status_label)}</span>')
    if context.get("row_error"):
        out.append(f'<p class="errorlist" role="alert">{_escape(context["row_error"])}</p>')
    created = dateformat.format(registration.created_at.astimezone(_zone(event.time_zone)), _datetime_format(language))
    out.append(f'</td><td class="small">{_escape(created)}')
    if registration.checked_in_at:
        out.append(f'<br><span class="badge badge-ok">{_escape(labels["checked_in"])}</span>')
    prefix, urlconf = get_script_prefix(), get_urlconf()
    # One form per row, each button posting to its action: the browser and htmx (hx-post
    # without an address of its own) both send the form to the clicked button's formaction.
    out.append(f'</td><td><form class="registration-actions" method="post" hx-post>{_csrf_input(context)}')
    if next_url and next_url != _list_pattern(prefix, language, urlconf, bool(delegation_view)).replace(
        _SLUG, event.slug
    ):
        out.append(f'<input type="hidden" name="next" value="{_escape(next_url)}">')
    if delegation_view:
        out.append('<input type="hidden" name="view" value="delegation">')
    pattern = _action_pattern(prefix, language, urlconf)

    def button(action: str, label: str, extra: str = "", ghost: bool = True) -> None:
        # As registration_action_url: the number first, since a real slug may hold digits.
        url = _escape(pattern.replace(str(_PK), str(pk)).replace(_ACTION, action).replace(_SLUG, event.slug))
        kind = "button button-small button-ghost" if ghost else "button button-small"
        out.append(f'<button class="{kind}" formaction="{url}"{extra}>{_escape(label)}</button>')

    # A head of delegation cannot overturn the organisers' decline.
    if "approve" in actions and status != "approved" and (not delegation_view or status != "rejected"):
        button("approve", labels["approve"], ghost=False)
    if "reject" in actions and status != "rejected":
        button("reject", labels["decline"])
    if "cancel" in actions and status != "cancelled":
        # Asked by static/js/portal.js before the form goes (hx-confirm would ask for every button of the form).
        button("cancel", labels["cancel"], f' data-confirm="{_escape(labels["cancel_confirm"])}"')
    if "role" in actions:
        choices = tuple((value, str(label)) for value, label in context.get("role_choices") or ())
        out.append(
            f'<span class="registration-role"><label class="visually-hidden" for="role-{pk}">{_escape(labels["role"])}</label>'
            f'<select id="role-{pk}" name="role">{_role_select(choices, registration.role, language)}</select>'
        )
        button("role", labels["change_role"])
        out.append("</span>")
    out.append("</form></td></tr>")
    return mark_safe("".join(out))  # noqa: S308  # nosec B308, B703 -- every value from the database is escaped above
