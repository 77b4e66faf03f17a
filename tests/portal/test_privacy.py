"""Personal data rights: anonymisation instead of deletion, the data download, leaving, consent times."""

import io
import json
import time
import zipfile
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib import admin
from django.contrib.auth import SESSION_KEY
from django.urls import reverse
from django.utils import timezone

from core import outbox
from core.models import OutboundEmail
from events.models import Contact, Registration
from institutions.models import Invitation, Membership, ShortlistEntry
from matchmaking.models import FollowUp, Meeting, MeetingRequest
from mous.models import MouParty
from portal.models import User
from portal.privacy import PrivacyError, user_anonymise, user_data_export
from tests.factories import (
    TEST_PASSWORD,
    ContactFactory,
    ContactMessageFactory,
    EventFactory,
    FollowUpFactory,
    InvitationFactory,
    MeetingRequestFactory,
    MembershipFactory,
    MouFactory,
    MouPartyFactory,
    RegistrationFactory,
    ShortlistEntryFactory,
    SurveyAnswerFactory,
    UserFactory,
    link_meeting_to_mou,
    linked_mou_id,
)

pytestmark = pytest.mark.django_db


def reauthenticated(client, user) -> None:
    """Record in the client's session that ``user`` just entered their password again (allauth)."""
    session = client.session
    session["account_authentication_methods_user"] = str(user.pk)
    session["account_authentication_methods"] = [{"method": "password", "at": time.time(), "reauthenticated": True}]
    session.save()


@pytest.fixture
def mou_meeting(event_with_matchmaking):
    """The matchmaking meeting, linked to a signed MoU, with follow-ups answered by both sides."""
    setup = event_with_matchmaking
    mou = MouFactory(event=setup.event)
    MouPartyFactory(mou=mou, institution=setup.requester.institution, signatory_name="Dr. Sok Dara")
    MouPartyFactory(mou=mou, institution=setup.recipient.institution)
    Meeting.objects.filter(pk=setup.meeting.pk).update(outcome=Meeting.Outcome.MOU_SIGNED)
    link_meeting_to_mou(setup.meeting, mou)
    for registration in (setup.requester, setup.recipient):
        FollowUpFactory(
            meeting=setup.meeting,
            recipient=registration,
            sent_at=timezone.now(),
            outcome=FollowUp.Outcome.MOU_SIGNED,
            answered_at=timezone.now(),
        )
    return setup, mou


# --- anonymisation keeps the record -----------------------------------------------------------


def test_anonymise_keeps_meeting_mou_link_and_follow_ups(mou_meeting):
    setup, mou = mou_meeting
    person = setup.requester.user
    follow_up_tokens = set(FollowUp.objects.filter(recipient=setup.requester).values_list("token", flat=True))

    user_anonymise(user=person, by=person)

    meeting = Meeting.objects.get(pk=setup.meeting.pk)
    assert linked_mou_id(meeting) == mou.pk
    assert meeting.request.requester_id == setup.requester.pk
    assert Registration.objects.get(pk=setup.requester.pk).user_id == person.pk
    assert FollowUp.objects.filter(meeting=meeting).count() == 2
    assert set(FollowUp.objects.filter(meeting=meeting).values_list("outcome", flat=True)) == {"mou_signed"}
    assert not FollowUp.objects.filter(token__in=follow_up_tokens).exists()
    assert MouParty.objects.get(mou=mou, institution=setup.requester.institution).signatory_name == "Dr. Sok Dara"


