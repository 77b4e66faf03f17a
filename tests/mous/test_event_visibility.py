"""A public MoU linked to a draft event names that event only to those who may open it."""

import csv
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from events.models import Event
from institutions.models import Membership
from mous.models import Mou
from mous.services import refresh_party_countries
from tests.factories import EventFactory, InstitutionFactory, MembershipFactory, MouFactory, MouPartyFactory

pytestmark = pytest.mark.django_db

DRAFT_TITLE = "Secret Summit Of Ministers"
PUBLIC_TITLE = "Open Skills Fair"

DENIED = ["anonymous", "participant", "other_admin", "no_institution"]
ALLOWED = ["secretariat", "organiser_admin"]


@pytest.fixture
def setup(roles):
    """A public signed MoU of institutions A and B at a draft event organised by a third institution,
    and one at a published event."""
    organiser = InstitutionFactory(name="Organiser College")
    organiser_admin = MembershipFactory(institution=organiser, role=Membership.Role.ADMIN).user
    draft_event = EventFactory(title=DRAFT_TITLE, status=Event.Status.DRAFT)
    draft_event.organisers.add(organiser)
    public_event = EventFactory(title=PUBLIC_TITLE)
    mous = {}
    for name, event in (("draft", draft_event), ("public", public_event)):
        mou = MouFactory(title=f"Agreement at the {name} event", is_public=True, event=event)
        MouPartyFactory(mou=mou, institution=roles.institution_a, position=0)
        MouPartyFactory(mou=mou, institution=roles.institution_b, position=1)
        refresh_party_countries(mou=mou)
        mous[name] = mou
    people = dict(roles.people, organiser_admin=organiser_admin)
    return {"people": people, "mou": mous["draft"], "public_mou": mous["public"], "event": draft_event}


def _login(client, setup, role: str) -> None:
    user = setup["people"][role]
    if user.is_authenticated:
        client.force_login(user)


def _pages(client, mou: Mou) -> dict[str, str]:
    """The text of every page and file that shows MoUs with their event."""
    registry = reverse("mous:registry")
    csv_response = client.get(reverse("mous:registry_export_csv"))
    xlsx = load_workbook(io.BytesIO(client.get(reverse("mous:registry_export_xlsx")).content)).active
    pdf = PdfReader(io.BytesIO(client.get(reverse("mous:summary_pdf", args=[mou.pk])).content))
    return {
        "registry": client.get(registry).content.decode(),
        "partial": client.get(registry, headers={"HX-Request": "true"}).content.decode(),
        "csv": repr(list(csv.reader(io.StringIO(b"".join(csv_response.streaming_content).decode("utf-8-sig"))))),
        "xlsx": repr(list(xlsx.iter_rows(values_only=True))),
        "detail": client.get(mou.get_absolute_url()).content.decode(),
        "pdf": "\n".join(page.extract_text() for page in pdf.pages),
    }


@pytest.mark.parametrize("role", DENIED)
def test_draft_event_title_absent_for_those_who_may_not_open_it(client, setup, role):
    _login(client, setup, role)

    pages = _pages(client, setup["mou"])

    # The MoU itself is listed everywhere (public); its draft event is named nowhere.
    assert {name: setup["mou"].title in text for name, text in pages.items()} == dict.fromkeys(pages, True)
    assert {name: DRAFT_TITLE in text for name, text in pages.items()} == dict.fromkeys(pages, False)
    assert setup["event"].get_absolute_url() not in pages["detail"]


@pytest.mark.parametrize("role", DENIED + ALLOWED)
def test_published_event_title_shown_to_everyone(client, setup, role):
    _login(client, setup, role)

    pages = _pages(client, setup["public_mou"])

    assert {name: PUBLIC_TITLE in text for name, text in pages.items()} == dict.fromkeys(pages, True)


@pytest.mark.parametrize("role", ALLOWED)
def test_draft_event_title_shown_to_those_who_may_open_it(client, setup, role):
    _login(client, setup, role)

    pages = _pages(client, setup["mou"])

    assert {name: DRAFT_TITLE in text for name, text in pages.items()} == dict.fromkeys(pages, True)
    assert setup["event"].get_absolute_url() in pages["detail"]


@pytest.mark.parametrize("role", ["participant", "other_admin"])
def test_network_page_does_not_name_the_draft_event(client, setup, role):
    _login(client, setup, role)

    response = client.get(reverse("mous:network"))

    assert response.status_code == 200
    assert setup["mou"].title in response.content.decode()
    assert DRAFT_TITLE not in response.content.decode()


def _moved_to_the_draft_event(setup) -> Mou:
    mou = setup["mou"]
    mou.event = setup["public_mou"].event
    mou.save()
    mou.event = setup["event"]
    mou.save()
    return mou


def test_history_does_not_name_the_draft_event_to_a_party_admin(client, setup):
    mou = _moved_to_the_draft_event(setup)
    _login(client, setup, "institution_admin")

    detail = client.get(mou.get_absolute_url()).content.decode()
    history = client.get(reverse("mous:history", args=[mou.pk])).content.decode()

    assert f"Event: {PUBLIC_TITLE} → (not shown)" in detail
    assert f"Event: {PUBLIC_TITLE} → (not shown)" in history
    assert DRAFT_TITLE not in detail + history


def test_history_names_the_draft_event_to_the_secretariat(client, setup):
    mou = _moved_to_the_draft_event(setup)
    _login(client, setup, "secretariat")

    history = client.get(reverse("mous:history", args=[mou.pk])).content.decode()

    assert f"Event: {PUBLIC_TITLE} → {DRAFT_TITLE}" in history
