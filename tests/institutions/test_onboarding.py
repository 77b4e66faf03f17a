"""Sign-up onboarding: land on "find your institution", search, and create a new one."""

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse

from institutions.models import Institution, Membership
from tests.factories import (
    TEST_PASSWORD,
    InstitutionFactory,
    MembershipFactory,
    UserFactory,
    make_secretariat,
    totp_code,
)

pytestmark = pytest.mark.django_db

WELCOME = reverse("institutions:welcome")
CREATE = reverse("institutions:create")


def login(client, user):
    return client.post(reverse("account_login"), {"login": user.email, "password": TEST_PASSWORD})


def test_login_without_institution_lands_on_welcome(client):
    user = UserFactory(verified_email=True)

    response = login(client, user)

    assert response.status_code == 302
    assert response.url == WELCOME


def test_login_with_pending_request_lands_on_dashboard(client):
    membership = MembershipFactory(user=UserFactory(verified_email=True), status=Membership.Status.PENDING)

    response = login(client, membership.user)

    assert response.url == reverse("dashboard")


@override_settings(MFA_TOTP_TOLERANCE=1)  # a code computed at the end of a step stays valid
def test_login_secretariat_without_institution_lands_on_dashboard(client, secretariat_user):
    login(client, secretariat_user)

    # The secretariat also gives the code of their authenticator app.
    response = client.post(reverse("mfa_authenticate"), {"code": totp_code(secretariat_user)})

    assert response.url == reverse("dashboard")


def test_login_next_wins_over_welcome(client):
    user = UserFactory(verified_email=True)

    response = client.post(
        reverse("account_login") + "?next=/events/",
        {"login": user.email, "password": TEST_PASSWORD, "next": "/events/"},
    )

    assert response.url == "/events/"


def test_welcome_visitor_redirected_to_login(client):
    response = client.get(WELCOME)

    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize(
    "query",
    ["Shenzhen Poly", "深圳职业", "SZPU", "Shenzen Polytechnic Univ", "Shenzen", "polytechnic shenzhen"],
    ids=["name", "local-substring", "acronym", "misspelt", "misspelt-word", "word-order"],
)
def test_welcome_search_finds_institution(client, query):
    institution = InstitutionFactory(
        name="Shenzhen Polytechnic University", name_local="深圳职业技术大学", acronym="SZPU", country="CN"
    )
    InstitutionFactory(name="Royal University of Phnom Penh")
    client.force_login(UserFactory(verified_email=True))

    response = client.get(WELCOME, {"q": query})

    assert [i.pk for i in response.context["results"]] == [institution.pk]
    assert reverse("institutions:join", args=[institution.slug]) in response.content.decode()


def test_welcome_search_hides_rejected_and_marks_unverified(client):
    InstitutionFactory(name="Mekong Skills Centre", verification_status=Institution.Verification.REJECTED)
    unverified = InstitutionFactory(name="Mekong Skills Academy")
    client.force_login(UserFactory(verified_email=True))

    response = client.get(WELCOME, {"q": "Mekong Skills"})

    assert response.context["results"] == [unverified]
    assert '<span class="badge badge-warn">unverified</span>' in response.content.decode()


def test_welcome_search_queries_bounded(client, django_assert_max_num_queries):
    for number in range(25):
        InstitutionFactory(name=f"Mekong Skills Academy {number}")
    client.force_login(UserFactory(verified_email=True))

    with django_assert_max_num_queries(12):
        response = client.get(WELCOME, {"q": "Mekong Skills"})

    assert len(response.context["results"]) == 20


def create_data(**overrides) -> dict:
    data = {
        "name": "Kampong Speu Institute of Technology",
        "name_local": "វិទ្យាស្ថានបច្ចេកវិទ្យាកំពង់ស្ពឺ",
        "acronym": "KSIT",
        "kind": Institution.Kind.TECHNICAL_INSTITUTE,
        "country": "KH",
        "province": "Kampong Speu",
        "city": "Chbar Mon",
        "website": "ksit.edu.kh",
    }
    data.update(overrides)
    return data