def test_anonymise_removes_identity_and_personal_rows(event_with_matchmaking):
    setup = event_with_matchmaking
    registration = setup.requester
    person = registration.user
    Registration.objects.filter(pk=registration.pk).update(shares_contact=True, job_title="Dean")
    registration.refresh_from_db()
    old = {
        "badge": registration.badge_token,
        "contact": registration.contact_token,
        "survey": registration.survey_token,
    }
    Authenticator.objects.create(user=person, type=Authenticator.Type.TOTP, data={"secret": "x"})
    ShortlistEntryFactory(user=person, note="call them")
    ContactFactory(owner=registration, contact=setup.recipient, event=setup.event)
    ContactFactory(owner=setup.recipient, contact=registration, event=setup.event)
    InvitationFactory(email=person.email.upper())
    outbox.enqueue(key="privacy:1", kind="test", user=person)
    other_person = setup.recipient.user

    user_anonymise(user=person, by=person)

    person.refresh_from_db()
    registration.refresh_from_db()
    assert person.email == f"deleted-{person.pk}@invalid"
    assert person.display_name == ""
    assert str(person) == "Deleted account"
    assert person.has_usable_password() is False
    assert person.is_active is False
    assert person.anonymised_at is not None
    assert person.show_profile_to_participants is False
    assert EmailAddress.objects.filter(user=person).count() == 0
    assert Authenticator.objects.filter(user=person).count() == 0
    assert Membership.objects.filter(user=person).count() == 0
    assert ShortlistEntry.objects.filter(user=person).count() == 0
    assert Contact.objects.filter(event=setup.event).count() == 0
    assert Invitation.objects.filter(accepted_at__isnull=True).count() == 0
    assert OutboundEmail.objects.filter(user=person).count() == 0
    assert registration.job_title == ""
    assert registration.shares_contact is False
    assert registration.badge_token != old["badge"]
    assert registration.contact_token != old["contact"]
    assert registration.survey_token != old["survey"]
    # The other side keeps everything of their own.
    other_person.refresh_from_db()
    assert other_person.is_active is True
    assert EmailAddress.objects.filter(user=other_person).count() == 1


def test_anonymise_ends_the_persons_other_sessions(client, event_with_matchmaking):
    person = event_with_matchmaking.requester.user
    client.force_login(person)
    assert client.get(reverse("dashboard")).status_code == 200

    user_anonymise(user=person, by=person)

    response = client.get(reverse("dashboard"))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


@pytest.fixture
def audited_users():
    """Record changes to users in the audit log for the test, as an audited portal does."""
    from auditlog.registry import auditlog

    already = auditlog.contains(User)
    if not already:
        auditlog.register(User)
    yield
    if not already:
        auditlog.unregister(User)


def test_anonymise_removes_the_person_from_the_audit_log_but_keeps_what_they_did(audited_users):
    from auditlog.context import set_actor
    from auditlog.models import LogEntry

    person = UserFactory(display_name="Dr. Sok Dara", email="sok.dara@example.org")
    colleague = UserFactory()
    with set_actor(person):
        colleague.display_name = "Renamed by Sok"
        colleague.save()
    done_by_person = LogEntry.objects.get(actor=person)
    assert done_by_person.actor_email == "sok.dara@example.org"

    user_anonymise(user=person, by=person)

    done_by_person.refresh_from_db()
    assert done_by_person.actor_id == person.pk
    assert done_by_person.actor_email == f"deleted-{person.pk}@invalid"
    about_person = LogEntry.objects.get_for_object(person)
    assert about_person.count() >= 1
    stored = json.dumps(list(about_person.values("changes", "changes_text", "object_repr", "serialized_data")))
    assert "sok.dara@example.org" not in stored
    assert "Dr. Sok Dara" not in stored
    assert "sok.dara@example.org" not in json.dumps(list(LogEntry.objects.values("actor_email")))


def test_data_export_lists_what_the_audit_log_recorded_the_person_doing(audited_users):
    from auditlog.context import set_actor

    person = UserFactory()
    colleague = UserFactory(display_name="Before")
    with set_actor(person):
        colleague.display_name = "After"
        colleague.save()

    activity = user_data_export(user=person)["activity.json"]

    assert [(row["record"], row["object"]) for row in activity] == [("portal.user", "After")]


def test_anonymise_cancels_open_requests_and_future_registrations(event_with_matchmaking):
    setup = event_with_matchmaking
    pending = MeetingRequestFactory(
        session=setup.session, requester=setup.requester, status=MeetingRequest.Status.PENDING
    )

    user_anonymise(user=setup.requester.user, by=setup.requester.user)

    pending.refresh_from_db()
    setup.requester.refresh_from_db()
    assert pending.status == MeetingRequest.Status.CANCELLED
    assert setup.requester.status == Registration.Status.CANCELLED
    assert MeetingRequest.objects.get(pk=setup.request.pk).status == MeetingRequest.Status.ACCEPTED


