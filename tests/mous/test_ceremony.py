"""Ceremony mode: many MoUs recorded at once, all or nothing, by the secretariat only."""

import datetime

import pytest
from django.urls import reverse

from events.models import Session
from mous.models import Mou, MouParty
from tests.factories import (
    CooperationTypeFactory,
    EventFactory,
    InstitutionFactory,
    MouFactory,
    SectorFactory,
    SessionFactory,
)

pytestmark = pytest.mark.django_db

URL = "/mous/ceremony/"
SIGNED_ON = datetime.date(2024, 7, 18)


def workshop():
    """The 2nd China-SEA Partnership Workshop with its MoU signing ceremony."""
    event = EventFactory(title="2nd China-SEA Partnership Workshop", city="Nanning", country="CN")
    plenary = SessionFactory(event=event, kind=Session.Kind.PLENARY, title="Opening plenary")
    ceremony = SessionFactory(event=event, kind=Session.Kind.MOU_CEREMONY, title="MoU signing ceremony")
    return event, plenary, ceremony


def shared_data(*, event=None, session=None, is_public=True) -> dict:
    data = {"signed_on": SIGNED_ON.isoformat(), "signed_place": "Nanning"}
    if event is not None:
        data["event"] = str(event.pk)
    if session is not None:
        data["ceremony_session"] = str(session.pk)
    if is_public:
        data["is_public"] = "on"
    return data


def post_data(shared: dict, rows: list[dict]) -> dict:
    data = dict(shared)
    data.update(
        {
            "rows-TOTAL_FORMS": str(len(rows)),
            "rows-INITIAL_FORMS": "0",
            "rows-MIN_NUM_FORMS": "1",
            "rows-MAX_NUM_FORMS": "60",
        }
    )
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"rows-{index}-{key}"] = value
    return data


def row(title: str, *institutions, reference: str = "") -> dict:
    return {"title": title, "parties": [str(i.pk) for i in institutions], "reference": reference}


def test_ceremony_saves_13_mous_among_14_institutions_with_shared_fields(client, roles):
    event, _plenary, ceremony = workshop()
    chinese = [InstitutionFactory(name=f"Guangxi College {n}", country="CN") for n in range(7)]
    southeast = [
        InstitutionFactory(name=f"ASEAN Polytechnic {n}", country=c)
        for n, c in enumerate(["KH", "LA", "VN", "TH", "MY", "ID", "MM"])
    ]
    pairs = [(chinese[n % 7], southeast[n % 7 if n < 7 else (n + 1) % 7]) for n in range(13)]
    sector = SectorFactory()
    rows = [row(f"MoU {n + 1}", a, b, reference=f"CSEA-2024-{n + 1:02d}") for n, (a, b) in enumerate(pairs)]
    rows[0]["sectors"] = [str(sector.pk)]
    client.force_login(roles["secretariat"])

    response = client.post(URL, post_data(shared_data(event=event, session=ceremony), rows))

    mous = list(Mou.objects.order_by("pk"))
    assert len(mous) == 13
    assert {(m.status, m.signed_on, m.signed_place, m.event, m.ceremony_session, m.is_public) for m in mous} == {
        (Mou.Status.SIGNED, SIGNED_ON, "Nanning", event, ceremony, True)
    }
    assert {m.created_by for m in mous} == {roles["secretariat"]}
    assert [m.reference for m in mous] == [f"CSEA-2024-{n:02d}" for n in range(1, 14)]
    assert len({p.institution_id for p in MouParty.objects.all()}) == 14
    assert [p.institution for p in mous[0].parties.all()] == list(pairs[0])
    assert mous[0].party_countries == sorted([str(pairs[0][0].country), str(pairs[0][1].country)])
    assert list(mous[0].sectors.all()) == [sector]
    assert response.status_code == 302
    done = client.get(response.url)
    assert [m.pk for m in done.context["mous"]] == [m.pk for m in mous]
    assert mous[0].get_absolute_url() in done.content.decode()


