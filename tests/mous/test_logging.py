"""Logging an MoU, proposals, and the prompt from meetings reported as "MoU signed" (part M1)."""

from datetime import date

import pytest
from django.urls import reverse

from matchmaking.models import Meeting
from mous.models import Mou, MouMeeting, MouParty
from tests.factories import (
    CooperationTypeFactory,
    EventFactory,
    InstitutionFactory,
    MeetingFactory,
    MeetingRequestFactory,
    MouFactory,
    MouPartyFactory,
    SectorFactory,
    SessionFactory,
    give_second_factor,
    linked_mou_id,
)

pytestmark = pytest.mark.django_db

NEW = reverse("mous:new")
PROPOSE = reverse("mous:propose")


def form_data(parties, **overrides) -> dict:
    """A valid posted form for the given party institutions."""
    data = {
        "title": "Teacher exchange",
        "reference": "",
        "summary": "",
        "status": "signed",
        "signed_on": "2026-03-01",
        "signed_place": "Phnom Penh",
        "witnesses": "",
        "event": "",
        "ceremony_session": "",
        "valid_from": "",
        "valid_until": "",
        "duration_months": "",
        "parties-TOTAL_FORMS": str(len(parties)),
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "2",
        "parties-MAX_NUM_FORMS": "20",
    }
    for index, institution in enumerate(parties):
        data[f"parties-{index}-institution"] = str(institution.pk) if institution else ""
        data[f"parties-{index}-signatory_name"] = f"Signatory {index}"
        data[f"parties-{index}-signatory_title"] = "Rector"
    data.update(overrides)
    return data


def meeting_between(event, institution_a, institution_b, **kwargs) -> Meeting:
    request = MeetingRequestFactory(
        session__event=event,
        requester__event=event,
        requester__institution=institution_a,
        recipient__event=event,
        recipient__institution=institution_b,
        status="accepted",
    )
    return MeetingFactory(request=request, **kwargs)


# --- Logging by the secretariat -------------------------------------------------------------


def test_secretariat_logs_an_mou_with_parties(client, roles):
    sector = SectorFactory()
    kind = CooperationTypeFactory()
    client.force_login(roles["secretariat"])
    data = form_data(
        [roles.institution_a, roles.institution_b],
        reference="MOU-2026-001",
        sectors=[sector.pk],
        cooperation_types=[kind.pk],
        languages=["en", "km"],
        is_public="on",
    )
    response = client.post(NEW, data)
    mou = Mou.objects.get()
    assert response.status_code == 302
    assert response.url == mou.get_absolute_url()
    assert mou.status == Mou.Status.SIGNED
    assert mou.signed_on == date(2026, 3, 1)
    assert mou.is_public
    assert mou.created_by == roles["secretariat"]
    assert list(mou.parties.values_list("institution", "signatory_name", "position")) == [
        (roles.institution_a.pk, "Signatory 0", 0),
        (roles.institution_b.pk, "Signatory 1", 1),
    ]
    assert mou.party_countries == ["CN", "KH"]
    assert list(mou.sectors.all()) == [sector]
    assert list(mou.cooperation_types.all()) == [kind]
    assert mou.languages == ["en", "km"]
    assert mou.history.first().history_user == roles["secretariat"]


def test_the_form_page_renders(client, roles):
    client.force_login(roles["secretariat"])
    response = client.get(NEW)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'name="parties-TOTAL_FORMS"' in page
    # Each party's search box fills that party's select as the secretariat types.
    search = reverse("mous:institution_search") + "?format=html"
    assert '<label for="parties-0-find">' in page
    assert 'name="parties-0-find"' in page
    assert f'hx-get="{search}"' in page
    assert 'hx-target="#id_parties-0-institution"' in page


