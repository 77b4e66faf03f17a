"""Exchanges and projects under an MoU or an alliance: rules, permissions, pages, dormancy."""

import datetime

import pytest
from auditlog.context import set_actor
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from core.models import OutboundEmail
from institutions.models import Institution, Membership
from mous import lifecycle
from mous.admin import ExchangeAdminForm, ProjectAdminForm
from mous.errors import MouError
from mous.models import Exchange, Mou, Project
from mous.selectors_cooperation import exchange_table, projects_for_alliance
from mous.services_cooperation import exchange_delete, exchange_save, project_delete, project_save
from tests.factories import (
    InstitutionFactory,
    MembershipFactory,
    MouFactory,
    MouPartyFactory,
    SectorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

S = Mou.Status


@pytest.fixture
def mou(roles) -> Mou:
    """A private active MoU between A (Cambodia) and B (China), 2025 to 2029."""
    mou = MouFactory(
        title="Teacher exchange",
        status=S.ACTIVE,
        signed_on=datetime.date(2025, 1, 10),
        valid_from=datetime.date(2025, 1, 10),
        valid_until=datetime.date(2029, 1, 9),
    )
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    MouPartyFactory(mou=mou, institution=roles.institution_b)
    return mou


def flow(mou, roles, **values) -> Exchange:
    fields = {
        "year": 2025,
        "category": Exchange.Category.TEACHERS,
        "from_institution": roles.institution_b,
        "to_institution": roles.institution_a,
        "planned": 20,
        "actual": 18,
    }
    fields.update(values)
    return Exchange(**fields)


def login(client, user):
    client.force_login(user)
    return client


# --- Services: rules ------------------------------------------------------------------------


def test_party_admin_records_an_exchange_with_history_and_activity(mou, roles):
    admin = roles["institution_admin"]
    exchange = exchange_save(mou=mou, exchange=flow(mou, roles), user=admin)
    assert (exchange.mou, exchange.recorded_by) == (mou, admin)
    assert exchange.history.first().history_user == admin
    mou.refresh_from_db()
    assert mou.last_activity_at is not None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"year": 2024}, "from 2025 to 2030"),
        ({"year": 2031}, "from 2025 to 2030"),
        ({"to_institution": None}, "parties of this MoU"),
        ({"from_institution": "outsider"}, "parties of this MoU"),
        ({"to_institution": "same"}, "two different parties"),
        ({"planned": None, "actual": None}, "planned number, the actual number or both"),
        ({"actual": 10_001}, "between 0 and 10000"),
    ],
)
def test_bad_exchanges_are_refused_with_a_message(mou, roles, values, message):
    if values.get("from_institution") == "outsider":
        values["from_institution"] = InstitutionFactory()
    if values.get("to_institution") == "same":
        values["to_institution"] = roles.institution_b
    exchange = flow(mou, roles, **values)
    with pytest.raises(MouError, match=message):
        exchange_save(mou=mou, exchange=exchange, user=roles["secretariat"])
    assert not Exchange.objects.exists()


def test_one_row_per_flow(mou, roles):
    field = SectorFactory()
    exchange_save(mou=mou, exchange=flow(mou, roles, field=field), user=roles["secretariat"])
    with pytest.raises(MouError, match="edit it rather than adding it again"):
        exchange_save(mou=mou, exchange=flow(mou, roles, field=field), user=roles["secretariat"])
    # No field is a flow of its own too, and it is one row, not one per missing field.
    exchange_save(mou=mou, exchange=flow(mou, roles), user=roles["secretariat"])
    with pytest.raises(MouError, match="edit it rather"):
        exchange_save(mou=mou, exchange=flow(mou, roles), user=roles["secretariat"])
    # The opposite direction is another flow.
    exchange_save(
        mou=mou,
        exchange=flow(mou, roles, from_institution=roles.institution_a, to_institution=roles.institution_b),
        user=roles["secretariat"],
    )
    assert Exchange.objects.count() == 3


