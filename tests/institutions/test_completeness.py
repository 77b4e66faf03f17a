"""Profile completeness, where admins see it, and the yearly "review your profile" reminder."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from institutions.completeness import profile_completeness, with_has_sectors
from institutions.models import Institution, Membership
from institutions.tasks import send_profile_review_reminders_task
from tests.factories import InstitutionFactory, MembershipFactory, NeedFactory, OfferFactory, SectorFactory, UserFactory

pytestmark = pytest.mark.django_db


def complete_institution(**kwargs) -> Institution:
    kwargs.setdefault("name_local", "វិទ្យាស្ថានពហុបច្ចេកទេស")
    institution = InstitutionFactory(
        description="A public polytechnic training technicians for the logistics and automotive industries. " * 3,
        website="https://www.ppp.edu.kh",
        city="Phnom Penh",
        languages=["en", "km"],
        logo="institutions/logos/abc.webp",
        contact_email="international@ppp.edu.kh",
        **kwargs,
    )
    institution.sectors.add(SectorFactory())
    OfferFactory(institution=institution)
    NeedFactory(institution=institution)
    institution.refresh_from_db()
    return institution


def test_a_complete_profile_is_100_percent():
    result = profile_completeness(complete_institution())

    assert (result.percent, result.missing, result.is_complete) == (100, [], True)


def test_an_empty_profile_lists_everything_most_important_first():
    institution = InstitutionFactory(city="")

    result = profile_completeness(institution)

    assert result.percent == 0
    assert result.missing[:3] == [
        "a description of at least a few sentences",
        "at least one offer",
        "at least one need",
    ]
    assert len(result.missing) == 10  # nine parts, and the local-script name of a Cambodian institution


def test_missing_offers_and_needs_weigh_most():
    institution = complete_institution()
    institution.offers.all().delete()
    institution.refresh_from_db()

    result = profile_completeness(institution)

    assert result.percent == 85
    assert result.missing == ["at least one offer"]
    assert result.missing_items[0].anchor == "offers"


def test_local_script_name_counts_only_where_the_country_writes_another_script():
    khmer = complete_institution(country="KH", name_local="")
    vietnamese = complete_institution(country="VN", name_local="")

    assert profile_completeness(khmer).missing == ["the name in local script"]
    assert profile_completeness(vietnamese).is_complete


def test_completeness_costs_no_query_with_sectors_prefetched(django_assert_num_queries):
    institution = Institution.objects.prefetch_related("sectors").get(pk=complete_institution().pk)

    with django_assert_num_queries(0):
        profile_completeness(institution)


def test_admins_see_what_is_missing_on_the_institution_page(client, roles):
    client.force_login(roles["institution_admin"])

    admin_view = client.get(roles.institution_a.get_absolute_url()).content.decode()
    client.force_login(roles["participant"])
    member_view = client.get(roles.institution_a.get_absolute_url()).content.decode()

    edit = reverse("institutions:edit", args=[roles.institution_a.slug])
    assert f'href="{edit}#offers"' in admin_view
    assert "complete" in admin_view
    assert f'href="{edit}#offers"' not in member_view


def test_dashboard_card_for_admins_of_incomplete_profiles(client, roles):
    client.force_login(roles["institution_admin"])

    content = client.get(reverse("dashboard")).content.decode()

    assert "Complete your profile" in content
    assert f"{reverse('institutions:edit', args=[roles.institution_a.slug])}#id_description" in content


def test_no_dashboard_card_for_members_or_complete_profiles(client, roles):
    complete = complete_institution()
    admin = MembershipFactory(institution=complete, role=Membership.Role.ADMIN).user
    client.force_login(roles["participant"])
    as_member = client.get(reverse("dashboard")).content.decode()
    client.force_login(admin)
    as_complete_admin = client.get(reverse("dashboard")).content.decode()

    assert "Complete your profile" not in as_member
    assert "Complete your profile" not in as_complete_admin


# --- The yearly review reminder --------------------------------------------------------------


def age(institution: Institution, *, days: int, reminded_days_ago: int | None = None) -> None:
    """Make ``institution`` look last updated ``days`` ago, bypassing auto_now."""
    reminded = None if reminded_days_ago is None else timezone.now() - timedelta(days=reminded_days_ago)
    Institution.objects.filter(pk=institution.pk).update(
        updated_at=timezone.now() - timedelta(days=days), review_reminder_sent_at=reminded
    )


def test_admins_of_stale_profiles_are_reminded_once(roles, settings):
    settings.SITE_URL = "https://portal.example.org"
    age(roles.institution_a, days=400)
    second_admin = MembershipFactory(
        institution=roles.institution_a, role=Membership.Role.ADMIN, user=UserFactory(preferred_language="zh-hans")
    ).user
    before = Institution.objects.get(pk=roles.institution_a.pk).updated_at

    first_run = send_profile_review_reminders_task.delay().get()
    second_run = send_profile_review_reminders_task.delay().get()

    assert (first_run, second_run) == (1, 0)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([roles["institution_admin"].email, second_admin.email])
    edit_url = "https://portal.example.org" + reverse("institutions:edit", args=[roles.institution_a.slug])
    assert all(edit_url in m.body for m in mail.outbox)
    institution = Institution.objects.get(pk=roles.institution_a.pk)
    assert institution.review_reminder_sent_at is not None
    assert institution.updated_at == before


def test_recently_updated_profiles_are_not_reminded(roles):
    age(roles.institution_a, days=300)

    assert send_profile_review_reminders_task.delay().get() == 0
    assert mail.outbox == []


def test_a_profile_reminded_within_the_year_is_not_reminded_again(roles):
    age(roles.institution_a, days=800, reminded_days_ago=200)

    assert send_profile_review_reminders_task.delay().get() == 0


def test_a_profile_reminded_over_a_year_ago_is_reminded_again(roles):
    age(roles.institution_a, days=800, reminded_days_ago=400)

    assert send_profile_review_reminders_task.delay().get() == 1
    assert [m.to for m in mail.outbox] == [[roles["institution_admin"].email]]


def test_pending_and_removed_members_and_ordinary_members_get_nothing(roles):
    age(roles.institution_a, days=400)
    removed = MembershipFactory(institution=roles.institution_a, role=Membership.Role.ADMIN)
    removed_email = removed.user.email
    removed.delete()

    send_profile_review_reminders_task.delay().get()

    recipients = [m.to[0] for m in mail.outbox]
    assert recipients == [roles["institution_admin"].email]
    assert roles["pending_member"].email not in recipients
    assert removed_email not in recipients


def test_institutions_without_an_active_admin_are_skipped(roles):
    lonely = InstitutionFactory()
    MembershipFactory(institution=lonely, role=Membership.Role.ADMIN, status=Membership.Status.PENDING)
    age(lonely, days=400)

    assert send_profile_review_reminders_task.delay().get() == 0
    lonely.refresh_from_db()
    assert lonely.review_reminder_sent_at is None


def test_saving_the_profile_counts_as_a_review(client, roles):
    from tests.institutions.test_profile_edit import profile_data

    age(roles.institution_a, days=400)
    client.force_login(roles["institution_admin"])
    client.post(reverse("institutions:edit", args=[roles.institution_a.slug]), profile_data(roles.institution_a))

    assert send_profile_review_reminders_task.delay().get() == 0


def test_the_reminder_is_scheduled_daily(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["institutions-profile-review-reminders"]

    assert entry["task"] == send_profile_review_reminders_task.name


def test_completeness_costs_no_query_with_has_sectors_annotated(django_assert_num_queries):
    with_sectors, without = complete_institution(), InstitutionFactory()
    institutions = {i.pk: i for i in with_has_sectors(Institution.objects.filter(pk__in=[with_sectors.pk, without.pk]))}

    with django_assert_num_queries(0):
        results = {pk: profile_completeness(i) for pk, i in institutions.items()}

    assert results[with_sectors.pk].is_complete
    assert "your sectors" in results[without.pk].missing
