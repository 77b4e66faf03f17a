"""Meeting request pages: participant list, sending, my meetings, answers, signed links, availability."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext
from django_countries import countries

from events.models import Registration, Session
from matchmaking import requests as service
from matchmaking.models import Meeting, MeetingRequest, SlotUnavailability
from portal.models import User
from tests.events.conftest import register
from tests.factories import (
    EventFactory,
    InstitutionFactory,
    MatchmakingSessionFactory,
    MeetingSlotFactory,
    ShortlistEntryFactory,
)

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def setup():
    event = EventFactory()
    session = MatchmakingSessionFactory(event=event, table_count=3)
    slots = [MeetingSlotFactory(session=session) for _ in range(3)]
    kh = InstitutionFactory(name="Phnom Penh Polytechnic", country="KH")
    cn = InstitutionFactory(name="Guangxi Vocational College", country="CN")
    me = register(event, name="Sok Dara", institution=kh)
    other = register(event, name="Li Wei", institution=cn, job_title="Dean")
    other_colleague = register(event, name="Wang Fang", institution=cn)
    return {
        "event": event,
        "session": session,
        "slots": slots,
        "kh": kh,
        "cn": cn,
        "me": me,
        "other": other,
        "other_colleague": other_colleague,
    }


def _login(client, registration):
    client.force_login(registration.user)
    return client


# --- participant list ---------------------------------------------------------------------------


def test_participant_list_anonymous_goes_to_login(client, setup):
    response = client.get(reverse("matchmaking:participants", args=[setup["event"].slug]))

    assert response.status_code == 302
    assert "login" in response["Location"]


def test_participant_list_404_for_outsiders(client, setup):
    elsewhere = register(EventFactory(), country="TH")
    pending = register(setup["event"], country="VN", status=Registration.Status.PENDING)

    for registration in (elsewhere, pending):
        response = _login(client, registration).get(reverse("matchmaking:participants", args=[setup["event"].slug]))
        assert response.status_code == 404


def test_participant_list_hides_names_of_private_profiles_and_all_emails(client, setup):
    User.objects.filter(pk=setup["other_colleague"].user_id).update(show_profile_to_participants=False)

    response = _login(client, setup["me"]).get(reverse("matchmaking:participants", args=[setup["event"].slug]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "Li Wei" in html
    assert "Dean" in html
    assert "Wang Fang" not in html
    assert "a participant of Guangxi Vocational College" in html
    for registration in (setup["me"], setup["other"], setup["other_colleague"]):
        assert registration.user.email not in html
    assert f"?person={setup['other'].pk}" in html
    assert f"?institution={setup['cn'].pk}" in html
    assert f"?institution={setup['kh'].pk}" not in html


def test_participant_list_search_does_not_match_hidden_names(client, setup):
    User.objects.filter(pk=setup["other_colleague"].user_id).update(show_profile_to_participants=False)
    client = _login(client, setup["me"])
    url = reverse("matchmaking:participants", args=[setup["event"].slug])

    hidden = client.get(url, {"q": "Wang"})
    shown = client.get(url, {"q": "Li Wei"})
    by_country = client.get(url, {"country": "CN"})

    assert hidden.context["page_obj"].paginator.count == 0
    assert [row["registration"] for row in shown.context["participants"]] == [setup["other"]]
    assert by_country.context["page_obj"].paginator.count == 2


@pytest.mark.parametrize(
    ("language", "order"), [("en", ["KH", "CN", "TH", "VN"]), ("zh-hans", ["KH", "TH", "VN", "CN"])]
)  # Cambodia China Thailand Vietnam; 柬埔寨 (jian) 泰国 (tai) 越南 (yue) 中国 (zhong)
def test_participant_list_offers_each_country_once_by_its_translated_name(client, setup, language, order):
    for country in ("CN", "CN", "KH", "VN", "TH"):
        register(setup["event"], country=country)  # each at an institution of its own
    register(setup["event"], country="SG", status=Registration.Status.PENDING)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = _login(client, setup["me"]).get(reverse("matchmaking:participants", args=[setup["event"].slug]))

    choices = [(code, str(name)) for code, name in response.context["form"].fields["country"].choices]
    with translation.override(language):
        expected = [(code, str(countries.name(code))) for code in order]
        assert choices == [("", gettext("all countries")), *expected]


@pytest.mark.parametrize("extra", [0, 4])
def test_participant_list_query_count_is_bounded(client, setup, django_assert_num_queries, extra):
    for _ in range(extra):
        register(setup["event"], country="TH")
    client = _login(client, setup["me"])

    with django_assert_num_queries(9):
        response = client.get(reverse("matchmaking:participants", args=[setup["event"].slug]))

    assert len(response.context["participants"]) == 3 + extra


def test_participant_list_marks_people_with_an_open_request_either_way(client, setup):
    service.send_request(requester=setup["other"], session=setup["session"], recipient=setup["me"], message="")
    client = _login(client, setup["me"])

    response = client.get(reverse("matchmaking:participants", args=[setup["event"].slug]))

    asked = {row["registration"] for row in response.context["participants"] if row["asked"]}
    assert asked == {setup["other"]}
    assert f"?person={setup['other'].pk}" not in response.content.decode()


# --- sending ------------------------------------------------------------------------------------


def test_request_new_to_person_sends(client, setup):
    client = _login(client, setup["me"])
    url = reverse("matchmaking:request_new")

    form = client.get(url, {"person": setup["other"].pk})
    response = client.post(url, {"person": setup["other"].pk, "session": setup["session"].pk, "message": "Hello"})

    assert form.status_code == 200
    assert response.status_code == 302
    assert response["Location"] == reverse("matchmaking:my_meetings", args=[setup["event"].slug])
    request = MeetingRequest.objects.get()
    assert (request.requester, request.recipient, request.message) == (setup["me"], setup["other"], "Hello")


def test_request_new_refusal_shows_message_and_writes_nothing(client, setup):
    client = _login(client, setup["me"])
    colleague = register(setup["event"], institution=setup["kh"])

    response = client.post(
        reverse("matchmaking:request_new"), {"person": colleague.pk, "session": setup["session"].pk, "message": ""}
    )

    assert response.status_code == 400
    assert "colleague of your own institution" in response.content.decode()
    assert not MeetingRequest.objects.exists()


def test_request_new_person_of_other_event_is_404(client, setup):
    elsewhere = register(EventFactory(), country="TH")

    response = _login(client, setup["me"]).get(reverse("matchmaking:request_new"), {"person": elsewhere.pk})

    assert response.status_code == 404


def test_request_new_institution_lists_sessions_or_says_none(client, setup):
    client = _login(client, setup["me"])
    absent = InstitutionFactory(country="VN")

    with_session = client.get(reverse("matchmaking:request_new"), {"institution": setup["cn"].pk})
    without = client.get(reverse("matchmaking:request_new"), {"institution": absent.pk})

    assert with_session.context["sessions"] == [setup["session"]]
    assert without.context["sessions"] == []
    assert "There is no upcoming matchmaking session" in without.content.decode()


def test_request_new_institution_sends(client, setup):
    client = _login(client, setup["me"])

    client.post(
        reverse("matchmaking:request_new"),
        {"institution": setup["cn"].pk, "session": setup["session"].pk, "message": "Dual training"},
    )

    request = MeetingRequest.objects.get()
    assert (request.recipient, request.recipient_institution) == (None, setup["cn"])


# --- my meetings --------------------------------------------------------------------------------


def test_my_meetings_404_for_participant_of_another_event(client, setup):
    elsewhere = register(EventFactory(), country="TH")

    response = _login(client, elsewhere).get(reverse("matchmaking:my_meetings", args=[setup["event"].slug]))

    assert response.status_code == 404


def test_my_meetings_lists_received_sent_and_accepted(client, setup):
    received = service.send_request(
        requester=setup["other"], session=setup["session"], recipient=setup["me"], message="Hi"
    )
    sent = service.send_request(requester=setup["me"], session=setup["session"], institution=setup["cn"], message="")
    service.accept_request(request_id=sent.pk, registration=setup["other_colleague"])

    response = _login(client, setup["me"]).get(reverse("matchmaking:my_meetings", args=[setup["event"].slug]))

    html = response.content.decode()
    assert [row["req"] for row in response.context["received_rows"]] == [received]
    assert [row["req"] for row in response.context["sent"]] == [sent]
    assert [row["req"] for row in response.context["accepted"]] == [sent]
    assert "waiting for the schedule" in html
    assert reverse("matchmaking:my_meeting_outcomes", args=[setup["event"].slug]) in html


def test_accept_with_htmx_updates_row(client, setup):
    request = service.send_request(
        requester=setup["other"], session=setup["session"], recipient=setup["me"], message=""
    )
    client = _login(client, setup["me"])

    response = client.post(reverse("matchmaking:request_accept", args=[setup["event"].slug, request.pk]), **HTMX)

    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.ACCEPTED
    assert Meeting.objects.get().request == request
    html = response.content.decode()
    assert f'id="request-{request.pk}"' in html
    assert "Meeting accepted." in html
    assert "<html" not in html


def test_decline_without_js_redirects(client, setup):
    request = service.send_request(
        requester=setup["other"], session=setup["session"], recipient=setup["me"], message=""
    )
    client = _login(client, setup["me"])

    response = client.post(reverse("matchmaking:request_decline", args=[setup["event"].slug, request.pk]))

    request.refresh_from_db()
    assert response.status_code == 302
    assert request.status == MeetingRequest.Status.DECLINED


def test_non_recipient_cannot_accept(client, setup):
    request = service.send_request(
        requester=setup["me"], session=setup["session"], recipient=setup["other"], message=""
    )
    client = _login(client, setup["other_colleague"])

    response = client.post(reverse("matchmaking:request_accept", args=[setup["event"].slug, request.pk]))

    request.refresh_from_db()
    assert response.status_code == 404
    assert request.status == MeetingRequest.Status.PENDING


def test_institution_request_second_colleague_gets_message(client, setup):
    request = service.send_request(requester=setup["me"], session=setup["session"], institution=setup["cn"], message="")
    url = reverse("matchmaking:request_accept", args=[setup["event"].slug, request.pk])

    _login(client, setup["other"]).post(url)
    client.logout()
    response = _login(client, setup["other_colleague"]).post(url, **HTMX)

    request.refresh_from_db()
    assert request.recipient == setup["other"]
    assert "A colleague already answered this request." in response.content.decode()
    assert Meeting.objects.count() == 1


def test_expired_request_cannot_be_accepted(client, setup):
    request = service.send_request(
        requester=setup["other"], session=setup["session"], recipient=setup["me"], message=""
    )
    MeetingRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = _login(client, setup["me"]).post(
        reverse("matchmaking:request_accept", args=[setup["event"].slug, request.pk]), follow=True
    )

    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.PENDING
    assert "This meeting request has expired." in response.content.decode()


def test_cancel_own_request(client, setup):
    request = service.send_request(
        requester=setup["me"], session=setup["session"], recipient=setup["other"], message=""
    )

    _login(client, setup["me"]).post(reverse("matchmaking:request_cancel", args=[setup["event"].slug, request.pk]))

    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.CANCELLED


def test_participant_mode_offers_only_free_slots_and_books(client, setup):
    Session.objects.filter(pk=setup["session"].pk).update(scheduling_mode=Session.SchedulingMode.PARTICIPANT)
    SlotUnavailability.objects.create(registration=setup["other"], slot=setup["slots"][0])
    request = service.send_request(
        requester=setup["other"], session=setup["session"], recipient=setup["me"], message=""
    )
    client = _login(client, setup["me"])

    page = client.get(reverse("matchmaking:my_meetings", args=[setup["event"].slug]))
    form = page.context["received_rows"][0]["accept_form"]
    response = client.post(
        reverse("matchmaking:request_accept", args=[setup["event"].slug, request.pk]), {"slot": setup["slots"][1].pk}
    )

    assert list(form.fields["slot"].queryset) == setup["slots"][1:]
    assert response.status_code == 302
    meeting = Meeting.objects.get()
    assert (meeting.slot, meeting.table_number, meeting.status) == (setup["slots"][1], 1, Meeting.Status.PUBLISHED)
    after = client.get(reverse("matchmaking:my_meetings", args=[setup["event"].slug]))
    booked = [item["booked"] for item in after.context["availability"][0]["slots"]]
    assert booked == [False, True, False]


def test_participant_mode_unavailable_slot_posted_is_refused(client, setup):
    Session.objects.filter(pk=setup["session"].pk).update(scheduling_mode=Session.SchedulingMode.PARTICIPANT)
    SlotUnavailability.objects.create(registration=setup["other"], slot=setup["slots"][0])
    request = service.send_request(
        requester=setup["other"], session=setup["session"], recipient=setup["me"], message=""
    )

    response = _login(client, setup["me"]).post(
        reverse("matchmaking:request_accept", args=[setup["event"].slug, request.pk]),
        {"slot": setup["slots"][0].pk},
        **HTMX,
    )

    assert not Meeting.objects.exists()
    assert "errorlist" in response.content.decode()


# --- unavailability -----------------------------------------------------------------------------


def test_slot_toggle_with_and_without_htmx(client, setup):
    client = _login(client, setup["me"])
    slot = setup["slots"][1]
    url = reverse("matchmaking:slot_toggle", args=[setup["event"].slug, slot.pk])

    fragment = client.post(url, {"unavailable": "1"}, **HTMX)
    assert list(SlotUnavailability.objects.values_list("registration", "slot")) == [(setup["me"].pk, slot.pk)]
    assert 'aria-pressed="true"' in fragment.content.decode()

    response = client.post(url, {"unavailable": "0"})
    assert response.status_code == 302
    assert not SlotUnavailability.objects.exists()


def test_slot_toggle_warns_after_publication(client, setup):
    Session.objects.filter(pk=setup["session"].pk).update(published_at=timezone.now())

    response = _login(client, setup["me"]).post(
        reverse("matchmaking:slot_toggle", args=[setup["event"].slug, setup["slots"][0].pk]),
        {"unavailable": "1"},
        follow=True,
    )

    assert "organisers must run it again" in response.content.decode()
    assert SlotUnavailability.objects.count() == 1


def test_slot_toggle_slot_of_other_event_is_404(client, setup):
    foreign = MeetingSlotFactory()

    response = _login(client, setup["me"]).post(
        reverse("matchmaking:slot_toggle", args=[setup["event"].slug, foreign.pk]), {"unavailable": "1"}
    )

    assert response.status_code == 404
    assert not SlotUnavailability.objects.exists()


# --- signed links -------------------------------------------------------------------------------


def test_signed_link_get_confirms_only_post_acts(client, setup):
    request = service.send_request(
        requester=setup["me"], session=setup["session"], recipient=setup["other"], message="Hi"
    )
    url = reverse("matchmaking:request_answer", args=[service.answer_token(request, setup["other"], service.ACCEPT)])

    page = client.get(url)
    request.refresh_from_db()
    assert page.status_code == 200
    assert request.status == MeetingRequest.Status.PENDING
    assert "Accept the meeting" in page.content.decode()

    done = client.post(url)
    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.ACCEPTED
    assert "the meeting is accepted" in done.content.decode()

    again = client.post(url)
    assert again.status_code == 400
    assert "already accepted" in again.content.decode()
    assert Meeting.objects.count() == 1


def test_signed_decline_link(client, setup):
    request = service.send_request(requester=setup["me"], session=setup["session"], institution=setup["cn"], message="")
    url = reverse(
        "matchmaking:request_answer", args=[service.answer_token(request, setup["other_colleague"], service.DECLINE)]
    )

    client.post(url)

    request.refresh_from_db()
    assert (request.status, request.recipient) == (MeetingRequest.Status.DECLINED, setup["other_colleague"])


def test_signed_link_tampered_refused(client, setup):
    request = service.send_request(
        requester=setup["me"], session=setup["session"], recipient=setup["other"], message=""
    )
    token = service.answer_token(request, setup["other"], service.ACCEPT)
    forged = service.answer_token(request, setup["other_colleague"], service.ACCEPT)
    tampered = token[:-3] + ("abc" if not token.endswith("abc") else "xyz")

    bad = client.post(reverse("matchmaking:request_answer", args=[tampered]))
    not_theirs = client.post(reverse("matchmaking:request_answer", args=[forged]))

    request.refresh_from_db()
    assert bad.status_code == 400
    assert "This link is not valid." in bad.content.decode()
    assert not_theirs.status_code == 400
    assert request.status == MeetingRequest.Status.PENDING


def test_signed_link_expired_refused(client, setup):
    request = service.send_request(
        requester=setup["me"], session=setup["session"], recipient=setup["other"], message=""
    )
    url = reverse("matchmaking:request_answer", args=[service.answer_token(request, setup["other"], service.ACCEPT)])
    MeetingRequest.objects.filter(pk=request.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.post(url)

    request.refresh_from_db()
    assert response.status_code == 400
    assert "expired" in response.content.decode()
    assert request.status == MeetingRequest.Status.PENDING


# --- links from other pages ---------------------------------------------------------------------


def test_event_page_links_participants_for_approved(client, setup):
    response = _login(client, setup["me"]).get(setup["event"].get_absolute_url())

    html = response.content.decode()
    assert reverse("matchmaking:participants", args=[setup["event"].slug]) in html
    assert reverse("matchmaking:my_meetings", args=[setup["event"].slug]) in html


def test_institution_page_links_request_new(client, setup):
    response = _login(client, setup["me"]).get(setup["cn"].get_absolute_url())

    assert f"{reverse('matchmaking:request_new')}?institution={setup['cn'].pk}" in response.content.decode()


@pytest.mark.parametrize("count", [1, 3])
def test_my_meetings_query_count_is_bounded(client, setup, django_assert_num_queries, count):
    for _ in range(count):
        sender = register(setup["event"], country="TH")
        service.send_request(requester=sender, session=setup["session"], recipient=setup["me"], message="Hello")
        receiver = register(setup["event"], country="VN")
        accepted = service.send_request(requester=setup["me"], session=setup["session"], recipient=receiver, message="")
        service.accept_request(request_id=accepted.pk, registration=receiver)
    client = _login(client, setup["me"])

    with django_assert_num_queries(10):
        response = client.get(reverse("matchmaking:my_meetings", args=[setup["event"].slug]))

    assert len(response.context["received_rows"]) == count
    assert len(response.context["accepted"]) == count


def test_participant_list_htmx_returns_results_fragment(client, setup):
    response = _login(client, setup["me"]).get(
        reverse("matchmaking:participants", args=[setup["event"].slug]), {"q": "Guangxi"}, **HTMX
    )

    html = response.content.decode()
    assert html.lstrip().startswith('<div id="participant-results">')
    assert "Li Wei" in html
    assert "Sok Dara" not in html


def test_send_back_from_form_accepts_as_mutual(client, setup):
    theirs = service.send_request(
        requester=setup["other"], session=setup["session"], recipient=setup["me"], message="Hi"
    )

    response = _login(client, setup["me"]).post(
        reverse("matchmaking:request_new"),
        {"person": setup["other"].pk, "session": setup["session"].pk, "message": ""},
        follow=True,
    )

    theirs.refresh_from_db()
    assert (theirs.status, theirs.mutual) == (MeetingRequest.Status.ACCEPTED, True)
    assert MeetingRequest.objects.count() == 1
    assert "accepted on both sides" in response.content.decode()


def test_accept_institution_request_with_sharing_colleague(client, setup):
    request = service.send_request(requester=setup["me"], session=setup["session"], institution=setup["cn"], message="")
    client = _login(client, setup["other"])

    page = client.get(reverse("matchmaking:my_meetings", args=[setup["event"].slug]))
    client.post(
        reverse("matchmaking:request_accept", args=[setup["event"].slug, request.pk]),
        {"sharers": [setup["other_colleague"].pk]},
    )

    assert "Wang Fang" in page.content.decode()
    meeting = Meeting.objects.get()
    assert list(meeting.sharers.all()) == [setup["other_colleague"]]
    assert meeting.request.recipient == setup["other"]


def test_accept_refuses_sharer_of_another_institution(client, setup):
    request = service.send_request(requester=setup["me"], session=setup["session"], institution=setup["cn"], message="")

    _login(client, setup["other"]).post(
        reverse("matchmaking:request_accept", args=[setup["event"].slug, request.pk]), {"sharers": [setup["me"].pk]}
    )

    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.PENDING
    assert not Meeting.objects.exists()


def test_slot_toggle_htmx_warns_after_publication(client, setup):
    Session.objects.filter(pk=setup["session"].pk).update(published_at=timezone.now())

    fragment = _login(client, setup["me"]).post(
        reverse("matchmaking:slot_toggle", args=[setup["event"].slug, setup["slots"][0].pk]),
        {"unavailable": "1"},
        **HTMX,
    )

    assert "organisers must run the schedule again" in fragment.content.decode()


def test_signed_link_in_participant_mode_picks_slot(client, setup):
    Session.objects.filter(pk=setup["session"].pk).update(scheduling_mode=Session.SchedulingMode.PARTICIPANT)
    SlotUnavailability.objects.create(registration=setup["me"], slot=setup["slots"][0])
    request = service.send_request(
        requester=setup["me"], session=setup["session"], recipient=setup["other"], message=""
    )
    url = reverse("matchmaking:request_answer", args=[service.answer_token(request, setup["other"], service.ACCEPT)])

    page = client.get(url)
    without_slot = client.post(url)
    done = client.post(url, {"slot": setup["slots"][2].pk})

    assert list(page.context["form"].fields["slot"].queryset) == setup["slots"][1:]
    assert without_slot.status_code == 400
    assert done.status_code == 200
    meeting = Meeting.objects.get()
    assert (meeting.slot, meeting.table_number, meeting.status) == (setup["slots"][2], 1, Meeting.Status.PUBLISHED)


def test_shortlist_links_request_new(client, setup):
    ShortlistEntryFactory(user=setup["me"].user, institution=setup["cn"])

    response = _login(client, setup["me"]).get(reverse("institutions:shortlist"))

    assert f"{reverse('matchmaking:request_new')}?institution={setup['cn'].pk}" in response.content.decode()