def test_exchange_years_without_an_end_reach_next_year(roles):
    mou = MouFactory(status=S.ACTIVE, signed_on=datetime.date(2024, 5, 1), valid_until=None)
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    MouPartyFactory(mou=mou, institution=roles.institution_b)
    next_year = timezone.localdate().year + 1
    exchange_save(mou=mou, exchange=flow(mou, roles, year=next_year, actual=None), user=roles["secretariat"])
    with pytest.raises(MouError, match="within the MoU's life"):
        exchange_save(mou=mou, exchange=flow(mou, roles, year=next_year + 1), user=roles["secretariat"])


@pytest.mark.parametrize("role", ["participant", "other_member", "no_institution", "pending_member", "anonymous"])
def test_only_party_admins_and_the_secretariat_write_exchanges(mou, roles, role):
    with pytest.raises(PermissionDenied):
        exchange_save(mou=mou, exchange=flow(mou, roles), user=roles[role])
    assert not Exchange.objects.exists()


def test_other_mous_admin_cannot_touch_this_mous_exchange(mou, roles):
    exchange = exchange_save(mou=mou, exchange=flow(mou, roles), user=roles["other_admin"])
    stranger = MembershipFactory(user=UserFactory(verified_email=True), role=Membership.Role.ADMIN).user
    with pytest.raises(PermissionDenied):
        exchange_delete(exchange=exchange, user=stranger)
    other_mou = MouFactory()
    MouPartyFactory(mou=other_mou, institution=stranger.memberships.get().institution)
    with pytest.raises(PermissionDenied):  # moving it under an MoU of their own
        exchange_save(mou=other_mou, exchange=exchange, user=stranger)
    exchange_delete(exchange=exchange, user=roles["secretariat"])
    assert not Exchange.objects.exists()


def test_exchange_table_groups_by_year_with_totals(mou, roles):
    secretariat = roles["secretariat"]
    exchange_save(mou=mou, exchange=flow(mou, roles), user=secretariat)
    exchange_save(
        mou=mou,
        exchange=flow(mou, roles, category=Exchange.Category.STUDENTS, planned=30, actual=None),
        user=secretariat,
    )
    exchange_save(mou=mou, exchange=flow(mou, roles, year=2026, planned=None, actual=5), user=secretariat)
    table = exchange_table(mou=mou)
    assert [(row.year, row.planned, row.actual) for row in table.years] == [(2026, 0, 5), (2025, 50, 18)]
    assert (table.planned, table.actual) == (50, 23)
    assert [(str(label), planned, actual) for label, planned, actual in table.by_category] == [
        ("students", 30, 0),
        ("teachers", 20, 23),
    ]


def test_project_under_an_mou_or_an_alliance(mou, roles):
    project = project_save(
        project=Project(name="Luban Workshop", kind=Project.Kind.WORKSHOP), mou=mou, user=roles["other_admin"]
    )
    assert project.mou == mou
    assert project.history.first().history_user == roles["other_admin"]
    with pytest.raises(MouError, match="one MoU or to one alliance"):
        project_save(project=Project(name="Orphan"), user=roles["secretariat"])
    with pytest.raises(MouError, match="end date cannot be before"):
        project_save(
            project=Project(name="Base", start_on=datetime.date(2026, 5, 1), end_on=datetime.date(2026, 4, 1)),
            mou=mou,
            user=roles["secretariat"],
        )
    with pytest.raises(PermissionDenied):
        project_delete(project=project, user=roles["participant"])
    project_delete(project=project, user=roles["institution_admin"])
    assert not Project.objects.exists()


def test_alliance_projects_by_its_admins(roles):
    alliance = InstitutionFactory(kind=Institution.Kind.ALLIANCE, name="Mechanical and Electrical Alliance")
    admin = MembershipFactory(user=UserFactory(verified_email=True), institution=alliance, role="admin").user
    with pytest.raises(PermissionDenied):
        project_save(project=Project(name="Skills contest"), alliance=alliance, user=roles["institution_admin"])
    project = project_save(
        project=Project(name="Skills contest", kind=Project.Kind.COMPETITION), alliance=alliance, user=admin
    )
    with pytest.raises(MouError, match="alliances only"):
        project_save(project=Project(name="Not an alliance"), alliance=roles.institution_a, user=roles["secretariat"])
    assert list(projects_for_alliance(alliance, roles["anonymous"])) == [project]


