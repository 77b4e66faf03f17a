"""The organisers' registrations list: permissions, filters, actions, export, query count; and
the head of delegation's view of their members."""

import csv
import io
import re

import pytest
from django.core import mail
from django.urls import reverse

from events.models import Event, Registration
from institutions.models import Institution, Membership
from tests.factories import (
    DelegationFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    RegistrationFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def list_url(event, **query):
    url = reverse("events:registrations", kwargs={"slug": event.slug})
    if query:
        from urllib.parse import urlencode

        url += "?" + urlencode(query)
    return url


def action_url(registration, action):
    return reverse(
        "events:registration_action",
        kwargs={"slug": registration.event.slug, "pk": registration.pk, "action": action},
    )


def person(institution, **kwargs):
    return MembershipFactory(user=UserFactory(verified_email=True), institution=institution, **kwargs).user


@pytest.fixture
def event(roles):
    """An event organised by institution A, with one registration from B."""
    event = EventFactory()
    event.organisers.add(roles.institution_a)
    return event


# ---- permissions ---------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["secretariat", "institution_admin"])
def test_secretariat_and_organiser_admins_see_the_list(client, roles, event, role):
    registration = RegistrationFactory(event=event, user=roles["other_member"])
    client.force_login(roles[role])
    response = client.get(list_url(event))
    assert response.status_code == 200
    assert roles["other_member"].email in response.content.decode()
    assert action_url(registration, "approve") not in response.content.decode()  # already approved
    assert action_url(registration, "reject") in response.content.decode()


@pytest.mark.parametrize("role", ["participant", "other_member", "other_admin", "no_institution", "pending_member"])
def test_everyone_else_gets_404_on_list_export_and_actions(client, roles, event, role):
    registration = RegistrationFactory(event=event, user=roles["other_member"], status=Registration.Status.PENDING)
    client.force_login(roles[role])
    for url in (
        list_url(event),
        reverse("events:registrations_export_csv", kwargs={"slug": event.slug}),
        reverse("events:registrations_export_xlsx", kwargs={"slug": event.slug}),
    ):
        assert client.get(url).status_code == 404
    for action in ("approve", "reject", "cancel"):
        assert client.post(action_url(registration, action)).status_code == 404
    assert client.post(action_url(registration, "role"), {"role": "speaker"}).status_code == 404
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    assert registration.role == Registration.Role.DELEGATE


def test_visitors_are_sent_to_sign_in(client, event):
    registration = RegistrationFactory(event=event)
    for response in (client.get(list_url(event)), client.post(action_url(registration, "approve"))):
        assert response.status_code == 302
        assert reverse("account_login") in response["Location"]


def test_the_admin_of_an_organiser_of_another_event_gets_404(client, roles):
    event = EventFactory()
    event.organisers.add(roles.institution_b)
    client.force_login(roles["institution_admin"])
    assert client.get(list_url(event)).status_code == 404


def test_action_on_a_registration_of_another_event_is_404(client, roles, event):
    other = RegistrationFactory(status=Registration.Status.PENDING)
    client.force_login(roles["institution_admin"])
    url = reverse("events:registration_action", kwargs={"slug": event.slug, "pk": other.pk, "action": "approve"})
    assert client.post(url).status_code == 404
    other.refresh_from_db()
    assert other.status == Registration.Status.PENDING


def test_actions_need_post(client, roles, event):
    registration = RegistrationFactory(event=event, status=Registration.Status.PENDING)
    client.force_login(roles["secretariat"])
    assert client.get(action_url(registration, "approve")).status_code == 405
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING


# ---- actions -------------------------------------------------------------------------------


def test_approve_without_javascript_redirects_and_emails(client, roles, event, django_capture_on_commit_callbacks):
    registration = RegistrationFactory(event=event, user=roles["other_member"], status=Registration.Status.PENDING)
    client.force_login(roles["secretariat"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(registration, "approve"), {"next": list_url(event, status="pending")})
    assert response.status_code == 302
    assert response["Location"] == list_url(event, status="pending")
    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED
    assert [message.to for message in mail.outbox] == [[roles["other_member"].email]]
    assert "approved" in mail.outbox[0].subject


def test_reject_with_htmx_returns_the_row(client, roles, event, django_capture_on_commit_callbacks):
    registration = RegistrationFactory(event=event, user=roles["other_member"], status=Registration.Status.PENDING)
    client.force_login(roles["institution_admin"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(action_url(registration, "reject"), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert response.status_code == 200
    assert html.strip().startswith(f'<tr id="registration-{registration.pk}"')
    assert "<html" not in html
    registration.refresh_from_db()
    assert registration.status == Registration.Status.REJECTED
    assert len(mail.outbox) == 1


def test_cancel_and_change_role(client, roles, event):
    registration = RegistrationFactory(event=event)
    client.force_login(roles["secretariat"])
    client.post(action_url(registration, "role"), {"role": "speaker"})
    client.post(action_url(registration, "cancel"))
    registration.refresh_from_db()
    assert registration.role == Registration.Role.SPEAKER
    assert registration.status == Registration.Status.CANCELLED


def test_a_bad_role_changes_nothing_and_says_why(client, roles, event):
    registration = RegistrationFactory(event=event)
    client.force_login(roles["secretariat"])
    response = client.post(action_url(registration, "role"), {"role": "king"}, headers={"HX-Request": "true"})
    assert "Choose one of the roles offered." in response.content.decode()
    registration.refresh_from_db()
    assert registration.role == Registration.Role.DELEGATE


def test_an_unknown_action_is_404(client, roles, event):
    registration = RegistrationFactory(event=event)
    client.force_login(roles["secretariat"])
    assert client.post(action_url(registration, "delete")).status_code == 404
    assert Registration.objects.filter(pk=registration.pk).exists()


def test_approving_a_cancelled_registration_respects_capacity(client, roles):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    cancelled = RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    client.force_login(roles["secretariat"])
    response = client.post(action_url(cancelled, "approve"), headers={"HX-Request": "true"})
    assert "This event is full" in response.content.decode()
    cancelled.refresh_from_db()
    assert cancelled.status == Registration.Status.CANCELLED


def test_next_pointing_elsewhere_is_ignored(client, roles, event):
    registration = RegistrationFactory(event=event, status=Registration.Status.PENDING)
    client.force_login(roles["secretariat"])
    response = client.post(action_url(registration, "approve"), {"next": "https://evil.example.com/"})
    assert response["Location"] == list_url(event)


# ---- filters, counts, pagination, query count ----------------------------------------------


@pytest.fixture
def mixed(event):
    """Registrations from a Thai university and a Chinese enterprise, in a delegation or not."""
    thai = InstitutionFactory(name="Bangkok Technical University", country="TH", kind=Institution.Kind.UNIVERSITY)
    chinese = InstitutionFactory(name="Nanning Machinery Works", country="CN", kind=Institution.Kind.ENTERPRISE)
    delegation = DelegationFactory(event=event, name="Thai delegation", country="TH")
    somchai = RegistrationFactory(
        event=event,
        user=UserFactory(display_name="สมชาย ใจดี", email="somchai@example.org"),
        institution=thai,
        delegation=delegation,
        status=Registration.Status.PENDING,
    )
    li = RegistrationFactory(
        event=event,
        user=UserFactory(display_name="李明", email="li.ming@example.org"),
        institution=chinese,
        role=Registration.Role.SPEAKER,
    )
    return {"thai": thai, "chinese": chinese, "delegation": delegation, "somchai": somchai, "li": li}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, {"somchai", "li"}),
        ({"country": "TH"}, {"somchai"}),
        ({"kind": "enterprise"}, {"li"}),
        ({"role": "speaker"}, {"li"}),
        ({"status": "pending"}, {"somchai"}),
        ({"q": "李"}, {"li"}),
        ({"q": "bangkok"}, {"somchai"}),
        ({"q": "li.ming@"}, {"li"}),
        ({"country": "CN", "status": "pending"}, set()),
    ],
)
def test_filters(client, roles, event, mixed, query, expected):
    client.force_login(roles["secretariat"])
    response = client.get(list_url(event, **query))
    shown = {registration.user.email.split("@")[0].split(".")[0] for registration in response.context["registrations"]}
    assert shown == expected


def test_filter_by_institution_and_delegation(client, roles, event, mixed):
    client.force_login(roles["secretariat"])
    by_institution = client.get(list_url(event, institution=mixed["chinese"].pk)).context["registrations"]
    by_delegation = client.get(list_url(event, delegation=mixed["delegation"].pk)).context["registrations"]
    assert [r.pk for r in by_institution] == [mixed["li"].pk]
    assert [r.pk for r in by_delegation] == [mixed["somchai"].pk]


def test_invalid_filter_values_are_ignored(client, roles, event, mixed):
    client.force_login(roles["secretariat"])
    response = client.get(list_url(event, status="lost", institution="abc"))
    assert response.status_code == 200
    assert len(response.context["registrations"]) == 2


def test_counts_and_filter_choices(client, roles, event, mixed):
    RegistrationFactory(event=event, status=Registration.Status.CANCELLED)
    client.force_login(roles["secretariat"])
    response = client.get(list_url(event))
    counts = response.context["counts"]
    assert counts["total"] == 3
    assert counts["pending"] == 1
    assert counts["approved"] == 1
    assert counts["cancelled"] == 1
    assert counts["pending"] + counts["approved"] + counts["rejected"] + counts["cancelled"] == counts["total"]
    country_choices = dict(response.context["form"].fields["country"].choices)
    assert "TH" in country_choices
    assert "VN" not in country_choices


def test_pagination_keeps_the_filters(client, roles, event):
    institution = InstitutionFactory(country="VN")
    for _ in range(51):
        RegistrationFactory(event=event, institution=institution, status=Registration.Status.PENDING)
    client.force_login(roles["secretariat"])
    response = client.get(list_url(event, status="pending"))
    assert "status=pending&amp;page=2" in response.content.decode()
    assert len(client.get(list_url(event, status="pending", page=2)).context["registrations"]) == 1


def test_the_list_makes_a_fixed_number_of_queries(client, roles, django_assert_max_num_queries):
    event = EventFactory()
    client.force_login(roles["secretariat"])

    def count_queries() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(list_url(event)).status_code == 200
        return len(queries)

    RegistrationFactory(event=event, delegation=DelegationFactory(event=event))
    one = count_queries()
    for index in range(29):
        RegistrationFactory(
            event=event,
            institution=InstitutionFactory(country="CN" if index % 2 else "KH"),
            delegation=DelegationFactory(event=event),
        )
    with django_assert_max_num_queries(one):
        assert len(client.get(list_url(event)).context["registrations"]) == 30


# ---- export --------------------------------------------------------------------------------


def test_csv_export_of_the_filtered_list(client, roles, event, mixed):
    mixed["somchai"].job_title = "=HYPERLINK(1)"
    mixed["somchai"].save()
    client.force_login(roles["secretariat"])
    response = client.get(reverse("events:registrations_export_csv", kwargs={"slug": event.slug}) + "?country=TH")
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][:2] == ["Name", "Email"]
    assert len(rows) == 2
    assert rows[1][0] == "สมชาย ใจดี"
    assert rows[1][2] == "'=HYPERLINK(1)"
    assert rows[1][3] == "Bangkok Technical University"
    assert rows[1][7] == "Thai delegation"


def test_xlsx_export(client, roles, event, mixed):
    from openpyxl import load_workbook

    client.force_login(roles["institution_admin"])
    response = client.get(reverse("events:registrations_export_xlsx", kwargs={"slug": event.slug}) + "?role=speaker")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "Name"
    assert [row[0] for row in rows[1:]] == ["李明"]
    assert rows[1][6] == "speaker"


# ---- head of delegation --------------------------------------------------------------------


@pytest.fixture
def delegation_setup(event):
    institution = InstitutionFactory(country="KH")
    delegation = DelegationFactory(event=event, country="KH", name="Cambodian delegation")
    head = RegistrationFactory(event=event, user=person(institution), institution=institution, delegation=delegation)
    delegation.head = head
    delegation.save()
    member = RegistrationFactory(
        event=event,
        user=person(institution),
        institution=institution,
        delegation=delegation,
        status=Registration.Status.PENDING,
    )
    outsider = RegistrationFactory(event=event, status=Registration.Status.PENDING)
    return {"delegation": delegation, "head": head, "member": member, "outsider": outsider}


def test_head_sees_and_manages_their_members(client, delegation_setup):
    setup = delegation_setup
    client.force_login(setup["head"].user)
    page = client.get(reverse("events:my_delegation", kwargs={"slug": setup["head"].event.slug}))
    html = page.content.decode()
    assert page.status_code == 200
    assert setup["member"].user.email in html
    assert setup["outsider"].user.email not in html
    assert action_url(setup["member"], "reject") not in html

    response = client.post(action_url(setup["member"], "approve"), {"view": "delegation"})
    assert response["Location"] == reverse("events:my_delegation", kwargs={"slug": setup["head"].event.slug})
    client.post(action_url(setup["member"], "role"), {"role": "observer"})
    setup["member"].refresh_from_db()
    assert setup["member"].status == Registration.Status.APPROVED
    assert setup["member"].role == Registration.Role.OBSERVER


def test_head_powers_stop_at_their_members(client, delegation_setup):
    setup = delegation_setup
    client.force_login(setup["head"].user)
    assert client.post(action_url(setup["outsider"], "approve")).status_code == 404
    assert client.post(action_url(setup["member"], "reject")).status_code == 404
    assert client.post(action_url(setup["member"], "role"), {"role": "organiser"}).status_code == 302
    assert client.get(list_url(setup["head"].event)).status_code == 404
    setup["outsider"].refresh_from_db()
    setup["member"].refresh_from_db()
    assert setup["outsider"].status == Registration.Status.PENDING
    assert setup["member"].status == Registration.Status.PENDING
    assert setup["member"].role == Registration.Role.DELEGATE


def test_a_member_who_is_not_head_has_no_delegation_page(client, delegation_setup):
    client.force_login(delegation_setup["member"].user)
    url = reverse("events:my_delegation", kwargs={"slug": delegation_setup["member"].event.slug})
    assert client.get(url).status_code == 404
    assert client.post(action_url(delegation_setup["head"], "cancel")).status_code == 404


def test_draft_event_list_for_organiser_admin(client, roles):
    event = EventFactory(status=Event.Status.DRAFT)
    event.organisers.add(roles.institution_a)
    client.force_login(roles["institution_admin"])
    assert client.get(list_url(event)).status_code == 200
    client.force_login(roles["participant"])
    assert client.get(list_url(event)).status_code == 404
    assert Membership.objects.filter(user=roles["participant"], role="member").exists()


# ---- bulk approve --------------------------------------------------------------------------


def bulk_url(event):
    return reverse("events:registrations_bulk_approve", kwargs={"slug": event.slug})


def test_bulk_approve_approves_the_selected_and_emails_them(client, roles, event, django_capture_on_commit_callbacks):
    pending = [RegistrationFactory(event=event, status=Registration.Status.PENDING) for _ in range(3)]
    client.force_login(roles["secretariat"])
    assert 'form="bulk-approve"' in client.get(list_url(event)).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(bulk_url(event), {"ids": [pending[0].pk, pending[1].pk]})
    assert response.status_code == 302
    statuses = [Registration.objects.get(pk=r.pk).status for r in pending]
    assert statuses == ["approved", "approved", "pending"]
    assert sorted(m.to[0] for m in mail.outbox) == sorted([pending[0].user.email, pending[1].user.email])


def test_bulk_approve_is_all_or_nothing(client, roles, event):
    mine = RegistrationFactory(event=event, status=Registration.Status.PENDING)
    elsewhere = RegistrationFactory(status=Registration.Status.PENDING)
    client.force_login(roles["secretariat"])
    response = client.post(bulk_url(event), {"ids": [mine.pk, elsewhere.pk]}, follow=True)
    assert "Select registrations of this event to approve." in response.content.decode()
    assert Registration.objects.get(pk=mine.pk).status == Registration.Status.PENDING
    assert Registration.objects.get(pk=elsewhere.pk).status == Registration.Status.PENDING


def test_bulk_approve_respects_capacity(client, roles):
    event = EventFactory(capacity=2)
    RegistrationFactory(event=event)
    cancelled = [RegistrationFactory(event=event, status=Registration.Status.CANCELLED) for _ in range(2)]
    client.force_login(roles["secretariat"])
    response = client.post(bulk_url(event), {"ids": [r.pk for r in cancelled]}, follow=True)
    assert "This event is full" in response.content.decode()
    assert set(Registration.objects.filter(pk__in=[r.pk for r in cancelled]).values_list("status", flat=True)) == {
        "cancelled"
    }


@pytest.mark.parametrize("role", ["participant", "other_admin"])
def test_bulk_approve_is_refused_to_others(client, roles, event, role):
    pending = RegistrationFactory(event=event, status=Registration.Status.PENDING)
    client.force_login(roles[role])
    assert client.post(bulk_url(event), {"ids": [pending.pk]}).status_code == 404
    assert Registration.objects.get(pk=pending.pk).status == Registration.Status.PENDING


def test_bulk_approve_with_garbage_ids_changes_nothing(client, roles, event):
    pending = RegistrationFactory(event=event, status=Registration.Status.PENDING)
    client.force_login(roles["secretariat"])
    response = client.post(bulk_url(event), {"ids": [pending.pk, "x"]}, follow=True)
    assert "Select registrations of this event to approve." in response.content.decode()
    assert Registration.objects.get(pk=pending.pk).status == Registration.Status.PENDING


def test_my_events_links_the_head_to_their_delegation(client, delegation_setup):
    url = reverse("events:my_delegation", kwargs={"slug": delegation_setup["head"].event.slug})
    client.force_login(delegation_setup["head"].user)
    assert url in client.get(reverse("events:mine")).content.decode()
    client.force_login(delegation_setup["member"].user)
    assert url not in client.get(reverse("events:mine")).content.decode()


def test_head_cannot_overturn_a_decline(client, delegation_setup):
    member = delegation_setup["member"]
    member.status = Registration.Status.REJECTED
    member.save()
    client.force_login(delegation_setup["head"].user)
    page = client.get(reverse("events:my_delegation", kwargs={"slug": member.event.slug}))
    assert action_url(member, "approve") not in page.content.decode()
    response = client.post(action_url(member, "approve"), headers={"HX-Request": "true"})
    assert "The organisers declined this registration." in response.content.decode()
    member.refresh_from_db()
    assert member.status == Registration.Status.REJECTED


def test_htmx_row_keeps_the_list_address_for_the_next_action(client, roles, event):
    registration = RegistrationFactory(event=event, status=Registration.Status.PENDING)
    client.force_login(roles["secretariat"])
    back = list_url(event, status="pending")
    response = client.post(action_url(registration, "approve"), {"next": back}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert f'name="next" value="{back}"' in html.replace("&amp;", "&")
    assert f'value="{action_url(registration, "approve")}"' not in html


# ---- an exchange week's list: kept filter choices, rows drawn cheaply ----------------------


def test_filter_choices_follow_new_institutions_and_delegations(client, roles, event, mixed):
    client.force_login(roles["secretariat"])
    before = client.get(list_url(event)).context["form"]
    newcomer = InstitutionFactory(name="Vientiane Polytechnic", country="LA")
    RegistrationFactory(event=event, institution=newcomer)
    delegation = DelegationFactory(event=event, name="Lao delegation", country="LA")

    after = client.get(list_url(event)).context["form"]
    newcomer.name = "Vientiane Polytechnic College"
    newcomer.save(update_fields=["name"])
    renamed = client.get(list_url(event)).content.decode()

    assert newcomer.pk not in dict(before.fields["institution"].choices)
    assert dict(after.fields["institution"].choices)[newcomer.pk] == "Vientiane Polytechnic"
    assert dict(after.fields["delegation"].choices)[delegation.pk] == "Lao delegation"
    assert "LA" in dict(after.fields["country"].choices)
    assert f'<option value="{newcomer.pk}">Vientiane Polytechnic College</option>' in renamed


def test_filter_selects_are_written_as_djangos_templates_write_them(client, roles, event, mixed):
    from django import forms
    from django.test.html import parse_html

    from events.forms_registration import RegistrationFilterForm

    form = RegistrationFilterForm(
        {"institution": mixed["thai"].pk, "status": "pending", "q": 'Bangkok "Tech" <b>'}, event=event
    )
    assert form.is_valid()
    for name in ("q", "country", "institution", "kind", "role", "delegation", "status"):
        field = form.fields[name]
        plain = str(form[name])
        if name == "q":
            field.widget = forms.TextInput(attrs={**field.widget.attrs, "type": field.widget.input_type})
        else:
            field.widget = forms.Select(choices=field.choices)
        assert parse_html(plain) == parse_html(str(form[name])), name
    assert 'value="Bangkok &quot;Tech&quot; &lt;b&gt;"' in str(form["q"])


def test_rows_show_labels_in_the_persons_language_and_the_action_addresses(client, roles, event, mixed):
    from django.conf import settings

    client.force_login(roles["secretariat"])
    english = client.get(list_url(event)).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(list_url(event)).content.decode()

    for action in ("approve", "reject", "cancel", "role"):
        url = action_url(mixed["somchai"], action)  # pending: every action
        assert f'formaction="{url}"' in english  # htmx posts the row's form there too (hx-post without an address)
    assert "<td>speaker</td>" in english
    assert "enterprise</span>" in english
    assert ">pending</span>" in english
    assert "<td>speaker</td>" not in chinese
    assert ">pending</span>" not in chinese
    assert ">Approve</button>" in english
    assert ">Approve</button>" not in chinese
    assert ">Thailand</td>" in english
    assert ">Thailand</td>" not in chinese
    table = english[english.index('<table class="registration-table"') : english.index("</table>")]
    assert table.count("<form ") == table.count('name="csrfmiddlewaretoken"') == 2  # one form per row
    assert '<option value="speaker" selected>speaker</option>' in english


def test_the_match_count_of_a_filtered_list_counts_the_matches(client, roles, event, mixed):
    client.force_login(roles["secretariat"])

    everything = client.get(list_url(event)).context["page_obj"].paginator.count
    pending = client.get(list_url(event, status="pending")).context["page_obj"].paginator.count

    assert (everything, pending) == (2, 1)


def test_rows_escape_what_people_typed(client, roles, event):
    user = UserFactory(display_name='<script>alert("x")</script>', verified_email=True)
    institution = InstitutionFactory(name="Tom & Jerry's <b>College</b>")
    RegistrationFactory(event=event, user=user, institution=institution, job_title="<i>Dean</i>")
    client.force_login(roles["secretariat"])

    page = client.get(list_url(event)).content.decode()

    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in page
    assert "Tom &amp; Jerry&#x27;s &lt;b&gt;College&lt;/b&gt;" in page
    assert "&lt;i&gt;Dean&lt;/i&gt;" in page


def test_a_row_written_in_python_is_the_row_the_template_wrote(client, roles, event, mixed):
    """The row as ``_table.html`` wrote it before it moved to Python, element for element.

    Lightened since: the buttons' address once (formaction, which htmx follows too), the
    target on the table, no ``next`` back to the list itself, Cancel's question in
    ``data-confirm`` (asked by portal.js)."""
    from django.template import engines
    from django.test.html import parse_html

    client.force_login(roles["secretariat"])
    response = client.get(list_url(event))
    page = response.content.decode()
    registration = mixed["somchai"]
    start = page.index(f'<tr id="registration-{registration.pk}">')
    row = page[start : page.index("</tr>", start) + len("</tr>")]
    token = page[page.index('name="csrfmiddlewaretoken" value="', start) :].split('"')[3]
    template = engines["django"].from_string(
        """{% load i18n l10n tz %}{% localize off %}<tr id="registration-{{ r.pk }}"><td>
        <label class="visually-hidden" for="select-{{ r.pk }}">Select</label>
        <input id="select-{{ r.pk }}" type="checkbox" name="ids" value="{{ r.pk }}" form="bulk-approve"></td>
        <td><strong>{{ r.user.display_name|default:r.user.email }}</strong>
        <br><a class="small" href="mailto:{{ r.user.email }}">{{ r.user.email }}</a>
        {% if r.job_title %}<br><span class="small muted">{{ r.job_title }}</span>{% endif %}</td>
        <td>{{ r.institution.name }}<br><span class="small muted">{{ r.institution.get_kind_display }}</span></td>
        <td>{{ r.institution.country.name }}</td><td>{{ r.get_role_display }}</td>
        <td>{{ r.delegation.name|default:"—" }}</td>
        <td><span class="badge badge-warn">{{ r.get_status_display }}</span></td>
        <td class="small">{% timezone event.time_zone %}{{ r.created_at|date:"SHORT_DATETIME_FORMAT" }}{% endtimezone %}</td>
        <td><form class="registration-actions" method="post" hx-post>
        <input type="hidden" name="csrfmiddlewaretoken" value="{{ token }}">
        <button class="button button-small" formaction="{{ a }}approve/">Approve</button>
        <button class="button button-small button-ghost" formaction="{{ a }}reject/">Decline</button>
        <button class="button button-small button-ghost" formaction="{{ a }}cancel/"
          data-confirm="Cancel this registration?">Cancel</button>
        <span class="registration-role"><label class="visually-hidden" for="role-{{ r.pk }}">Role</label>
        <select id="role-{{ r.pk }}" name="role">{% for value, label in roles %}<option value="{{ value }}"{% if value == r.role %} selected{% endif %}>{{ label }}</option>{% endfor %}</select>
        <button class="button button-small button-ghost" formaction="{{ a }}role/">Change role</button>
        </span></form></td></tr>{% endlocalize %}"""
    )
    registration.refresh_from_db()
    expected = template.render(
        {
            "r": registration,
            "event": event,
            "token": token,
            "next": list_url(event),
            "a": action_url(registration, "approve").removesuffix("approve/"),
            "roles": Registration.Role.choices,
        }
    )
    assert action_url(registration, "approve").endswith("approve/")
    assert parse_html(row) == parse_html(expected)


# ---- kept once for all who run the event ---------------------------------------------------


def _shared_lists() -> list[str]:
    from django.core.cache import cache

    return [
        cache.get(key.split(":", 2)[-1])["content"]
        for key in list(cache._cache)  # noqa: SLF001 -- the test inspects what the cache holds
        if ":pagecache:shared:events-registrations:" in key
    ]


def test_the_list_is_kept_once_for_all_who_run_the_event_with_their_own_tokens(roles, event, mixed):
    from django.conf import settings
    from django.middleware.csrf import _unmask_cipher_token
    from django.test import Client

    from core.pagecache import CSRF_PLACEHOLDER

    pages = []
    for role in ("secretariat", "institution_admin"):
        browser = Client()
        browser.force_login(roles[role])
        page = browser.get(list_url(event)).content.decode()
        token = page.split('name="csrfmiddlewaretoken" value="', 1)[1][:64]
        pages.append((page, token, browser.cookies[settings.CSRF_COOKIE_NAME].value))

    (stored,) = _shared_lists()
    assert CSRF_PLACEHOLDER in stored
    assert roles["secretariat"].email not in stored
    assert roles["institution_admin"].email not in stored
    for page, token, secret in pages:
        assert mixed["somchai"].user.email in page
        assert _unmask_cipher_token(token) == secret


def test_the_kept_list_is_still_refused_to_everyone_else(client, roles, event, mixed):
    client.force_login(roles["secretariat"])
    client.get(list_url(event))
    client.force_login(roles["other_admin"])

    assert client.get(list_url(event)).status_code == 404


@pytest.mark.parametrize("change", ["approve", "check_in", "rename", "delegation"])
def test_the_kept_list_shows_a_change_on_the_next_request(client, roles, event, mixed, change):
    from events.checkin import registration_check_in

    somchai = mixed["somchai"]
    client.force_login(roles["secretariat"])
    before = client.get(list_url(event)).content.decode()
    if change == "approve":
        client.post(action_url(somchai, "approve"))
    elif change == "check_in":
        somchai.status = Registration.Status.APPROVED
        somchai.save()
        client.get(list_url(event))
        before = client.get(list_url(event)).content.decode()
        registration_check_in(registration=somchai)
    elif change == "rename":
        somchai.user.display_name = "Somchai Renamed"
        somchai.user.save()
    else:
        from events.forms import DelegationForm
        from events.services_manage import delegation_save

        # Nobody left in the Thai delegation: its former member's row says so.
        form = DelegationForm({"name": "Thai delegation", "country": "TH"}, instance=mixed["delegation"], event=event)
        assert form.is_valid(), form.errors
        delegation_save(form=form)
    after = client.get(list_url(event)).content.decode()

    row = f'<tr id="registration-{somchai.pk}">'
    before_row, after_row = (
        re.sub(r'value="[A-Za-z0-9]{64}"', "", page[page.index(row) : page.index("</tr>", page.index(row))])
        for page in (before, after)
    )  # each answer carries a token of its own
    assert before_row != after_row


def test_the_list_is_kept_per_language(client, roles, event, mixed):
    from django.conf import settings

    client.force_login(roles["secretariat"])
    english = client.get(list_url(event)).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    chinese = client.get(list_url(event)).content.decode()

    assert ">Approve</button>" in english
    assert ">Approve</button>" not in chinese
    assert len(_shared_lists()) == 2


def test_a_kept_list_asks_the_database_nothing_and_still_checks_who_asks(roles, event, mixed):
    """The event comes with the kept list (with its organisers), so the permission needs no query."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    browsers = {}
    for role in ("institution_admin", "other_admin"):
        browsers[role] = Client()
        browsers[role].force_login(roles[role])
        browsers[role].get(reverse("dashboard"))  # the session and the person are in the cache now
    assert browsers["institution_admin"].get(list_url(event)).status_code == 200  # kept now

    with CaptureQueriesContext(connection) as queries:
        page = browsers["institution_admin"].get(list_url(event))
    assert page.status_code == 200
    assert mixed["somchai"].user.email in page.content.decode()
    assert "events_event" not in " ".join(query["sql"] for query in queries.captured_queries)
    assert browsers["other_admin"].get(list_url(event)).status_code == 404


def test_the_kept_list_follows_a_change_of_the_organisers(client, roles, event, mixed):
    client.force_login(roles["institution_admin"])
    assert client.get(list_url(event)).status_code == 200
    event.organisers.remove(roles.institution_a)
    assert client.get(list_url(event)).status_code == 404
    event.organisers.add(roles.institution_a)
    assert client.get(list_url(event)).status_code == 200


def test_rows_carry_the_filtered_address_back_and_nothing_for_the_list_itself(client, roles, event, mixed):
    """Without JavaScript an action goes back to ``next``, else to the list: no need to repeat it per row."""
    client.force_login(roles["secretariat"])
    plain = client.get(list_url(event)).content.decode()
    filtered = client.get(list_url(event, status="pending")).content.decode()
    table = plain[plain.index('<table class="registration-table"') : plain.index("</table>")]

    assert 'hx-target="closest tr" hx-swap="outerHTML"' in plain
    assert table.count("<form ") == 2
    assert 'name="next"' not in table
    assert f'name="next" value="{list_url(event, status="pending")}"' in filtered
    somchai = mixed["somchai"]
    response = client.post(action_url(somchai, "reject"))
    assert response["Location"] == list_url(event)