def test_anonymise_twice_changes_nothing_more(event_with_matchmaking):
    person = event_with_matchmaking.requester.user
    first = user_anonymise(user=person, by=person)

    second = user_anonymise(user=person, by=person)

    assert second.anonymised_at == first.anonymised_at
    assert second.email == first.email


def test_anonymise_last_admin_of_institution_with_members_refused(roles):
    admin_user = roles["institution_admin"]

    with pytest.raises(PrivacyError, match="only admin of Phnom Penh Polytechnic"):
        user_anonymise(user=admin_user, by=admin_user)

    admin_user.refresh_from_db()
    assert admin_user.anonymised_at is None
    assert admin_user.is_active is True
    assert Membership.objects.filter(user=admin_user).count() == 1


def test_anonymise_last_admin_by_secretariat_allowed(roles):
    admin_user = roles["institution_admin"]

    user_anonymise(user=admin_user, by=roles["secretariat"])

    admin_user.refresh_from_db()
    assert admin_user.anonymised_at is not None


def test_anonymise_sole_member_admin_allowed():
    sole = MembershipFactory(role=Membership.Role.ADMIN).user

    user_anonymise(user=sole, by=sole)

    sole.refresh_from_db()
    assert sole.anonymised_at is not None


def test_hard_delete_of_user_with_registrations_refused(event_with_matchmaking):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        event_with_matchmaking.requester.user.delete()

    assert Meeting.objects.filter(pk=event_with_matchmaking.meeting.pk).exists()


# --- the Django admin's delete anonymises -----------------------------------------------------


def test_admin_delete_of_user_anonymises(admin_client, mou_meeting):
    setup, mou = mou_meeting
    person = setup.requester.user
    url = reverse("admin:portal_user_delete", args=[person.pk])

    confirm = admin_client.get(url)
    response = admin_client.post(url, {"post": "yes"})

    assert confirm.status_code == 200
    assert "stay, anonymised" in confirm.content.decode()
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.email == f"deleted-{person.pk}@invalid"
    assert linked_mou_id(setup.meeting) == mou.pk
    assert FollowUp.objects.filter(meeting=setup.meeting).count() == 2


def test_admin_delete_selected_action_anonymises(admin_client, event_with_matchmaking):
    people = [event_with_matchmaking.requester.user, event_with_matchmaking.recipient.user]

    response = admin_client.post(
        reverse("admin:portal_user_changelist"),
        {"action": "delete_selected", "post": "yes", admin.helpers.ACTION_CHECKBOX_NAME: [p.pk for p in people]},
        follow=True,
    )

    assert response.status_code == 200
    assert User.objects.filter(pk__in=[p.pk for p in people], anonymised_at__isnull=False).count() == 2
    assert Meeting.objects.filter(pk=event_with_matchmaking.meeting.pk).exists()
    assert "2 accounts were anonymised." in response.content.decode()


# --- download my data -------------------------------------------------------------------------


