"""The API of those who run events and keep the MoU registry: events, registrations, participant
imports, MoUs one by one and by ceremony; who may do what, and that nothing is written on refusal."""

from datetime import UTC, date

import pytest
from auditlog.models import LogEntry
from django.core.files.uploadedfile import SimpleUploadedFile

from core.models import ImportJob, OutboundEmail
from events.models import Event, Registration
from institutions.models import Membership
from institutions.permissions import SECRETARIAT_GROUP
from mous.models import Mou
from tests.api.conftest import make_token
from tests.factories import (
    CooperationTypeFactory,
    EventFactory,
    InstitutionFactory,
    MembershipFactory,
    MouFactory,
    MouPartyFactory,
    RegistrationFactory,
    SectorFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

BASE = "/api/v1/manage"


def bearer(user, *, institution=None, write=True) -> str:
    """A token of ``user``, acting for ``institution`` (None: for none), that may write or only read."""
    _token, plain = make_token(user, scopes=("read", "write") if write else ("read",), institution=institution)
    return plain


@pytest.fixture
def organised(roles):
    """A draft and a published event organised by institution A, and a draft of nobody's."""
    draft = EventFactory(status=Event.Status.DRAFT, title="Draft of A", slug="draft-of-a")
    draft.organisers.add(roles.institution_a)
    published = EventFactory(title="Published of A", slug="published-of-a")
    published.organisers.add(roles.institution_a)
    other_draft = EventFactory(status=Event.Status.DRAFT, title="Draft of nobody", slug="draft-of-nobody")
    return {"draft": draft, "published": published, "other_draft": other_draft}


@pytest.fixture
def call(client):
    """``call(method, path, role_token, json=..., **extra)``: a request with that token (None: none)."""

    def request(method, path, token=None, json=None, **extra):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
        send = getattr(client, method.lower())
        if json is not None:
            return send(path, json, content_type="application/json", **headers, **extra)
        return send(path, **headers, **extra)

    return request


def slugs(response) -> set[str]:
    return {item["slug"] for item in response.json()["results"]}


# --- Events ----------------------------------------------------------------------------------


def test_events_list_shows_drafts_to_those_who_run_them(call, roles, organised):
    every = slugs(call("GET", f"{BASE}/events/", bearer(roles["secretariat"])))
    assert {"draft-of-a", "published-of-a", "draft-of-nobody"} <= every
    admin_a = bearer(roles["institution_admin"], institution=roles.institution_a, write=False)
    assert slugs(call("GET", f"{BASE}/events/", admin_a)) == {"draft-of-a", "published-of-a"}
    assert slugs(call("GET", f"{BASE}/events/?status=draft", admin_a)) == {"draft-of-a"}
    # A participant or another institution's admin runs nothing.
    assert slugs(call("GET", f"{BASE}/events/", bearer(roles["participant"], institution=roles.institution_a))) == set()
    assert slugs(call("GET", f"{BASE}/events/", bearer(roles["other_admin"], institution=roles.institution_b))) == set()
    assert call("GET", f"{BASE}/events/").status_code == 401


def test_event_detail_404_for_a_draft_403_for_a_visible_event(call, roles, organised):
    other = bearer(roles["other_admin"], institution=roles.institution_b)
    assert call("GET", f"{BASE}/events/draft-of-a/", other).status_code == 404
    response = call("GET", f"{BASE}/events/published-of-a/", other)
    assert response.status_code == 403
    assert response["Content-Type"].startswith("application/problem+json")
    admin_a = bearer(roles["institution_admin"], institution=roles.institution_a)
    body = call("GET", f"{BASE}/events/draft-of-a/", admin_a).json()
    assert body["status"] == "draft"
    assert body["allowed_transitions"] == ["published"]
    # The token acts for its institution only: the same admin's token for no institution runs nothing.
    assert call("GET", f"{BASE}/events/draft-of-a/", bearer(roles["institution_admin"])).status_code == 404


EVENT = {
    "kind": "forum",
    "title": "Mekong TVET Forum",
    "original_language": "en",
    "translations": {"title": {"zh-hans": "湄公河职业教育论坛", "km": "វេទិកា"}},
    "city": "Vientiane",
    "country": "LA",
    "time_zone": "Asia/Vientiane",
    "start_date": "2027-03-01",
    "end_date": "2027-03-03",
    "capacity": 120,
    "registration_opens_at": "2027-01-10T09:00",
    "follow_up_days": [30, 7],
}


def test_secretariat_creates_a_draft_event_with_its_translations(call, roles):
    response = call(
        "POST", f"{BASE}/events/", bearer(roles["secretariat"]), json={**EVENT, "organisers": [roles.institution_a.pk]}
    )
    assert response.status_code == 201, response.json()
    event = Event.objects.get(slug=response.json()["slug"])
    assert event.status == Event.Status.DRAFT
    assert event.translations == {"title": {"zh-hans": "湄公河职业教育论坛", "km": "វេទិកា"}}
    assert event.follow_up_days == [7, 30]
    # Typed as a wall-clock time of the event, as on the page: 09:00 in Vientiane is 02:00 UTC.
    assert event.registration_opens_at.astimezone(UTC).hour == 2
    assert list(event.organisers.all()) == [roles.institution_a]
    entry = LogEntry.objects.get_for_object(event).get(action=LogEntry.Action.CREATE)
    assert entry.actor == roles["secretariat"]


def test_event_with_invalid_fields_is_refused_with_the_forms_messages(call, roles):
    before = Event.objects.count()
    response = call(
        "POST",
        f"{BASE}/events/",
        bearer(roles["secretariat"]),
        json={**EVENT, "end_date": "2027-02-01", "follow_up_days": [3, 3]},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    # The event form's own messages, in the caller's language.
    assert errors["end_date"] == ["活动结束时间不能早于开始时间。"]
    assert "follow_up_days" in errors
    response = call(
        "POST", f"{BASE}/events/", bearer(roles["secretariat"]), json={**EVENT, "translations": {"title": {"xx": "?"}}}
    )
    assert response.json()["errors"] == {"translations": ["“xx” is not a language of the portal."]}
    assert Event.objects.count() == before


def test_only_the_secretariat_creates_events(call, roles):
    response = call(
        "POST", f"{BASE}/events/", bearer(roles["institution_admin"], institution=roles.institution_a), json=EVENT
    )
    assert response.status_code == 403
    assert not Event.objects.filter(title=EVENT["title"]).exists()


def test_organiser_admin_changes_an_event_but_not_its_organisers(call, roles, organised):
    admin_a = bearer(roles["institution_admin"], institution=roles.institution_a)
    response = call("PATCH", f"{BASE}/events/draft-of-a/", admin_a, json={"title": "Renamed", "capacity": 40})
    assert response.status_code == 200, response.json()
    event = Event.objects.get(slug="draft-of-a")
    assert (event.title, event.capacity, event.city) == ("Renamed", 40, "Phnom Penh")
    response = call("PATCH", f"{BASE}/events/draft-of-a/", admin_a, json={"organisers": [roles.institution_b.pk]})
    assert response.status_code == 403
    assert list(event.organisers.all()) == [roles.institution_a]
    # Someone who may not see the draft gets 404, and nothing changes.
    other = bearer(roles["other_admin"], institution=roles.institution_b)
    assert call("PATCH", f"{BASE}/events/draft-of-a/", other, json={"title": "Taken"}).status_code == 404
    assert call("PATCH", f"{BASE}/events/published-of-a/", other, json={"title": "Taken"}).status_code == 403
    assert not Event.objects.filter(title="Taken").exists()


def test_capacity_below_the_approved_registrations_is_refused(call, roles, organised):
    event = organised["published"]
    RegistrationFactory(event=event)
    RegistrationFactory(event=event)
    response = call("PATCH", f"{BASE}/events/published-of-a/", bearer(roles["secretariat"]), json={"capacity": 1})
    assert response.status_code == 400
    assert "capacity" in response.json()["errors"]
    event.refresh_from_db()
    assert event.capacity is None


def test_publish_and_refused_transitions(call, roles, organised):
    admin_a = bearer(roles["institution_admin"], institution=roles.institution_a)
    response = call("POST", f"{BASE}/events/draft-of-a/status/", admin_a, json={"status": "published"})
    assert response.status_code == 200
    assert response.json()["status"] == "published"
    RegistrationFactory(event=organised["published"])
    response = call("POST", f"{BASE}/events/published-of-a/status/", admin_a, json={"status": "draft"})
    assert response.status_code == 409
    assert Event.objects.get(slug="published-of-a").status == Event.Status.PUBLISHED
    # A read-only token reads but does not write.
    reader = bearer(roles["institution_admin"], institution=roles.institution_a, write=False)
    assert call("POST", f"{BASE}/events/published-of-a/status/", reader, json={"status": "closed"}).status_code == 403


# --- Registrations -----------------------------------------------------------------------------


@pytest.fixture
def registered(roles, organised):
    """Registrations for the published event of A: two pending from Cambodia, one approved from China."""
    event = organised["published"]
    cambodian = InstitutionFactory(name="Battambang Institute", country="KH")
    chinese = InstitutionFactory(name="Yunnan College", country="CN")

    def person(institution, status):
        user = MembershipFactory(user=UserFactory(verified_email=True), institution=institution).user
        return RegistrationFactory(event=event, user=user, institution=institution, status=status)

    return {
        "event": event,
        "pending": [person(cambodian, "pending"), person(cambodian, "pending")],
        "approved": person(chinese, "approved"),
        "cambodian": cambodian,
        "chinese": chinese,
        "own": RegistrationFactory(event=event, user=roles["participant"], status="pending"),
    }


def test_registrations_list_filters_and_pages_with_a_cursor(call, roles, registered):
    token = bearer(roles["secretariat"])
    url = f"{BASE}/events/published-of-a/registrations/"
    ids = lambda response: [row["id"] for row in response.json()["results"]]  # noqa: E731
    pending = call("GET", f"{url}?status=pending&country=KH", token)
    assert ids(pending) == sorted([*(r.pk for r in registered["pending"]), registered["own"].pk])
    by_institution = call("GET", f"{url}?institution={registered['chinese'].pk}", token)
    assert ids(by_institution) == [registered["approved"].pk]
    row = by_institution.json()["results"][0]
    assert row["institution"]["country"] == {"code": "CN", "name": "China"}
    assert row["person"]["email"] == registered["approved"].user.email
    first = call("GET", f"{url}?page_size=2", token).json()
    assert len(first["results"]) == 2
    assert first["next"]
    second = call("GET", first["next"], token).json()
    assert {r["id"] for r in first["results"]}.isdisjoint({r["id"] for r in second["results"]})
    assert call("GET", f"{url}?status=nonsense", token).status_code == 400


def test_registrations_of_an_event_one_does_not_run(call, roles, registered, organised):
    other = bearer(roles["other_admin"], institution=roles.institution_b)
    assert call("GET", f"{BASE}/events/published-of-a/registrations/", other).status_code == 403
    assert call("GET", f"{BASE}/events/draft-of-a/registrations/", other).status_code == 404
    assert call("GET", f"{BASE}/events/published-of-a/registrations/").status_code == 401


def test_approve_and_decline_tell_the_person_through_the_outbox(call, roles, registered):
    token = bearer(roles["institution_admin"], institution=roles.institution_a)
    first, second = registered["pending"]
    url = f"{BASE}/events/published-of-a/registrations"
    response = call("POST", f"{url}/{first.pk}/approve/", token)
    assert response.status_code == 200
    assert response.json()["status"] == "approved"
    assert call("POST", f"{url}/{second.pk}/reject/", token).json()["status"] == "rejected"
    kinds = OutboundEmail.objects.filter(user__in=[first.user, second.user]).count()
    assert kinds == 2
    # Approving again is refused: the registration's state does not allow it.
    again = call("POST", f"{url}/{first.pk}/approve/?lang=km", token)
    assert again.status_code == 409
    assert again["Content-Type"].startswith("application/problem+json")
    assert again.json()["detail"] == "ការចុះឈ្មោះនេះត្រូវបានអនុម័តរួចហើយ។"  # the service's message, in Khmer
    # The audit trail records the token's person, as the page records the signed-in one.
    change = LogEntry.objects.get_for_object(first).filter(action=LogEntry.Action.UPDATE).latest("timestamp")
    assert change.actor == roles["institution_admin"]
    response = call("POST", f"{url}/{first.pk}/role/", token, json={"role": "speaker"})
    assert response.json()["role"] == "speaker"


def test_own_registration_is_403_anothers_404(call, roles, registered):
    participant = bearer(roles["participant"], institution=roles.institution_a)
    url = f"{BASE}/events/published-of-a/registrations"
    assert call("POST", f"{url}/{registered['own'].pk}/approve/", participant).status_code == 403
    assert call("POST", f"{url}/{registered['pending'][0].pk}/approve/", participant).status_code == 404
    assert Registration.objects.filter(status="approved").count() == 1


def test_bulk_approve_is_all_or_nothing(call, roles, registered, organised):
    token = bearer(roles["secretariat"])
    url = f"{BASE}/events/published-of-a/registrations/approve/"
    stranger = RegistrationFactory(event=organised["draft"], status="pending")
    ids = [r.pk for r in registered["pending"]]
    response = call("POST", url, token, json={"ids": [*ids, stranger.pk]})
    assert response.status_code == 400
    assert Registration.objects.filter(pk__in=ids, status="pending").count() == 2
    Event.objects.filter(pk=registered["event"].pk).update(capacity=4)
    registered["pending"][1].status = "rejected"
    registered["pending"][1].save()
    RegistrationFactory(event=registered["event"], status="pending")  # the last place
    response = call("POST", url, token, json={"ids": ids})
    assert response.status_code == 409
    assert Registration.objects.filter(pk=ids[0], status="pending").exists()
    Event.objects.filter(pk=registered["event"].pk).update(capacity=None)
    response = call("POST", url, token, json={"ids": ids})
    assert response.json() == {"approved": 2}


# --- Participant imports ---------------------------------------------------------------------------

HEADER = "name,email,title,institution,country,role,delegation\n"


def csv_file(*rows: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("list.csv", (HEADER + "".join(r + "\n" for r in rows)).encode(), content_type="text/csv")


@pytest.mark.usefixtures("import_job_storage")
def test_import_upload_preview_commit(client, roles, organised, django_capture_on_commit_callbacks):
    token = bearer(roles["institution_admin"], institution=roles.institution_a)
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    url = f"{BASE}/events/published-of-a/imports/"
    file = csv_file(
        "Sok Dara,dara@example.org,Director,Phnom Penh Polytechnic,Cambodia,delegate,",
        "Li Wei,liwei@example.cn,Dean,Guangxi Vocational College,China,speaker,China delegation",
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"file": file}, **headers)
    assert response.status_code == 202, response.content
    job_url = f"{url}{response.json()['id']}/"
    assert response["Location"].endswith(job_url)
    job = client.get(job_url, **headers).json()
    assert job["status"] == "previewed"
    assert job["preview"]["total_rows"] == 2
    assert not job["preview"]["has_errors"]
    assert Registration.objects.filter(event=organised["published"]).count() == 0
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{job_url}commit/", {}, content_type="application/json", **headers)
    assert response.status_code == 202, response.content
    done = client.get(job_url, **headers).json()
    assert done["status"] == "done"
    assert done["result"]["registered"] == 2
    assert Registration.objects.filter(event=organised["published"], status="approved").count() == 2
    # The two new people are asked to set their password, through the outbox.
    assert OutboundEmail.objects.filter(user__email__in=["dara@example.org", "liwei@example.cn"]).count() == 2
    # Another institution's admin cannot see the job.
    other = {"HTTP_AUTHORIZATION": f"Bearer {bearer(roles['other_admin'], institution=roles.institution_b)}"}
    assert client.get(job_url, **other).status_code == 403  # the event is public: the job is not theirs


@pytest.mark.usefixtures("import_job_storage")
def test_import_with_an_error_writes_nothing_and_lists_the_rows(
    client, roles, organised, django_capture_on_commit_callbacks
):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {bearer(roles['secretariat'])}"}
    url = f"{BASE}/events/published-of-a/imports/"
    file = csv_file(
        "Sok Dara,dara@example.org,Director,Phnom Penh Polytechnic,Cambodia,delegate,",
        "Nobody,not-an-email,Dean,Somewhere,Atlantis,delegate,",
    )
    with django_capture_on_commit_callbacks(execute=True):
        job_id = client.post(url, {"file": file}, **headers).json()["id"]
    preview = client.get(f"{url}{job_id}/", **headers).json()["preview"]
    assert preview["has_errors"]
    assert preview["error_rows"] == 1
    before = Registration.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{url}{job_id}/commit/", {}, content_type="application/json", **headers)
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any("email" in message for message in errors["rows.3"])
    assert "rows.2" not in errors
    assert Registration.objects.count() == before
    assert ImportJob.objects.get(pk=job_id).status == ImportJob.Status.PREVIEWED


@pytest.mark.usefixtures("import_job_storage")
def test_import_refuses_other_files(client, roles, organised):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {bearer(roles['secretariat'])}"}
    file = SimpleUploadedFile("list.txt", b"hello", content_type="text/plain")
    response = client.post(f"{BASE}/events/published-of-a/imports/", {"file": file}, **headers)
    assert response.status_code == 400
    assert "file" in response.json()["errors"]
    assert not ImportJob.objects.exists()


# --- MoUs ----------------------------------------------------------------------------------------


def mou_json(roles, **extra):
    return {
        "title": "Dual training in mechatronics",
        "status": "signed",
        "signed_on": "2026-11-20",
        "signed_place": "Nanning",
        "is_public": True,
        "translations": {"title": {"zh-hans": "机电一体化双元培训"}},
        "parties": [
            {"institution": roles.institution_a.pk, "signatory_name": "Sok Dara"},
            {"institution": roles.institution_b.pk, "signatory_name": "Li Wei"},
        ],
        "duration_months": 12,
        **extra,
    }


def test_secretariat_logs_an_mou_with_its_history(call, roles):
    sector = SectorFactory()
    response = call("POST", f"{BASE}/mous/", bearer(roles["secretariat"]), json=mou_json(roles, sectors=[sector.pk]))
    assert response.status_code == 201, response.json()
    body = response.json()
    mou = Mou.objects.get(pk=body["id"])
    assert (mou.status, mou.valid_until) == ("signed", date(2027, 11, 19))
    assert [p["institution"]["id"] for p in body["parties"]] == [roles.institution_a.pk, roles.institution_b.pk]
    assert body["sectors"] == [{"id": sector.pk, "name": str(sector)}]
    assert mou.created_by == roles["secretariat"]
    assert mou.history.first().history_user == roles["secretariat"]


def test_invalid_mou_is_refused_and_others_cannot_log(call, roles):
    bad = mou_json(roles, parties=[{"institution": roles.institution_a.pk}, {"institution": roles.institution_a.pk}])
    response = call("POST", f"{BASE}/mous/", bearer(roles["secretariat"]), json={**bad, "signed_on": None})
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert "signed_on" in errors
    assert "parties" in errors
    admin = bearer(roles["institution_admin"], institution=roles.institution_a)
    assert call("POST", f"{BASE}/mous/", admin, json=mou_json(roles)).status_code == 403
    assert not Mou.objects.exists()


@pytest.fixture
def mous(roles):
    public = MouFactory(status="signed", signed_on=date(2026, 1, 5), is_public=True, title="Public MoU")
    private = MouFactory(status="signed", signed_on=date(2026, 1, 5), is_public=False, title="Private MoU")
    for mou in (public, private):
        MouPartyFactory(mou=mou, institution=roles.institution_a, position=0)
        MouPartyFactory(mou=mou, institution=InstitutionFactory(), position=1)
    return {"public": public, "private": private}


def test_secretariat_changes_an_mou_and_its_status(call, roles, mous):
    token = bearer(roles["secretariat"])
    mou = mous["private"]
    response = call(
        "PATCH", f"{BASE}/mous/{mou.pk}/", token, json={"summary": "Exchange of teachers", "is_public": True}
    )
    assert response.status_code == 200, response.json()
    mou.refresh_from_db()
    assert (mou.summary, mou.is_public, mou.title, mou.parties.count()) == (
        "Exchange of teachers",
        True,
        "Private MoU",
        2,
    )
    response = call("POST", f"{BASE}/mous/{mou.pk}/status/", token, json={"status": "terminated"})
    assert response.status_code == 400
    response = call("POST", f"{BASE}/mous/{mou.pk}/status/", token, json={"status": "expired"})
    assert response.status_code == 409
    response = call(
        "POST", f"{BASE}/mous/{mou.pk}/status/", token, json={"status": "renewed", "valid_from": "2027-01-01"}
    )
    assert response.status_code == 200
    successor = response.json()["successor"]
    assert successor["status"] == "draft"
    assert successor["valid_from"] == "2027-01-01"
    mou.refresh_from_db()
    assert mou.status == "renewed"
    assert mou.history.first().history_user == roles["secretariat"]


def test_others_get_403_on_mous_they_see_and_404_on_the_others(call, roles, mous):
    other = bearer(roles["other_admin"], institution=roles.institution_b)
    assert call("PATCH", f"{BASE}/mous/{mous['public'].pk}/", other, json={"title": "X"}).status_code == 403
    assert call("PATCH", f"{BASE}/mous/{mous['private'].pk}/", other, json={"title": "X"}).status_code == 404
    # A party's member may see the private MoU, not change it.
    member = bearer(roles["participant"], institution=roles.institution_a)
    assert (
        call("POST", f"{BASE}/mous/{mous['private'].pk}/status/", member, json={"status": "active"}).status_code == 403
    )
    assert call("GET", f"{BASE}/mous/{mous['private'].pk}/").status_code == 401
    assert not Mou.objects.filter(title="X").exists()
    assert Mou.objects.get(pk=mous["private"].pk).status == "signed"


def ceremony_json(roles, rows):
    event = EventFactory()
    return {"signed_on": "2026-11-21", "signed_place": "Nanning", "event": event.pk, "is_public": True, "mous": rows}


def test_ceremony_saves_every_mou(call, roles):
    third = InstitutionFactory()
    cooperation = CooperationTypeFactory()
    rows = [
        {"title": "Teacher exchange", "parties": [roles.institution_a.pk, roles.institution_b.pk], "reference": "C-1"},
        {
            "title": "Joint curriculum",
            "parties": [roles.institution_b.pk, third.pk, roles.institution_a.pk],
            "cooperation_types": [cooperation.pk],
        },
    ]
    response = call("POST", f"{BASE}/mous/ceremonies/", bearer(roles["secretariat"]), json=ceremony_json(roles, rows))
    assert response.status_code == 201, response.json()
    created = response.json()
    assert [m["title"] for m in created] == ["Teacher exchange", "Joint curriculum"]
    assert {m["signed_place"] for m in created} == {"Nanning"}
    assert [p["institution"]["id"] for p in created[1]["parties"]] == [
        roles.institution_b.pk,
        third.pk,
        roles.institution_a.pk,
    ]
    assert Mou.objects.filter(status="signed", signed_on=date(2026, 11, 21)).count() == 2


def test_ceremony_with_one_invalid_mou_writes_nothing(call, roles):
    MouFactory(reference="TAKEN")
    before = Mou.objects.count()
    rows = [
        {"title": "Fine", "parties": [roles.institution_a.pk, roles.institution_b.pk]},
        {"title": "Twice the same", "parties": [roles.institution_a.pk, roles.institution_a.pk]},
        {"title": "Taken reference", "parties": [roles.institution_a.pk, roles.institution_b.pk], "reference": "TAKEN"},
    ]
    response = call("POST", f"{BASE}/mous/ceremonies/", bearer(roles["secretariat"]), json=ceremony_json(roles, rows))
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"mous.1.parties", "mous.2.reference"}
    assert Mou.objects.count() == before
    admin = bearer(roles["institution_admin"], institution=roles.institution_a)
    assert call("POST", f"{BASE}/mous/ceremonies/", admin, json=ceremony_json(roles, rows[:1])).status_code == 403


# --- Tokens of the secretariat ---------------------------------------------------------------------


def test_secretariat_rights_end_when_the_person_leaves_the_secretariat(call, roles, mous):
    person = roles["secretariat"]
    token = bearer(person)
    assert call("GET", f"{BASE}/events/", token).status_code == 200
    assert call("PATCH", f"{BASE}/mous/{mous['private'].pk}/", token, json={"summary": "Before"}).status_code == 200
    person.groups.remove(person.groups.get(name=SECRETARIAT_GROUP))
    response = call("PATCH", f"{BASE}/mous/{mous['private'].pk}/", token, json={"summary": "After"})
    assert response.status_code == 404
    assert call("POST", f"{BASE}/mous/", token, json=mou_json(roles)).status_code == 403
    assert Mou.objects.get(pk=mous["private"].pk).summary == "Before"
    # A person deactivated loses the token altogether.
    person.is_active = False
    person.save()
    assert call("GET", f"{BASE}/events/", token).status_code == 401


def test_an_institution_admin_who_loses_the_admin_role_stops_running_the_event(call, roles, organised):
    token = bearer(roles["institution_admin"], institution=roles.institution_a)
    assert call("GET", f"{BASE}/events/draft-of-a/", token).status_code == 200
    membership = Membership.objects.get(user=roles["institution_admin"])
    membership.role = Membership.Role.MEMBER
    membership.save()
    assert call("GET", f"{BASE}/events/draft-of-a/", token).status_code == 404


def test_a_superuser_demoted_loses_the_secretariats_rights(call, roles):
    person = UserFactory(verified_email=True, is_superuser=True)
    token = bearer(person)
    assert call("POST", f"{BASE}/mous/", token, json=mou_json(roles)).status_code == 201
    person.is_superuser = False
    person.save()
    assert call("POST", f"{BASE}/mous/", token, json=mou_json(roles, title="Second")).status_code == 403
    assert Mou.objects.count() == 1


def test_lists_ask_the_same_queries_however_many_rows(call, roles, registered):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    token = bearer(roles["institution_admin"], institution=roles.institution_a)
    url = f"{BASE}/events/published-of-a/registrations/"

    def queries(path) -> int:
        with CaptureQueriesContext(connection) as captured:
            assert call("GET", path, token).status_code == 200
        return len(captured)

    queries(url)  # the token's first use is recorded once
    few = queries(url), queries(f"{BASE}/events/")
    for _ in range(6):
        RegistrationFactory(event=registered["event"], status="pending")
        EventFactory().organisers.add(roles.institution_a)
    assert (queries(url), queries(f"{BASE}/events/")) == few