# --- Dormancy ---------------------------------------------------------------------------------


def test_a_recent_exchange_keeps_an_mou_from_being_dormant(mou, roles, settings):
    settings.MOU_DORMANT_DAYS = 182
    today = timezone.localdate()
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Mou.objects.filter(pk=mou.pk).update(last_activity_at=long_ago)
    quiet = MouFactory(status=S.ACTIVE, signed_on=today - datetime.timedelta(days=400), last_activity_at=long_ago)
    MouPartyFactory(mou=quiet, institution=roles.institution_a)
    MouPartyFactory(mou=quiet, institution=roles.institution_b)
    mou.refresh_from_db()
    exchange_save(mou=mou, exchange=flow(mou, roles), user=roles["institution_admin"])
    lifecycle.queue_dormant_alerts(today=today)
    alerted = {email.context["mou_id"] for email in OutboundEmail.objects.filter(kind=lifecycle.DORMANT_KIND)}
    assert alerted == {quiet.pk}


def test_a_project_update_counts_as_activity(mou, roles):
    long_ago = timezone.now() - datetime.timedelta(days=400)
    Mou.objects.filter(pk=mou.pk).update(last_activity_at=long_ago)
    project = Project.objects.create(mou=mou, name="Training base")
    project.status = Project.Status.MODEL
    project_save(project=project, user=roles["secretariat"])
    mou.refresh_from_db()
    assert mou.last_activity_at > long_ago


# --- Pages ------------------------------------------------------------------------------------


def test_party_admin_records_an_exchange_on_the_page(client, roles, mou):
    login(client, roles["institution_admin"])
    page = client.get(mou.get_absolute_url()).content.decode()
    assert reverse("mous:exchange_add", args=[mou.pk]) in page
    response = client.post(
        reverse("mous:exchange_add", args=[mou.pk]),
        {
            "exchange-year": "2025",
            "exchange-category": "students",
            "exchange-from_institution": roles.institution_a.pk,
            "exchange-to_institution": roles.institution_b.pk,
            "exchange-planned": "12",
            "exchange-actual": "10",
            "exchange-duration": "5",
            "exchange-duration_unit": "months",
        },
    )
    assert response.status_code == 302
    exchange = Exchange.objects.get()
    assert (exchange.actual, exchange.duration, exchange.duration_unit) == (10, 5, "months")
    page = client.get(mou.get_absolute_url()).content.decode()
    assert "Phnom Penh Polytechnic" in page
    assert "10 people of 12 planned" in page