def test_ceremony_one_bad_row_saves_nothing_and_keeps_good_rows(client, roles):
    a, b, c = InstitutionFactory(), InstitutionFactory(), InstitutionFactory()
    client.force_login(roles["secretariat"])

    response = client.post(
        URL,
        post_data(shared_data(), [row("Good MoU", a, b, reference="REF-1"), row("", a, c), row("Lonely MoU", a)]),
    )

    assert Mou.objects.count() == 0
    assert MouParty.objects.count() == 0
    assert response.status_code == 200
    rows = response.context["entry"].rows.forms
    assert rows[0].errors == {}
    assert rows[1].errors == {"title": ["This field is required."]}
    assert rows[2].errors == {"parties": ["An MoU needs at least two different institutions."]}
    html = response.content.decode()
    assert 'value="Good MoU"' in html
    assert 'value="REF-1"' in html
    assert f'name="rows-0-parties" value="{a.pk}" checked' in html
    assert "Nothing was saved: 2 parts of the form need correcting." in html
    # The summary takes the focus on arrival; the next Tab reaches its links.
    assert '<div class="card ceremony-summary" role="alert" tabindex="-1" autofocus>' in html


def test_ceremony_duplicate_reference_across_rows_and_in_database(client, roles):
    a, b, c = InstitutionFactory(), InstitutionFactory(), InstitutionFactory()
    MouFactory(reference="OLD-1")
    client.force_login(roles["secretariat"])

    response = client.post(
        URL,
        post_data(
            shared_data(),
            [
                row("First", a, b, reference="CSEA-1"),
                row("Second", b, c, reference="CSEA-1"),
                row("Third", a, c, reference="OLD-1"),
            ],
        ),
    )

    assert Mou.objects.count() == 1
    rows = response.context["entry"].rows.forms
    assert rows[0].errors == {}
    assert rows[1].errors == {"reference": ["Row 1 has the same reference number."]}
    assert rows[2].errors == {"reference": ["An MoU with this reference number already exists."]}


def test_ceremony_duplicate_reference_across_rows_only(client, roles):
    a, b, c = InstitutionFactory(), InstitutionFactory(), InstitutionFactory()
    client.force_login(roles["secretariat"])

    response = client.post(
        URL, post_data(shared_data(), [row("First", a, b, reference="CSEA-1"), row("Second", b, c, reference="CSEA-1")])
    )

    assert Mou.objects.count() == 0
    rows = response.context["entry"].rows.forms
    assert rows[0].errors == {}
    assert rows[1].errors == {"reference": ["Row 1 has the same reference number."]}


def test_ceremony_session_must_belong_to_the_event(client, roles):
    event, _plenary, _ceremony = workshop()
    other_session = SessionFactory(kind=Session.Kind.MOU_CEREMONY)
    a, b = InstitutionFactory(), InstitutionFactory()
    client.force_login(roles["secretariat"])

    response = client.post(URL, post_data(shared_data(event=event, session=other_session), [row("One", a, b)]))

    assert Mou.objects.count() == 0
    assert "ceremony_session" in response.context["entry"].form.errors


def test_ceremony_offers_the_events_mou_ceremonies_first(client, roles):
    event, plenary, ceremony = workshop()
    SessionFactory(kind=Session.Kind.MOU_CEREMONY)
    client.force_login(roles["secretariat"])

    response = client.get(reverse("mous:ceremony_sessions"), {"event": event.pk}, headers={"HX-Request": "true"})

    assert list(response.context["form"].fields["ceremony_session"].queryset) == [ceremony, plenary]


def test_ceremony_removed_row_is_left_out(client, roles):
    a, b = InstitutionFactory(), InstitutionFactory()
    client.force_login(roles["secretariat"])
    data = post_data(shared_data(), [row("Kept", a, b), row("", a)])
    data["rows-1-DELETE"] = "on"

    response = client.post(URL, data)

    assert response.status_code == 302
    assert list(Mou.objects.values_list("title", flat=True)) == ["Kept"]


def test_ceremony_add_row_htmx_returns_one_row_with_the_next_prefix(client, roles):
    client.force_login(roles["secretariat"])

    response = client.get(reverse("mous:ceremony_row"), {"rows-TOTAL_FORMS": "3"}, headers={"HX-Request": "true"})

    html = response.content.decode()
    assert html.count('class="formset-row ceremony-row"') == 1
    assert 'id="rows-3-row"' in html
    assert 'name="rows-3-title"' in html
    assert "rows-2-" not in html
    assert 'name="rows-TOTAL_FORMS" value="4"' in html