def test_party_selects_offer_what_was_searched_for_never_the_whole_directory(client, roles):
    InstitutionFactory(name="Yunnan Vocational College", country="CN")
    client.force_login(roles["secretariat"])

    page = client.get(NEW).content.decode()
    assert "Yunnan Vocational College" not in page
    assert "Find the institution first" in page

    # Without JavaScript, the search button shows the form again, nothing saved, each row's
    # select offering its chosen institution and what its box found.
    data = form_data([roles.institution_a, None], find_parties="1", **{"parties-1-find": "yunnan"})
    response = client.post(NEW, data)
    assert response.status_code == 200
    rows = response.context["edit"].parties.forms
    assert [label for _value, label in rows[1].fields["institution"].widget.choices][1:] == [
        "Yunnan Vocational College · China"
    ]
    assert [str(value) for value, _label in rows[0].fields["institution"].widget.choices] == [
        "",
        str(roles.institution_a.pk),
    ]
    assert 'value="yunnan"' in response.content.decode()
    assert 'class="errorlist' not in response.content.decode()
    assert not Mou.objects.exists()


def test_the_edit_form_offers_each_partys_institution(client, roles):
    mou = MouFactory(title="Old")
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    MouPartyFactory(mou=mou, institution=roles.institution_b)
    client.force_login(roles["secretariat"])

    rows = client.get(reverse("mous:edit", args=[mou.pk])).context["edit"].parties.forms

    chosen = [[value for value, _label in row.fields["institution"].widget.choices][1:] for row in rows[:2]]
    assert chosen == [[roles.institution_a.pk], [roles.institution_b.pk]]


def test_a_party_rows_search_box_is_answered_under_its_own_name(client, roles):
    InstitutionFactory(name="Yunnan Vocational College")
    client.force_login(roles["secretariat"])
    url = reverse("mous:institution_search")

    options = client.get(url, {"format": "html", "parties-3-find": "yunnan"}).content.decode()

    assert "Yunnan Vocational College" in options
    assert "Yunnan" not in client.get(url, {"format": "html", "other-find": "yunnan"}).content.decode()


def test_same_institution_twice_is_rejected_and_nothing_written(client, roles):
    client.force_login(roles["secretariat"])
    response = client.post(NEW, form_data([roles.institution_a, roles.institution_a]))
    assert response.status_code == 200
    assert "The same institution cannot be a party twice." in response.content.decode()
    assert not Mou.objects.exists()
    assert not MouParty.objects.exists()


def test_one_party_is_rejected(client, roles):
    client.force_login(roles["secretariat"])
    data = form_data([roles.institution_a, None], **{"parties-1-signatory_name": "", "parties-1-signatory_title": ""})
    response = client.post(NEW, data)
    assert response.status_code == 200
    assert "An MoU needs at least two different institutions." in response.content.decode()
    assert not Mou.objects.exists()


def test_signatory_without_institution_is_refused(client, roles):
    client.force_login(roles["secretariat"])
    response = client.post(NEW, form_data([roles.institution_a, roles.institution_b, None]))
    assert "Choose the institution this signatory signed for." in response.content.decode()
    assert not Mou.objects.exists()


def test_reference_clash_has_a_clear_message(client, roles):
    MouFactory(reference="MOU-7")
    client.force_login(roles["secretariat"])
    response = client.post(NEW, form_data([roles.institution_a, roles.institution_b], reference="MOU-7"))
    assert response.status_code == 200
    assert "Another MoU already has the reference MOU-7." in response.content.decode()
    assert Mou.objects.count() == 1


def test_signed_status_needs_a_date(client, roles):
    client.force_login(roles["secretariat"])
    response = client.post(NEW, form_data([roles.institution_a, roles.institution_b], signed_on=""))
    assert "A signed MoU needs its signing date." in response.content.decode()
    assert not Mou.objects.exists()


def test_status_on_creation_is_draft_or_signed_only(client, roles):
    client.force_login(roles["secretariat"])
    client.post(NEW, form_data([roles.institution_a, roles.institution_b], status="active"))
    assert not Mou.objects.exists()


@pytest.mark.parametrize(
    ("valid_from", "months", "valid_until"),
    [("2026-01-01", "12", date(2026, 12, 31)), ("2026-03-15", "60", date(2031, 3, 14))],
)
def test_duration_computes_valid_until(client, roles, valid_from, months, valid_until):
    client.force_login(roles["secretariat"])
    client.post(
        NEW,
        form_data([roles.institution_a, roles.institution_b], valid_from=valid_from, duration_months=months),
    )
    assert Mou.objects.get().valid_until == valid_until