def test_exchange_form_shows_messages_and_saves_nothing_with_htmx(client, roles, mou):
    login(client, roles["institution_admin"])
    response = client.post(
        reverse("mous:exchange_add", args=[mou.pk]),
        {
            "exchange-year": "2025",
            "exchange-category": "students",
            "exchange-from_institution": roles.institution_a.pk,
            "exchange-to_institution": roles.institution_a.pk,
            "exchange-actual": "-3",
            "exchange-duration_unit": "weeks",
        },
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Retarget"] == "#exchange-form-new"
    body = response.content.decode()
    assert "greater than or equal to 0" in body
    assert "<html" not in body
    assert not Exchange.objects.exists()


def test_a_posted_institution_outside_the_mou_is_refused(client, roles, mou):
    login(client, roles["institution_admin"])
    outsider = InstitutionFactory()
    response = client.post(
        reverse("mous:exchange_add", args=[mou.pk]),
        {
            "exchange-year": "2025",
            "exchange-category": "staff",
            "exchange-from_institution": outsider.pk,
            "exchange-to_institution": roles.institution_b.pk,
            "exchange-actual": "2",
            "exchange-duration_unit": "weeks",
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()
    assert not Exchange.objects.exists()


def test_edit_with_htmx_returns_the_section(client, roles, mou):
    exchange = exchange_save(mou=mou, exchange=flow(mou, roles), user=roles["secretariat"])
    login(client, roles["other_admin"])
    prefix = f"exchange{exchange.pk}"
    response = client.post(
        reverse("mous:exchange_edit", args=[mou.pk, exchange.pk]),
        {
            f"{prefix}-year": "2025",
            f"{prefix}-category": "teachers",
            f"{prefix}-from_institution": roles.institution_b.pk,
            f"{prefix}-to_institution": roles.institution_a.pk,
            f"{prefix}-planned": "20",
            f"{prefix}-actual": "20",
            f"{prefix}-duration_unit": "weeks",
        },
        headers={"HX-Request": "true"},
    )
    body = response.content.decode()
    assert 'id="exchanges"' in body
    assert "<html" not in body
    exchange.refresh_from_db()
    assert exchange.actual == 20


@pytest.mark.parametrize("role", ["participant", "other_member"])
def test_members_who_are_not_admins_get_no_forms(client, roles, mou, role):
    exchange = exchange_save(mou=mou, exchange=flow(mou, roles), user=roles["secretariat"])
    login(client, roles[role])
    page = client.get(mou.get_absolute_url()).content.decode()
    assert "Teachers" in page or "teachers" in page
    assert reverse("mous:exchange_add", args=[mou.pk]) not in page
    assert client.get(reverse("mous:exchange_add", args=[mou.pk])).status_code == 404
    assert client.post(reverse("mous:exchange_delete", args=[mou.pk, exchange.pk])).status_code == 404
    assert Exchange.objects.exists()


def test_another_institutions_admin_gets_404_on_a_private_mou(client, roles, mou):
    exchange = exchange_save(mou=mou, exchange=flow(mou, roles), user=roles["secretariat"])
    project = project_save(project=Project(name="Training base"), mou=mou, user=roles["secretariat"])
    login(client, MembershipFactory(user=UserFactory(verified_email=True), role=Membership.Role.ADMIN).user)
    for url in (
        reverse("mous:exchange_add", args=[mou.pk]),
        reverse("mous:exchange_edit", args=[mou.pk, exchange.pk]),
        reverse("mous:project_add", args=[mou.pk]),
        project.get_absolute_url(),
        reverse("mous:project_edit", args=[project.pk]),
    ):
        assert client.get(url).status_code == 404, url
    assert client.post(reverse("mous:exchange_delete", args=[mou.pk, exchange.pk])).status_code == 404
    assert client.post(reverse("mous:project_delete", args=[project.pk])).status_code == 404


def test_public_mou_shows_figures_but_not_notes_to_visitors(client, roles, mou):
    Mou.objects.filter(pk=mou.pk).update(is_public=True)
    exchange_save(mou=mou, exchange=flow(mou, roles, note="Names: Ms Sok and Mr Li"), user=roles["secretariat"])
    project_save(project=Project(name="Lancang-Mekong training base"), mou=mou, user=roles["secretariat"])
    page = client.get(mou.get_absolute_url()).content.decode()
    assert "18 people of 20 planned" in page
    assert "Lancang-Mekong training base" in page
    assert "Ms Sok" not in page
    login(client, roles["participant"])
    assert "Ms Sok" in client.get(mou.get_absolute_url()).content.decode()


def test_exchange_flow_names_the_countries_in_the_readers_language(client, roles, mou):
    Mou.objects.filter(pk=mou.pk).update(is_public=True)
    exchange_save(mou=mou, exchange=flow(mou, roles), user=roles["secretariat"])
    page = client.get(mou.get_absolute_url()).content.decode()
    flow_cell = page.split('class="exchange-flow"')[1].split("</td>")[0]
    assert "(China)" in flow_cell
    assert "(Cambodia)" in flow_cell
    page = client.get(mou.get_absolute_url(), headers={"accept-language": "zh-hans"}).content.decode()
    flow_cell = page.split('class="exchange-flow"')[1].split("</td>")[0]
    assert "(中国)" in flow_cell
    assert "(柬埔寨)" in flow_cell


def test_project_pages(client, roles, mou):
    login(client, roles["institution_admin"])
    response = client.post(
        reverse("mous:project_add", args=[mou.pk]),
        {
            "project-name": "Luban Workshop",
            "project-kind": "workshop",
            "project-status": "in_progress",
            "project-start_on": "2025-03-01",
            "project-original_language": "en",
            "project-translation_name_zh-hans": "鲁班工坊",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get()
    assert project.translation("name", "zh-hans") == "鲁班工坊"
    assert "Luban Workshop" in client.get(project.get_absolute_url()).content.decode()
    response = client.post(
        reverse("mous:project_edit", args=[project.pk]),
        {
            "project-name": "Luban Workshop",
            "project-kind": "workshop",
            "project-status": "model",
            "project-start_on": "2025-03-01",
            "project-end_on": "2025-01-01",
            "project-original_language": "en",
        },
    )
    assert "end date cannot be before" in response.content.decode()
    project.refresh_from_db()
    assert project.status == Project.Status.IN_PROGRESS
    assert client.post(reverse("mous:project_delete", args=[project.pk])).status_code == 302
    assert not Project.objects.exists()


def test_alliance_project_page_for_its_admin(client, roles):
    alliance = InstitutionFactory(kind=Institution.Kind.ALLIANCE)
    admin = MembershipFactory(user=UserFactory(verified_email=True), institution=alliance, role="admin").user
    url = reverse("mous:alliance_project_add", args=[alliance.pk])
    login(client, roles["institution_admin"])
    assert client.get(url).status_code == 404
    login(client, admin)
    response = client.post(
        url, {"project-name": "Skills contest", "project-kind": "competition", "project-status": "planned"}
    )
    project = Project.objects.get()
    assert response.status_code == 302
    assert project.alliance == alliance
    client.logout()
    assert "Skills contest" in client.get(project.get_absolute_url()).content.decode()


def test_exchanges_and_projects_enter_the_audit_trail_under_their_institutions(mou, roles):
    admin = roles["institution_admin"]
    with set_actor(admin):
        exchange = exchange_save(mou=mou, exchange=flow(mou, roles), user=admin)
        project = project_save(project=Project(name="Training base"), mou=mou, user=admin)
    institutions = sorted([roles.institution_a.pk, roles.institution_b.pk])
    for obj in (exchange, project):
        entry = LogEntry.objects.get_for_object(obj).get()
        assert entry.actor == admin
        assert entry.additional_data["institutions"] == institutions


def test_the_admin_forms_keep_the_same_rules(mou, roles):
    data = {
        "mou": mou.pk,
        "year": 2025,
        "category": "staff",
        "from_institution": InstitutionFactory().pk,
        "to_institution": roles.institution_a.pk,
        "actual": 2,
        "duration_unit": "weeks",
    }
    form = ExchangeAdminForm(data=data)
    assert not form.is_valid()
    assert "parties of this MoU" in str(form.errors)
    form = ProjectAdminForm(data={"name": "Base", "kind": "other", "status": "planned", "original_language": "en"})
    assert not form.is_valid()
    assert "one MoU or to one alliance" in str(form.errors)


def test_form_says_each_rule_once_in_words(client, roles, mou):
    login(client, roles["institution_admin"])
    response = client.post(
        reverse("mous:exchange_add", args=[mou.pk]),
        {
            "exchange-year": "2025",
            "exchange-category": "staff",
            "exchange-from_institution": roles.institution_a.pk,
            "exchange-to_institution": roles.institution_a.pk,
            "exchange-duration_unit": "weeks",
        },
    )
    body = response.content.decode()
    assert body.count("Give the planned number, the actual number or both.") == 1
    assert body.count("choose two different parties") == 1
    assert "exchange_has_a_figure" not in body
    assert not Exchange.objects.exists()