def _zip(response) -> dict:
    archive = zipfile.ZipFile(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    return {name: archive.read(name).decode() for name in archive.namelist()}


def test_data_download_contains_own_data_and_nobody_elses(client, event_with_matchmaking):
    setup = event_with_matchmaking
    me = setup.requester.user
    other = setup.recipient.user
    ShortlistEntryFactory(user=me, note="my private note")
    ShortlistEntryFactory(user=other, note="their private note")
    ContactMessageFactory(sender=me, subject="Hello from me")
    ContactMessageFactory(sender=other, subject="Hello from them")
    SurveyAnswerFactory(response__survey__event=setup.event, response__registration=setup.requester, text="my answer")
    client.force_login(me)
    reauthenticated(client, me)

    response = client.post(reverse("account_data"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    files = _zip(response)
    everything = "".join(files.values())
    assert json.loads(files["account.json"])["email"] == me.email
    assert json.loads(files["shortlist.json"])[0]["note"] == "my private note"
    assert json.loads(files["messages_sent.json"])[0]["subject"] == "Hello from me"
    assert json.loads(files["survey_answers.json"])[0]["text"] == "my answer"
    assert json.loads(files["meetings.json"])[0]["session"] == setup.session.title
    assert json.loads(files["registrations.json"])[0]["event"] == setup.event.title
    assert "consents.json" in files
    assert "their private note" not in everything
    assert "Hello from them" not in everything
    assert other.email not in everything
    assert setup.requester.badge_token not in everything


def test_data_export_hides_the_name_of_a_partner_who_does_not_show_it(event_with_matchmaking):
    setup = event_with_matchmaking
    User.objects.filter(pk=setup.recipient.user_id).update(
        display_name="Hidden Partner", show_profile_to_participants=False
    )

    data = user_data_export(user=setup.requester.user)

    everything = json.dumps(data, default=str)
    assert data["meetings.json"][0]["with"] == {"name": "", "institution": str(setup.recipient.institution)}
    assert "Hidden Partner" not in everything
    assert setup.recipient.user.email not in everything


def test_data_download_get_shows_a_button_and_no_data(client, event_with_matchmaking):
    me = event_with_matchmaking.requester.user
    client.force_login(me)

    response = client.get(reverse("account_data"))

    assert response.status_code == 200
    assert 'method="post"' in response.content.decode()
    assert me.email not in response.content.decode()


def test_data_download_without_recent_password_asks_for_it(client, event_with_matchmaking):
    client.force_login(event_with_matchmaking.requester.user)

    response = client.post(reverse("account_data"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_reauthenticate"))


def test_data_download_follows_once_the_password_is_entered_again(client, event_with_matchmaking):
    me = event_with_matchmaking.requester.user
    client.force_login(me)
    asked = client.post(reverse("account_data"))

    response = client.post(asked["Location"], {"password": TEST_PASSWORD})

    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert json.loads(_zip(response)["account.json"])["email"] == me.email


def test_data_download_by_visitor_redirects_to_login(client):
    response = client.post(reverse("account_data"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_data_export_lists_consent_times():
    user = UserFactory(show_profile_to_participants=False, profile_consent_withdrawn_at=timezone.now())

    data = user_data_export(user=user)

    assert data["consents.json"]["show_name_to_participants"]["given"] is False
    assert data["consents.json"]["show_name_to_participants"]["withdrawn_at"] == user.profile_consent_withdrawn_at


# --- delete my account ------------------------------------------------------------------------


def test_account_delete_with_password_anonymises_and_signs_out(client, event_with_matchmaking):
    me = event_with_matchmaking.requester.user
    client.force_login(me)

    page = client.get(reverse("account_delete"))
    response = client.post(reverse("account_delete"), {"confirmation": TEST_PASSWORD}, follow=True)

    assert page.status_code == 200
    assert response.redirect_chain[0][0] == reverse("home")
    assert "Your account was deleted." in response.content.decode()
    assert SESSION_KEY not in client.session
    me.refresh_from_db()
    assert me.anonymised_at is not None
    assert Meeting.objects.filter(pk=event_with_matchmaking.meeting.pk).exists()


def test_account_delete_with_wrong_password_changes_nothing(client, event_with_matchmaking):
    me = event_with_matchmaking.requester.user
    client.force_login(me)

    response = client.post(reverse("account_delete"), {"confirmation": "not my password"})

    assert response.status_code == 200
    assert "This is not your password. Nothing was deleted." in response.content.decode()
    me.refresh_from_db()
    assert me.anonymised_at is None
    assert me.is_active is True


def test_account_delete_without_password_confirms_with_email(client):
    me = UserFactory(password=None)
    me.set_unusable_password()
    me.save()
    client.force_login(me)

    wrong = client.post(reverse("account_delete"), {"confirmation": "someone@example.org"})
    right = client.post(reverse("account_delete"), {"confirmation": me.email.upper()})

    assert "This is not your email address." in wrong.content.decode()
    assert right.status_code == 302
    me.refresh_from_db()
    assert me.anonymised_at is not None


def test_account_delete_by_last_admin_refused_with_message(client, roles):
    admin_user = roles["institution_admin"]
    client.force_login(admin_user)

    page = client.get(reverse("account_delete"))
    response = client.post(reverse("account_delete"), {"confirmation": TEST_PASSWORD})

    assert "Make another member an admin first" in page.content.decode()
    assert response.status_code == 200
    assert "Make another member an admin first" in response.content.decode()
    admin_user.refresh_from_db()
    assert admin_user.anonymised_at is None


def test_account_delete_by_visitor_redirects_to_login(client):
    response = client.post(reverse("account_delete"), {"confirmation": TEST_PASSWORD})

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- consent with its time --------------------------------------------------------------------


def _preferences(user, **changes) -> dict:
    data = {
        "display_name": user.display_name,
        "preferred_language": user.preferred_language,
        "time_zone": user.time_zone,
        "email_request_digest": "on",
        "email_follow_ups": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_preferences_record_when_name_consent_is_withdrawn_and_given(client):
    me = UserFactory(verified_email=True)
    client.force_login(me)

    client.post(reverse("preferences"), _preferences(me))
    me.refresh_from_db()
    withdrawn_at = me.profile_consent_withdrawn_at
    client.post(reverse("preferences"), _preferences(me, show_profile_to_participants="on"))
    me.refresh_from_db()

    assert withdrawn_at is not None
    assert me.show_profile_to_participants is True
    assert me.profile_consent_given_at >= withdrawn_at
    page = client.get(reverse("preferences")).content.decode()
    assert "You agreed to show your name to other participants on" in page
    assert reverse("account_data") in page
    assert reverse("account_delete") in page
    assert reverse("privacy") in page


def test_preferences_saved_without_change_record_no_consent_time(client):
    me = UserFactory(verified_email=True)
    client.force_login(me)

    client.post(reverse("preferences"), _preferences(me, show_profile_to_participants="on", display_name="New"))

    me.refresh_from_db()
    assert me.display_name == "New"
    assert me.profile_consent_given_at is None
    assert me.profile_consent_withdrawn_at is None


# --- the privacy page -------------------------------------------------------------------------


def test_privacy_page_public_with_retention_contact_and_rights(client, settings):
    settings.PERSONAL_DATA_RETENTION_DAYS = 400
    settings.PORTAL_PRIVACY_CONTACT_EMAIL = "privacy@secretariat.example.org"

    response = client.get(reverse("privacy"))

    html = response.content.decode()
    assert response.status_code == 200
    assert "400 days after an event ends" in html
    assert "mailto:privacy@secretariat.example.org" in html
    for name in ("account_data", "account_delete", "preferences"):
        assert reverse(name) in html
    assert "<script>" not in html
    assert "style=" not in html


def test_privacy_page_in_chinese(client):
    response = client.get(reverse("privacy"), HTTP_ACCEPT_LANGUAGE="zh-hans")

    assert response.status_code == 200
    assert response["Content-Language"] == "zh-hans"


def test_footer_and_signup_link_to_privacy(client):
    home = client.get(reverse("home")).content.decode()
    signup = client.get(reverse("account_signup")).content.decode()
    login = client.get(reverse("account_login")).content.decode()

    assert f'href="{reverse("privacy")}"' in home
    assert "By signing up you agree" in signup
    assert "By signing up you agree" not in login


def test_anonymised_user_name_gone_from_the_other_sides_meetings(client, event_with_matchmaking):
    setup = event_with_matchmaking
    gone = setup.requester.user
    name = gone.display_name
    client.force_login(setup.recipient.user)
    url = reverse("matchmaking:my_meetings", kwargs={"slug": setup.event.slug})
    before = client.get(url).content.decode()

    user_anonymise(user=gone, by=gone)
    after = client.get(url).content.decode()

    assert name in before
    assert name not in after
    assert "deleted-" not in after


def test_anonymise_keeps_past_registrations_approved():
    past = EventFactory(
        start_date=timezone.localdate() - timedelta(days=30), end_date=timezone.localdate() - timedelta(days=29)
    )
    registration = RegistrationFactory(event=past)

    user_anonymise(user=registration.user, by=registration.user)

    registration.refresh_from_db()
    assert registration.status == Registration.Status.APPROVED