def test_duration_and_valid_until_together_are_refused(client, roles):
    client.force_login(roles["secretariat"])
    response = client.post(
        NEW,
        form_data(
            [roles.institution_a, roles.institution_b],
            valid_from="2026-01-01",
            valid_until="2027-01-01",
            duration_months="12",
        ),
    )
    assert "Give either valid until or a duration, not both." in response.content.decode()
    assert not Mou.objects.exists()


def test_validity_must_be_ordered(client, roles):
    client.force_login(roles["secretariat"])
    response = client.post(
        NEW,
        form_data([roles.institution_a, roles.institution_b], valid_from="2026-05-01", valid_until="2026-01-01"),
    )
    assert "Valid until cannot be before valid from." in response.content.decode()
    assert not Mou.objects.exists()


def test_ceremony_session_must_belong_to_the_event(client, roles):
    event, other_event = EventFactory(), EventFactory()
    session = SessionFactory(event=other_event)
    client.force_login(roles["secretariat"])
    response = client.post(
        NEW,
        form_data([roles.institution_a, roles.institution_b], event=event.pk, ceremony_session=session.pk),
    )
    assert "Choose a ceremony session of the chosen event." in response.content.decode()
    assert not Mou.objects.exists()


def test_meeting_link_sets_meeting_mou(client, roles):
    event = EventFactory()
    meeting = meeting_between(event, roles.institution_a, roles.institution_b)
    client.force_login(roles["secretariat"])
    response = client.post(
        NEW, form_data([roles.institution_a, roles.institution_b], event=event.pk, meetings=[meeting.pk])
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert linked_mou_id(meeting) == Mou.objects.get().pk


def test_meeting_between_non_parties_is_refused(client, roles):
    event = EventFactory()
    outsider = InstitutionFactory()
    meeting = meeting_between(event, roles.institution_a, outsider)
    client.force_login(roles["secretariat"])
    response = client.post(
        NEW, form_data([roles.institution_a, roles.institution_b], event=event.pk, meetings=[meeting.pk])
    )
    assert "is not between two of the parties" in response.content.decode()
    assert not Mou.objects.exists()
    meeting.refresh_from_db()
    assert linked_mou_id(meeting) is None


def test_add_party_shows_another_row_without_saving(client, roles):
    client.force_login(roles["secretariat"])
    data = form_data([roles.institution_a, roles.institution_b], add_party="1")
    response = client.post(NEW, data)
    assert response.status_code == 200
    body = response.content.decode()
    assert 'name="parties-TOTAL_FORMS" value="3"' in body
    assert "parties-2-institution" in body
    assert 'class="errorlist' not in body
    assert not Mou.objects.exists()


def test_refresh_lists_the_meetings_of_the_chosen_event(client, roles):
    event = EventFactory()
    meeting = meeting_between(event, roles.institution_a, roles.institution_b)
    client.force_login(roles["secretariat"])
    response = client.post(NEW, form_data([roles.institution_a, roles.institution_b], event=event.pk, refresh="1"))
    assert response.status_code == 200
    assert f'value="{meeting.pk}"' in response.content.decode()
    assert not Mou.objects.exists()


def test_edit_updates_parties_and_keeps_countries(client, roles):
    mou = MouFactory(title="Old")
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    MouPartyFactory(mou=mou, institution=roles.institution_b)
    third = InstitutionFactory(country="TH")
    client.force_login(roles["secretariat"])
    url = reverse("mous:edit", args=[mou.pk])
    assert client.get(url).status_code == 200
    data = form_data([roles.institution_a, third], title="New")
    data.pop("status")
    response = client.post(url, data)
    assert response.status_code == 302
    mou.refresh_from_db()
    assert mou.title == "New"
    assert set(mou.parties.values_list("institution", flat=True)) == {roles.institution_a.pk, third.pk}
    assert mou.party_countries == ["KH", "TH"]


@pytest.mark.parametrize("role", ["participant", "institution_admin", "other_admin", "no_institution"])
def test_outsiders_get_404_on_new_and_edit(client, roles, role):
    mou = MouFactory()
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    MouPartyFactory(mou=mou, institution=roles.institution_b)
    client.force_login(roles[role])
    assert client.get(NEW).status_code == 404
    assert client.post(NEW, form_data([roles.institution_a, roles.institution_b])).status_code == 404
    edit_url = reverse("mous:edit", args=[mou.pk])
    assert client.get(edit_url).status_code == 404
    assert client.post(edit_url, form_data([roles.institution_a, roles.institution_b], title="X")).status_code == 404
    assert Mou.objects.get().title != "X"


def test_anonymous_is_sent_to_login(client):
    response = client.get(NEW)
    assert response.status_code == 302
    assert "login" in response.url


# --- Institution search ---------------------------------------------------------------------


def test_institution_search_matches_names_local_names_and_acronyms(client, roles):
    InstitutionFactory(name="Shenzhen Polytechnic University", name_local="深圳职业技术大学", acronym="SZPU")
    client.force_login(roles["participant"])
    url = reverse("mous:institution_search")
    for query in ["shenzhen", "深圳", "szpu"]:
        results = client.get(url, {"q": query}).json()["results"]
        assert [result["acronym"] for result in results] == ["SZPU"]
    html = client.get(url, {"q": "szpu", "format": "html"}).content.decode()
    assert "<option" in html
    assert "Shenzhen Polytechnic University" in html


def test_institution_search_returns_at_most_ten(client, roles):
    for index in range(12):
        InstitutionFactory(name=f"Mekong College {index}")
    client.force_login(roles["participant"])
    results = client.get(reverse("mous:institution_search"), {"q": "mekong"}).json()["results"]
    assert len(results) == 10


# --- Proposals ------------------------------------------------------------------------------


def propose(client, roles, **overrides):
    data = form_data([roles.institution_a, roles.institution_b], proposed_by=roles.institution_a.pk, **overrides)
    data.pop("status")
    return client.post(PROPOSE, data)


def test_institution_admin_proposes_a_draft(client, roles):
    client.force_login(roles["institution_admin"])
    assert client.get(PROPOSE).status_code == 200
    response = propose(client, roles, is_public="on", status="signed")
    mou = Mou.objects.get()
    assert response.status_code == 302
    assert mou.status == Mou.Status.DRAFT
    assert mou.proposed_by == roles.institution_a
    assert not mou.is_public
    assert mou.party_countries == ["CN", "KH"]


def test_proposer_must_be_a_party(client, roles):
    third = InstitutionFactory()
    client.force_login(roles["institution_admin"])
    data = form_data([roles.institution_b, third], proposed_by=roles.institution_a.pk)
    response = client.post(PROPOSE, data)
    assert "Your institution must be one of the parties." in response.content.decode()
    assert not Mou.objects.exists()


def test_admin_cannot_propose_for_another_institution(client, roles):
    client.force_login(roles["institution_admin"])
    data = form_data([roles.institution_a, roles.institution_b], proposed_by=roles.institution_b.pk)
    client.post(PROPOSE, data)
    assert not Mou.objects.exists()


@pytest.mark.parametrize("role", ["participant", "no_institution", "pending_member"])
def test_non_admins_cannot_propose(client, roles, role):
    client.force_login(roles[role])
    assert client.get(PROPOSE).status_code == 404
    assert propose(client, roles).status_code == 404
    assert not Mou.objects.exists()


def make_proposal(roles, **kwargs) -> Mou:
    mou = MouFactory(status=Mou.Status.DRAFT, signed_on=None, proposed_by=roles.institution_a, **kwargs)
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    MouPartyFactory(mou=mou, institution=roles.institution_b)
    return mou


def test_proposer_admin_edits_their_draft_until_confirmed(client, roles):
    mou = make_proposal(roles, title="Draft")
    url = reverse("mous:edit", args=[mou.pk])
    client.force_login(roles["institution_admin"])
    assert client.get(url).status_code == 200
    assert client.get(mou.get_absolute_url()).status_code == 200
    data = form_data([roles.institution_a, roles.institution_b], title="Better draft")
    data.pop("status")
    assert client.post(url, data).status_code == 302
    mou.refresh_from_db()
    assert mou.title == "Better draft"
    assert mou.status == Mou.Status.DRAFT
    mou.status, mou.signed_on = Mou.Status.SIGNED, date(2026, 1, 1)
    mou.save()
    assert client.get(url).status_code == 404


def test_proposer_cannot_drop_their_own_institution(client, roles):
    mou = make_proposal(roles)
    third = InstitutionFactory()
    client.force_login(roles["institution_admin"])
    data = form_data([roles.institution_b, third])
    data.pop("status")
    response = client.post(reverse("mous:edit", args=[mou.pk]), data)
    assert "The proposing institution must stay one of the parties." in response.content.decode()
    assert set(mou.parties.values_list("institution", flat=True)) == {roles.institution_a.pk, roles.institution_b.pk}


@pytest.mark.parametrize("role", ["participant", "other_admin", "other_member", "no_institution"])
def test_others_cannot_edit_a_proposal(client, roles, role):
    mou = make_proposal(roles)
    client.force_login(roles[role])
    assert client.get(reverse("mous:edit", args=[mou.pk])).status_code == 404


# --- What a proposal may choose --------------------------------------------------------------


def proposal_data(roles, parties, **overrides) -> dict:
    data = form_data(parties, proposed_by=roles.institution_a.pk, **overrides)
    data.pop("status")
    return data


def test_proposal_links_a_published_meeting_of_the_proposer(client, roles):
    event = EventFactory()
    own = meeting_between(event, roles.institution_a, roles.institution_b, status="published")
    client.force_login(roles["institution_admin"])

    response = client.post(
        PROPOSE, proposal_data(roles, [roles.institution_a, roles.institution_b], event=event.pk, meetings=[own.pk])
    )

    assert response.status_code == 302
    own.refresh_from_db()
    assert linked_mou_id(own) == Mou.objects.get().pk


def test_proposal_cannot_take_over_a_meeting_between_other_institutions(client, roles):
    event = EventFactory()
    third, fourth = InstitutionFactory(), InstitutionFactory()
    theirs = meeting_between(event, third, fourth, status="published", outcome="mou_signed")
    client.force_login(roles["institution_admin"])

    response = client.post(
        PROPOSE,
        proposal_data(roles, [roles.institution_a, third, fourth], event=event.pk, meetings=[theirs.pk]),
    )

    assert response.status_code == 200
    assert response.context["edit"].form.errors["meetings"] == [
        f"Choose the meetings from the list: {theirs.pk} is not one you may link here."
    ]
    assert not Mou.objects.exists()
    theirs.refresh_from_db()
    assert linked_mou_id(theirs) is None
    client.force_login(roles["secretariat"])
    assert list(client.get(reverse("mous:to_log")).context["meetings"]) == [theirs]


def test_proposal_lists_only_the_proposers_published_meetings(client, roles):
    event = EventFactory()
    own = meeting_between(event, roles.institution_a, roles.institution_b, status="published")
    provisional = meeting_between(event, roles.institution_a, roles.institution_b)  # not held yet
    theirs = meeting_between(event, InstitutionFactory(), InstitutionFactory(), status="published")
    client.force_login(roles["institution_admin"])

    response = client.post(
        PROPOSE, proposal_data(roles, [roles.institution_a, roles.institution_b], event=event.pk, refresh="1")
    )

    assert list(response.context["edit"].form.fields["meetings"].queryset) == [own]
    body = response.content.decode()
    assert f'name="meetings" value="{own.pk}"' in body
    assert f'name="meetings" value="{provisional.pk}"' not in body
    assert f'name="meetings" value="{theirs.pk}"' not in body
    assert not Mou.objects.exists()


def test_proposal_offers_no_draft_event_nor_its_sessions_or_meetings(client, roles):
    public = EventFactory(title="Open exchange week")
    draft = EventFactory(status="draft", title="Unannounced summit")
    session = SessionFactory(event=draft, title="Secret signing hour")
    meeting = meeting_between(draft, roles.institution_a, roles.institution_b, status="published")
    client.force_login(roles["institution_admin"])
    data = proposal_data(
        roles,
        [roles.institution_a, roles.institution_b],
        event=draft.pk,
        ceremony_session=session.pk,
        meetings=[meeting.pk],
    )

    page = client.get(PROPOSE)
    refreshed = client.post(PROPOSE, {**data, "refresh": "1"})
    response = client.post(PROPOSE, data)

    assert list(page.context["edit"].form.fields["event"].queryset) == [public]
    assert "Unannounced summit" not in page.content.decode()
    assert "Secret signing hour" not in page.content.decode()
    assert list(refreshed.context["edit"].form.fields["meetings"].queryset) == []
    errors = response.context["edit"].form.errors
    assert errors["event"] == ["Choose an event from the list."]
    assert errors["ceremony_session"] == ["Choose a ceremony session of the chosen event."]
    assert not Mou.objects.exists()
    meeting.refresh_from_db()
    assert linked_mou_id(meeting) is None


def test_organisers_admin_may_choose_their_draft_event_but_not_its_meetings(client, roles):
    draft = EventFactory(status="draft", title="Unannounced summit")
    draft.organisers.add(roles.institution_a)
    meeting_between(draft, roles.institution_a, roles.institution_b, status="published")
    client.force_login(roles["institution_admin"])

    response = client.post(
        PROPOSE, proposal_data(roles, [roles.institution_a, roles.institution_b], event=draft.pk, refresh="1")
    )

    form = response.context["edit"].form
    assert list(form.fields["event"].queryset) == [draft]
    assert list(form.fields["meetings"].queryset) == []


def test_secretariat_lists_and_confirms_a_proposal(client, roles):
    mou = make_proposal(roles, title="Proposed exchange")
    client.force_login(roles["secretariat"])
    assert "Proposed exchange" in client.get(reverse("mous:proposals")).content.decode()
    response = client.post(reverse("mous:proposal_confirm", args=[mou.pk]), {"signed_on": "2026-02-02"})
    assert response.status_code == 302
    mou.refresh_from_db()
    assert mou.status == Mou.Status.SIGNED
    assert mou.signed_on == date(2026, 2, 2)


def test_confirming_needs_a_signing_date(client, roles):
    mou = make_proposal(roles)
    client.force_login(roles["secretariat"])
    response = client.post(reverse("mous:proposal_confirm", args=[mou.pk]), {"signed_on": ""}, follow=True)
    assert "Give the signing date to confirm the MoU." in response.content.decode()
    mou.refresh_from_db()
    assert mou.status == Mou.Status.DRAFT


def test_secretariat_rejects_a_proposal(client, roles):
    mou = make_proposal(roles, title="Unwanted")
    client.force_login(roles["secretariat"])
    response = client.post(reverse("mous:proposal_reject", args=[mou.pk]), follow=True)
    assert "was rejected and deleted" in response.content.decode()
    assert not Mou.objects.exists()


@pytest.mark.parametrize("role", ["institution_admin", "other_admin", "participant"])
def test_only_the_secretariat_reviews_proposals(client, roles, role):
    mou = make_proposal(roles)
    client.force_login(roles[role])
    assert client.get(reverse("mous:proposals")).status_code == 404
    assert client.post(reverse("mous:proposal_confirm", args=[mou.pk]), {"signed_on": "2026-02-02"}).status_code == 404
    assert client.post(reverse("mous:proposal_reject", args=[mou.pk])).status_code == 404
    mou.refresh_from_db()
    assert mou.status == Mou.Status.DRAFT


def test_signed_mous_cannot_be_rejected_as_proposals(client, roles):
    mou = MouFactory(proposed_by=roles.institution_a)
    client.force_login(roles["secretariat"])
    assert client.post(reverse("mous:proposal_reject", args=[mou.pk])).status_code == 404
    assert Mou.objects.filter(pk=mou.pk).exists()


# --- Prompt from "MoU signed" answers -------------------------------------------------------


def test_meetings_reported_signed_are_listed_and_prefill_the_form(client, roles):
    event = EventFactory()
    reported = meeting_between(event, roles.institution_a, roles.institution_b, outcome="mou_signed")
    meeting_between(event, roles.institution_a, roles.institution_b, outcome="in_discussion")
    logged = meeting_between(event, roles.institution_a, roles.institution_b, outcome="mou_signed", mou=MouFactory())
    client.force_login(roles["secretariat"])
    body = client.get(reverse("mous:to_log")).content.decode()
    assert f"?meeting={reported.pk}" in body
    assert f"?meeting={logged.pk}" not in body
    assert body.count("Log this MoU") == 1

    form = client.get(NEW, {"meeting": reported.pk}).context["edit"]
    assert {row.initial["institution"] for row in form.parties.forms} == {
        roles.institution_a.pk,
        roles.institution_b.pk,
    }
    assert form.form.initial["event"] == event
    assert form.form.initial["meetings"] == [reported.pk]
    assert reported in form.form.fields["meetings"].queryset


def test_to_log_is_for_the_secretariat_only(client, roles):
    client.force_login(roles["institution_admin"])
    assert client.get(reverse("mous:to_log")).status_code == 404


def test_dashboard_links_the_mous_to_log_with_the_count(client, roles):
    event = EventFactory()
    meeting_between(event, roles.institution_a, roles.institution_b, outcome="mou_signed")
    client.force_login(roles["secretariat"])
    body = client.get(reverse("dashboard")).content.decode()
    assert "1 MoU reported signed to log" in body
    assert reverse("mous:to_log") in body


def test_the_dashboards_count_of_mous_to_log_follows_each_change(client, roles):
    """Kept between views (core.pagecache.kept), never stale: a new report or a logged MoU shows at once."""
    event = EventFactory()
    first = meeting_between(event, roles.institution_a, roles.institution_b, outcome="mou_signed")
    client.force_login(roles["secretariat"])
    assert "1 MoU reported signed to log" in client.get(reverse("dashboard")).content.decode()

    second = meeting_between(event, roles.institution_a, roles.institution_b, outcome="in_discussion")
    assert "1 MoU reported signed to log" in client.get(reverse("dashboard")).content.decode()
    second.outcome = "mou_signed"
    second.save(update_fields=["outcome"])
    assert "2 MoUs reported signed to log" in client.get(reverse("dashboard")).content.decode()

    MouMeeting.objects.create(mou=MouFactory(), meeting=first)
    assert "1 MoU reported signed to log" in client.get(reverse("dashboard")).content.decode()


def test_mou_page_shows_edit_to_secretariat_only(client, roles):
    mou = MouFactory(is_public=True)
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    MouPartyFactory(mou=mou, institution=roles.institution_b)
    edit_url = reverse("mous:edit", args=[mou.pk])
    client.force_login(roles["secretariat"])
    assert edit_url in client.get(mou.get_absolute_url()).content.decode()
    client.force_login(roles["institution_admin"])
    assert edit_url not in client.get(mou.get_absolute_url()).content.decode()


# --- The ceremony session follows the chosen event ---------------------------------------------


def session_choices(form) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in form.fields["ceremony_session"].choices if value]