def test_ceremony_add_row_without_js_adds_an_empty_row_and_saves_nothing(client, roles):
    a, b = InstitutionFactory(), InstitutionFactory()
    client.force_login(roles["secretariat"])
    data = post_data(shared_data(), [row("Kept", a, b)])
    data["add"] = "1"

    response = client.post(URL, data)

    assert Mou.objects.count() == 0
    assert len(response.context["entry"].rows.forms) == 2
    html = response.content.decode()
    assert 'value="Kept"' in html
    assert f'name="rows-0-parties" value="{a.pk}" checked' in html
    assert 'name="rows-1-title"' in html
    assert "errorlist" not in html


def test_ceremony_institution_search_matches_name_local_name_and_acronym(client, roles):
    college = InstitutionFactory(name="Liuzhou Polytechnic", name_local="广西职业技术学院", acronym="GXP")
    InstitutionFactory(name="Other Institute")
    client.force_login(roles["secretariat"])
    url = reverse("mous:ceremony_institutions")

    found = [
        [i for i, _label in client.get(url, {"q": q, "prefix": "rows-0"}).context["suggestions"]]
        for q in ("liuzhou", "职业技术", "gxp")
    ]
    chip = client.get(reverse("mous:ceremony_party"), {"prefix": "rows-2", "institution": college.pk})

    assert found == [[college], [college], [college]]
    assert f'name="rows-2-parties" value="{college.pk}" checked' in chip.content.decode()
    assert 'id="rows-2-suggestions" aria-live="polite" hx-swap-oob="true"' in chip.content.decode()


def test_ceremony_institution_search_rejects_a_bad_prefix(client, roles):
    client.force_login(roles["secretariat"])

    response = client.get(reverse("mous:ceremony_institutions"), {"q": "x", "prefix": "evil"})

    assert response.status_code == 400


@pytest.mark.parametrize("role", ["anonymous", "participant", "institution_admin", "no_institution"])
def test_ceremony_is_404_for_everyone_but_the_secretariat(client, roles, role):
    a, b = InstitutionFactory(), InstitutionFactory()
    if role != "anonymous":
        client.force_login(roles[role])

    answers = [
        client.get(URL).status_code,
        client.post(URL, post_data(shared_data(), [row("Sneaky", a, b)])).status_code,
        client.get(reverse("mous:ceremony_row"), {"rows-TOTAL_FORMS": "1"}).status_code,
        client.get(reverse("mous:ceremony_institutions"), {"q": "a", "prefix": "rows-0"}).status_code,
        client.get(reverse("mous:ceremony_done")).status_code,
    ]

    assert answers == [404] * 5
    assert Mou.objects.count() == 0


def test_ceremony_page_renders_for_the_secretariat(client, roles):
    workshop()
    client.force_login(roles["secretariat"])

    response = client.get(URL)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="rows-0-title"' in html
    assert "mous-ceremony.css" in html


def test_ceremony_keeps_cooperation_types(client, roles):
    a, b = InstitutionFactory(), InstitutionFactory()
    kind = CooperationTypeFactory()
    client.force_login(roles["secretariat"])
    data = post_data(shared_data(is_public=False), [row("Exchange", a, b)])
    data["rows-0-cooperation_types"] = [str(kind.pk)]

    client.post(URL, data)

    mou = Mou.objects.get()
    assert list(mou.cooperation_types.all()) == [kind]
    assert mou.is_public is False


def test_ceremony_removed_bad_row_is_not_counted_in_the_summary(client, roles):
    a, b = InstitutionFactory(), InstitutionFactory()
    client.force_login(roles["secretariat"])
    data = post_data(shared_data(), [row("", a, b), row("", a)])
    data["rows-1-DELETE"] = "on"

    response = client.post(URL, data)

    assert Mou.objects.count() == 0
    assert [number for number, _row in response.context["entry"].rows_with_errors()] == [1]
    assert "Nothing was saved: 1 part of the form needs correcting." in response.content.decode()


@pytest.mark.parametrize("item_count", [1, 3])
def test_ceremony_done_page_queries_do_not_grow_with_mous(client, roles, django_assert_num_queries, item_count):
    mous = [MouFactory() for _ in range(item_count)]
    for mou in mous:
        MouParty.objects.create(mou=mou, institution=InstitutionFactory(), position=0)
        MouParty.objects.create(mou=mou, institution=InstitutionFactory(), position=1)
    client.force_login(roles["secretariat"])
    url = reverse("mous:ceremony_done") + "?" + "&".join(f"mou={m.pk}" for m in mous)

    with django_assert_num_queries(4):
        response = client.get(url)

    assert [m.pk for m in response.context["mous"]] == [m.pk for m in mous]