def test_create_institution_makes_creator_admin_unverified_and_tells_secretariat(
    client, secretariat_user, django_capture_on_commit_callbacks
):
    user = UserFactory(verified_email=True)
    client.force_login(user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(CREATE, create_data())

    institution = Institution.objects.get(name="Kampong Speu Institute of Technology")
    assert response.status_code == 302
    assert response.url == institution.get_absolute_url()
    assert institution.verification_status == Institution.Verification.UNVERIFIED
    assert institution.slug == "kampong-speu-institute-of-technology"
    assert institution.name_local == "វិទ្យាស្ថានបច្ចេកវិទ្យាកំពង់ស្ពឺ"
    assert institution.website == "https://ksit.edu.kh"
    assert list(institution.memberships.values_list("user", "role", "status")) == [
        (user.pk, Membership.Role.ADMIN, Membership.Status.ACTIVE)
    ]
    assert [m.to for m in mail.outbox] == [[secretariat_user.email]]
    assert "Kampong Speu Institute of Technology" in mail.outbox[0].subject
    assert institution.get_absolute_url() in mail.outbox[0].body


def test_create_institution_slug_gets_numeric_suffix(client):
    InstitutionFactory(
        name="Kampong Speu Institute of Technology", slug="kampong-speu-institute-of-technology", country="TH"
    )
    client.force_login(UserFactory(verified_email=True))

    client.post(CREATE, create_data(confirm_new="on"))

    assert Institution.objects.get(country="KH").slug == "kampong-speu-institute-of-technology-2"


def test_create_institution_warns_about_duplicates_and_writes_nothing(client):
    existing = InstitutionFactory(name="Kampong Speu Institute of Technology", country="KH")
    client.force_login(UserFactory(verified_email=True))

    response = client.post(CREATE, create_data(name="Kampong Speu Inst. of Technology"))

    assert response.status_code == 200
    assert [m.institution for m in response.context["duplicates"]] == [existing]
    content = response.content.decode()
    assert "Join this one instead" in content
    assert reverse("institutions:join", args=[existing.slug]) in content
    assert 'name="confirm_new" value="on"' in content
    assert Institution.objects.count() == 1


def test_create_institution_confirmed_despite_duplicates(client):
    InstitutionFactory(name="Kampong Speu Institute of Technology", country="KH")
    client.force_login(UserFactory(verified_email=True))

    response = client.post(CREATE, create_data(name="Kampong Speu Inst. of Technology", confirm_new="on"))

    assert response.status_code == 302
    assert Institution.objects.filter(name="Kampong Speu Inst. of Technology").exists()


def test_create_institution_same_name_and_country_refused(client):
    InstitutionFactory(name="Kampong Speu Institute of Technology", country="KH")
    user = UserFactory(verified_email=True)
    client.force_login(user)

    response = client.post(CREATE, create_data(name="kampong speu institute of technology", confirm_new="on"))

    assert response.status_code == 200
    assert "already exists in this country" in response.content.decode()
    assert Institution.objects.count() == 1
    assert not Membership.objects.filter(user=user).exists()


def test_create_institution_invalid_input_writes_nothing(client):
    client.force_login(UserFactory(verified_email=True))

    response = client.post(CREATE, create_data(name="", country="XX", website="not a site"))

    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"name", "country", "website"}
    assert Institution.objects.count() == 0


def test_create_institution_visitor_redirected_to_login(client):
    response = client.post(CREATE, create_data())

    assert response.url.startswith(reverse("account_login"))
    assert Institution.objects.count() == 0


def test_dashboard_empty_state_links_to_welcome(client):
    client.force_login(UserFactory(verified_email=True))

    response = client.get(reverse("dashboard"))

    assert f'href="{WELCOME}"' in response.content.decode()


def test_institution_page_offers_ask_to_join_to_outsiders_only(client):
    institution = InstitutionFactory()
    member = MembershipFactory(institution=institution).user
    pending = MembershipFactory(institution=institution, status=Membership.Status.PENDING).user
    outsider = UserFactory(verified_email=True)
    join_url = reverse("institutions:join", args=[institution.slug])

    seen = {}
    for name, person in {"visitor": None, "member": member, "pending": pending, "outsider": outsider}.items():
        client.logout()
        if person:
            client.force_login(person)
        seen[name] = join_url in client.get(institution.get_absolute_url()).content.decode()

    assert seen == {"visitor": False, "member": False, "pending": False, "outsider": True}


def test_institution_page_of_unverified_is_marked(client):
    institution = InstitutionFactory()

    response = client.get(institution.get_absolute_url())

    assert '<span class="badge badge-warn">unverified</span>' in response.content.decode()


def test_secretariat_is_not_offered_to_join_through_rule_alone():
    """The secretariat can still ask to join (it is a person too); the rule only needs no membership."""
    user = make_secretariat(UserFactory(verified_email=True))
    institution = InstitutionFactory()

    assert user.has_perm("institutions.join_institution", institution) is True