def test_session_choices_are_those_of_the_chosen_event_only(client, roles):
    event = EventFactory(title="Nanning workshop", start_date=date(2026, 5, 12), time_zone="Asia/Shanghai")
    first = SessionFactory(event=event, title="Opening ceremony")
    later = SessionFactory(
        event=event,
        title="Opening ceremony",
        starts_at=first.starts_at.replace(day=13),
        ends_at=first.ends_at.replace(day=13),
    )
    SessionFactory(title="Opening ceremony")  # another event's
    client.force_login(roles["secretariat"])

    blank = client.get(NEW).context["edit"].form
    refreshed = (
        client.post(NEW, form_data([roles.institution_a, roles.institution_b], event=event.pk, refresh="1"))
        .context["edit"]
        .form
    )

    assert session_choices(blank) == []
    assert session_choices(refreshed) == [
        (str(first.pk), "Opening ceremony · Tue 12 May 2026, 09:00"),
        (str(later.pk), "Opening ceremony · Wed 13 May 2026, 09:00"),
    ]


def test_sessions_alike_in_title_time_and_room_still_get_different_labels(client, roles):
    event = EventFactory()
    twins = [SessionFactory(event=event, title="Signing", room="Hall A") for _n in range(2)]
    mou = MouFactory(event=event, ceremony_session=twins[0])
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    MouPartyFactory(mou=mou, institution=roles.institution_b)
    client.force_login(roles["secretariat"])

    form = client.get(reverse("mous:edit", args=[mou.pk])).context["edit"].form

    labels = [label for _value, label in session_choices(form)]
    assert len(labels) == 2
    assert len(set(labels)) == 2
    assert all(label.startswith("Signing · ") and "Hall A" in label for label in labels)