def test_ceremony_removed_row_htmx_returns_the_removed_state_only(client, roles):
    client.force_login(roles["secretariat"])

    response = client.get(reverse("mous:ceremony_row_removed"), {"prefix": "rows-2"}, headers={"HX-Request": "true"})

    content = response.content.decode()
    assert response.status_code == 200
    assert '<input type="hidden" name="rows-2-DELETE" value="on">' in content
    assert "Removed: this MoU will not be recorded." in content
    # It keeps the row's id (the error summary links to it) and its note can take the focus.
    assert '<div class="formset-row formset-row-removed" id="rows-2-row">' in content
    assert '<p class="muted small" tabindex="-1">' in content
    assert "<html" not in content
    assert 'id="ceremony-rows"' not in content


# --- The same institution twice in a row --------------------------------------------------------


def test_ceremony_picking_a_rows_party_again_is_refused_at_once(client, roles):
    college = InstitutionFactory(name="Liuzhou Polytechnic")
    client.force_login(roles["secretariat"])

    response = client.get(
        reverse("mous:ceremony_party"), {"prefix": "rows-1", "institution": college.pk, "rows-1-parties": [college.pk]}
    )

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="rows-1-parties"' not in html
    assert 'id="rows-1-suggestions" aria-live="polite" hx-swap-oob="true"' in html
    assert "Liuzhou Polytechnic is already a party to this MoU." in html


def test_ceremony_suggestions_leave_out_the_rows_parties(client, roles):
    chosen = InstitutionFactory(name="Mekong Delta College 1")
    other = InstitutionFactory(name="Mekong Delta College 2")
    client.force_login(roles["secretariat"])

    response = client.get(
        reverse("mous:ceremony_institutions"), {"prefix": "rows-0", "q": "mekong delta", "rows-0-parties": [chosen.pk]}
    )

    assert [institution for institution, _label in response.context["suggestions"]] == [other]


def test_ceremony_row_search_and_suggestions_send_the_rows_parties(client, roles):
    InstitutionFactory(name="Guangxi College")
    client.force_login(roles["secretariat"])

    page = client.get(URL).content.decode()
    suggestions = client.get(reverse("mous:ceremony_institutions"), {"prefix": "rows-0", "q": "guangxi"})

    assert 'hx-include="#rows-0-chips"' in page
    assert 'hx-include="#rows-0-chips"' in suggestions.content.decode()


def test_ceremony_without_js_offers_what_a_rows_search_found_but_its_parties(client, roles):
    a = InstitutionFactory(name="Chosen College")
    b = InstitutionFactory(name="Other College")
    InstitutionFactory(name="Yunnan Vocational Institute")
    client.force_login(roles["secretariat"])
    data = post_data(shared_data(), [row("Kept", a)])

    def select_of(html: str) -> str:
        start = html.index('id="rows-0-parties-select"')
        return html[start : html.index("</select>", start)]

    # Adding a row offers nothing to pick until something is searched for: never the directory.
    data["add"] = "1"
    html = client.post(URL, data).content.decode()
    assert "College" not in select_of(html)
    assert "Find the institution first" in select_of(html)

    del data["add"]
    data["find_parties"] = "1"
    data["rows-0-find"] = "college"
    response = client.post(URL, data)
    html = response.content.decode()

    assert response.status_code == 200
    assert f'<option value="{b.pk}">' in select_of(html)
    assert f'<option value="{a.pk}">' not in select_of(html)
    assert "Yunnan" not in select_of(html)
    assert f'name="rows-0-parties" value="{a.pk}" checked' in html
    assert 'value="college"' in html
    assert Mou.objects.count() == 0


def test_ceremony_duplicate_party_error_names_the_institution(client, roles):
    a, b = InstitutionFactory(name="Twice College"), InstitutionFactory()
    client.force_login(roles["secretariat"])

    response = client.post(URL, post_data(shared_data(), [row("Twice", a, b, a)]))

    assert Mou.objects.count() == 0
    assert response.context["entry"].rows.forms[0].errors == {
        "parties": ["Twice College is picked twice: an institution is one party to an MoU."]
    }