def test_session_of_another_event_is_refused_with_the_events_sessions_offered(client, roles):
    event = EventFactory()
    own = SessionFactory(event=event)
    foreign = SessionFactory()
    client.force_login(roles["secretariat"])

    response = client.post(
        NEW, form_data([roles.institution_a, roles.institution_b], event=event.pk, ceremony_session=foreign.pk)
    )

    form = response.context["edit"].form
    assert form.errors["ceremony_session"] == ["Choose a ceremony session of the chosen event."]
    assert [value for value, _label in session_choices(form)] == [str(own.pk)]
    assert not Mou.objects.exists()


def test_changing_the_event_refreshes_the_session_field_with_htmx(client, roles):
    event = EventFactory()
    session = SessionFactory(event=event, title="MoU signing")
    client.force_login(roles["secretariat"])

    page = client.get(NEW).content.decode()
    response = client.post(
        NEW,
        form_data([roles.institution_a, roles.institution_b], event=event.pk, refresh="1"),
        headers={"HX-Request": "true"},
    )

    assert 'hx-trigger="change from:#id_event"' in page
    assert 'id="mou-event-fields"' in page
    html = response.content.decode()
    assert f'<option value="{session.pk}">MoU signing · ' in html
    assert not Mou.objects.exists()


# --- Validity from the signing date ------------------------------------------------------------


def test_duration_counts_from_the_signing_date_when_valid_from_is_empty(client, roles):
    client.force_login(roles["secretariat"])

    response = client.post(
        NEW, form_data([roles.institution_a, roles.institution_b], signed_on="2026-03-01", duration_months="12")
    )

    assert response.status_code == 302
    mou = Mou.objects.get()
    assert (mou.valid_from, mou.valid_until) == (date(2026, 3, 1), date(2027, 2, 28))


def test_duration_without_any_start_date_is_refused(client, roles):
    client.force_login(roles["secretariat"])

    response = client.post(
        NEW, form_data([roles.institution_a, roles.institution_b], status="draft", signed_on="", duration_months="12")
    )

    assert response.context["edit"].form.errors["valid_from"] == [
        "A duration needs the date the MoU is valid from, or its signing date."
    ]
    assert not Mou.objects.exists()


def test_demo_events_offer_their_own_sessions_each_labelled_once(client, demo):
    from events.models import Event
    from portal.models import User

    client.force_login(give_second_factor(User.objects.get(email="secretariat@example.org")))
    page = client.get(NEW).context["edit"].form

    events = Event.objects.filter(pk__in=[str(pk) for pk, _title in page.fields["event"].choices if pk])
    assert sum(event.sessions.count() for event in events) > 20

    for event in events:
        form = client.post(NEW, {"event": event.pk, "refresh": "1", "parties-TOTAL_FORMS": "0"}).context["edit"].form
        choices = session_choices(form)
        assert sorted(int(pk) for pk, _label in choices) == sorted(event.sessions.values_list("pk", flat=True))
        assert len({label for _pk, label in choices}) == len(choices)
