"""Every choice a form offers, and every id a view accepts, stays within what the person may see.

The test finds by itself every form field whose choices come from the database, in every
``forms*.py``, ``filters.py`` and ``views*.py`` module of the portal's apps, and every id a
view reads straight from ``request.POST`` or ``request.GET``. Each needs an entry in ``FORM_FIELDS`` or ``RAW_IDS``:

- a scenario: a function that, as a role allowed to post the form, posts an id outside that
  role's scope (another institution's object, a draft event's, another event's) to the real
  view, asserts the refusal (a form error or 404) and that the database did not change, and
  asserts the out-of-scope object is not among the choices the page shows;
- ``Catalogue``: the choices are a reference list every visitor sees (sectors, cooperation
  types), so nothing is out of scope; the test checks the field's queryset is that list;
- ``NotAnId``: the value is not an object's id (a status, a role, a country code, a page
  number), with the reason.

A new form with model choices, or a view reading a new id, fails ``test_every_*_has_an_entry``
until its entry says which of these it is.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django import forms
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.forms.formsets import BaseFormSet
from django.forms.models import BaseModelFormSet
from django.urls import reverse
from django.utils import timezone

from events.models import Registration, Session
from institutions.filters import DirectoryForm, Taxonomies
from institutions.forms_courses import CourseCatalogueForm
from institutions.models import CooperationType, Institution, Offer, Sector
from matchmaking.models import Meeting, MeetingRequest
from mous.filters import RegistryForm
from mous.forms_cooperation import ExchangeForm
from mous.forms_reporting import ReportForm
from mous.models import Exchange, Mou
from tests.factories import (
    CooperationTypeFactory,
    DelegationFactory,
    EventFactory,
    InstitutionFactory,
    MatchmakingSessionFactory,
    MeetingFactory,
    MeetingRequestFactory,
    MeetingSlotFactory,
    MembershipFactory,
    MouFactory,
    MouPartyFactory,
    OfferFactory,
    RegistrationFactory,
    SectorFactory,
    SessionFactory,
    UserFactory,
    linked_mou_id,
)

pytestmark = pytest.mark.django_db

APPS = ("institutions", "events", "matchmaking", "mous", "api", "portal")
ROOT = Path(settings.BASE_DIR)


# --- Entries --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Catalogue:
    """Choices from a public reference list (every visitor sees it in the directory's filters).

    ``make`` builds the form when it needs arguments; ``field`` names what the choices' values
    are (a primary key unless the form picks by slug).
    """

    model: type
    make: Callable | None = None
    field: str = "pk"


@dataclass(frozen=True)
class NotAnId:
    """The value picks no object: a status, role, country code, page number... ``reason`` says which."""

    reason: str


# --- Discovery ------------------------------------------------------------------------------


def _modules(pattern: str):
    for app in APPS:
        for path in sorted((ROOT / app).glob(pattern)):
            yield importlib.import_module(f"{app}.{path.stem}"), path


def _model_fields(form_class) -> list[str]:
    return [name for name, field in form_class.base_fields.items() if isinstance(field, forms.ModelChoiceField)]


def _field_key(node: ast.expr, aliases: dict[str, str]) -> str | None:
    """The field name of ``….fields["x"]``, or of a local name bound to it; None otherwise."""
    if isinstance(node, ast.Name):
        return aliases.get(node.id)
    if isinstance(node, ast.Subscript) and getattr(node.value, "attr", None) == "fields":
        return _name(node.slice)
    return None


def _fields_set_at_runtime(tree: ast.Module) -> set[tuple[str, str]]:
    """(class, field) for ``….fields["x"] = …ChoiceField(…)`` and ``….fields["x"].choices/queryset = …``.

    Finds fields that are not ``ModelChoiceField`` in the class body but are filled from a query
    at run time (also through a local name, ``owner = self.fields["x"]``), and choice fields
    added to a form at run time, from inside it or from outside.
    """
    found = set()
    for cls in (node for node in ast.walk(tree) if isinstance(node, ast.ClassDef)):
        assignments = [node for node in ast.walk(cls) if isinstance(node, ast.Assign)]
        aliases = {
            target.id: key
            for node in assignments
            if (key := _field_key(node.value, {})) is not None
            for target in node.targets
            if isinstance(target, ast.Name)
        }
        for node in assignments:
            for target in node.targets:
                if isinstance(target, ast.Attribute) and target.attr in ("choices", "queryset"):
                    key = _field_key(target.value, aliases)
                elif isinstance(node.value, ast.Call) and "ChoiceField" in ast.unparse(node.value.func):
                    key = _field_key(target, {})
                else:
                    key = None
                if key is not None:
                    found.add((cls.name, key))
    return found


def _reads_the_database(field: forms.Field) -> bool:
    """A field class of the portal's own that looks objects up itself (not a ChoiceField)."""
    source = inspect.getsource(type(field))
    return any(word in source for word in ("objects", "queryset", "in_bulk"))


def discovered_form_fields() -> set[str]:
    """``module.Class.field`` of every field whose choices or accepted ids come from the database."""
    keys = set()
    for module, path in [*_modules("forms*.py"), *_modules("filters.py"), *_modules("views*.py")]:
        for name, obj in vars(module).items():
            if not isinstance(obj, type):
                continue
            if issubclass(obj, forms.BaseForm) and obj.__module__ == module.__name__:
                keys.update(f"{module.__name__}.{name}.{field}" for field in _model_fields(obj))
                for field_name, field in obj.base_fields.items():
                    if (
                        type(field).__module__ == module.__name__
                        and not isinstance(field, forms.ModelChoiceField)
                        and _reads_the_database(field)
                    ):
                        keys.add(f"{module.__name__}.{name}.{field_name}")
            elif issubclass(obj, BaseModelFormSet) and hasattr(obj, "form") and obj.__module__.startswith("django"):
                # A model formset built here: its rows' ids and choice fields.
                keys.add(f"{module.__name__}.{name}.id")
                keys.update(f"{module.__name__}.{name}.{field}" for field in _model_fields(obj.form))
        for cls, field in _fields_set_at_runtime(ast.parse(path.read_text())):
            keys.add(f"{module.__name__}.{cls}.{field}")
    return keys


def _name(node: ast.expr) -> str:
    return node.value if isinstance(node, ast.Constant) else ast.unparse(node)


def _request_params(function: ast.FunctionDef) -> set[str]:
    """Names a view reads from request.POST / request.GET (also through a local alias of either)."""
    aliases = {"request.POST", "request.GET"}
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(a in ast.unparse(node.value) for a in ("request.POST", "request.GET")):
            aliases.update(ast.unparse(target) for target in node.targets if isinstance(target, ast.Name))
    names = set()
    for node in ast.walk(function):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in ("get", "getlist")
            and ast.unparse(node.func.value) in aliases
            and node.args
        ):
            names.add(_name(node.args[0]))
        elif isinstance(node, ast.Subscript) and ast.unparse(node.value) in aliases:
            names.add(_name(node.slice))
    return names


def discovered_raw_ids() -> set[str]:
    """``module.function:parameter`` of every value a view reads from the query string or the POST body."""
    keys = set()
    for pattern in ("views*.py", "forms*.py", "filters.py"):
        for module, path in _modules(pattern):
            for node in ast.walk(ast.parse(path.read_text())):
                if isinstance(node, ast.FunctionDef):
                    keys.update(f"{module.__name__}.{node.name}:{name}" for name in _request_params(node))
    return keys


# --- Helpers --------------------------------------------------------------------------------


def values_of(form, **overrides) -> dict:
    """What the browser would post back for ``form`` as rendered, with ``overrides``."""
    data = {}
    for bound in form:
        value = bound.value()
        if value is None or value is False:
            continue
        if value is True:
            data[bound.html_name] = "on"
        elif isinstance(value, list | tuple):
            data[bound.html_name] = [str(item) for item in value]
        else:
            data[bound.html_name] = str(bound.field.prepare_value(value) if hasattr(value, "pk") else value)
    data.update(overrides)
    return data


def choice_values(bound_field) -> set[str]:
    return {str(value) for value, _label in bound_field.field.choices if value != ""}


def organised_event(roles, **kwargs):
    event = EventFactory(**kwargs)
    event.organisers.add(roles.institution_a)
    return event


def rejected_institution(**kwargs) -> Institution:
    return InstitutionFactory(verification_status=Institution.Verification.REJECTED, **kwargs)


# --- Scenarios: MoUs ------------------------------------------------------------------------


def proposal_with_foreign_ids(client, roles):
    """An institution admin proposes a draft with ids of a draft event, its session, other
    institutions' meeting, another institution as proposer and a rejected party."""
    draft = EventFactory(status="draft")
    draft_session = SessionFactory(event=draft)
    public = EventFactory()
    third, fourth = InstitutionFactory(), InstitutionFactory()
    request = MeetingRequestFactory(
        session__event=public,
        requester__event=public,
        requester__institution=third,
        recipient__event=public,
        recipient__institution=fourth,
        status="accepted",
    )
    theirs = MeetingFactory(request=request, status=Meeting.Status.PUBLISHED)
    rejected = rejected_institution()
    client.force_login(roles["institution_admin"])
    url = reverse("mous:propose")

    page = client.get(url).context["edit"]
    refreshed = client.post(
        url,
        {
            **values_of(page.form, event=public.pk),
            **values_of(page.parties.management_form),
            "proposed_by": roles.institution_a.pk,
            "refresh": "1",
        },
    ).context["edit"]
    data = {
        **values_of(page.form, event=draft.pk, ceremony_session=draft_session.pk, meetings=[theirs.pk]),
        **values_of(page.parties.management_form, TOTAL_FORMS="3"),
        "title": "Takeover",
        "proposed_by": roles.institution_b.pk,
        "parties-0-institution": roles.institution_a.pk,
        "parties-1-institution": rejected.pk,
        "parties-2-institution": third.pk,
    }
    response = client.post(url, data)

    assert str(draft.pk) not in choice_values(page.form["event"])
    assert str(draft_session.pk) not in choice_values(page.form["ceremony_session"])
    assert str(theirs.pk) not in choice_values(refreshed.form["meetings"])
    assert choice_values(page.form["proposed_by"]) == {str(roles.institution_a.pk)}
    assert str(rejected.pk) not in choice_values(page.parties.forms[0]["institution"])
    edit = response.context["edit"]
    assert sorted(edit.form.errors) == ["ceremony_session", "event", "meetings", "proposed_by"]
    assert list(edit.parties.forms[1].errors) == ["institution"]
    assert Mou.objects.count() == 0
    theirs.refresh_from_db()
    assert linked_mou_id(theirs) is None


def ceremony_with_foreign_ids(client, roles):
    """The secretariat (who sees every event) records a ceremony with a session of another event
    and a rejected institution; its htmx helpers offer neither."""
    event, other = EventFactory(), EventFactory()
    session = SessionFactory(event=event, kind=Session.Kind.MOU_CEREMONY)
    elsewhere = SessionFactory(event=other, kind=Session.Kind.MOU_CEREMONY, title="Elsewhere ceremony")
    rejected = rejected_institution(name="Withdrawn Academy")
    client.force_login(roles["secretariat"])
    data = {
        "signed_on": "2026-03-01",
        "event": event.pk,
        "ceremony_session": elsewhere.pk,
        "rows-TOTAL_FORMS": "1",
        "rows-INITIAL_FORMS": "0",
        "rows-MIN_NUM_FORMS": "1",
        "rows-MAX_NUM_FORMS": "60",
        "rows-0-title": "Joint programme",
        "rows-0-parties": [roles.institution_a.pk, rejected.pk],
    }

    response = client.post(reverse("mous:ceremony"), data)
    sessions = client.get(reverse("mous:ceremony_sessions"), {"event": event.pk}).context["form"]
    page = client.get(reverse("mous:ceremony")).content.decode()
    suggestions = client.get(reverse("mous:ceremony_institutions"), {"prefix": "rows-0", "q": "Withdrawn"})
    chip = client.get(reverse("mous:ceremony_party"), {"prefix": "rows-0", "institution": rejected.pk})
    search = client.get(reverse("mous:institution_search"), {"q": "Withdrawn"})

    entry = response.context["entry"]
    assert list(entry.form.errors) == ["ceremony_session"]
    assert list(entry.rows.forms[0].errors) == ["parties"]
    assert Mou.objects.count() == 0
    assert choice_values(sessions["ceremony_session"]) == {str(session.pk)}
    assert "Withdrawn Academy" not in page
    assert list(suggestions.context["suggestions"]) == []
    assert chip.status_code == 400
    assert search.json() == {"results": []}


def registry_filter_by_an_event_not_to_show(client, roles):
    """The public registry's event filter: no draft event, no event whose MoUs are all private."""
    shown = EventFactory(title="Open forum")
    draft = EventFactory(status="draft", title="Unannounced summit")
    private_only = EventFactory(title="Closed-door talks")
    for event, is_public in ((shown, True), (draft, True), (private_only, False)):
        mou = MouFactory(event=event, is_public=is_public)
        MouPartyFactory(mou=mou, institution=roles.institution_a)
        MouPartyFactory(mou=mou, institution=roles.institution_b)

    response = client.get(reverse("mous:registry"), {"event": draft.slug})
    other = client.get(reverse("mous:registry"), {"event": private_only.slug})

    form = response.context["form"]
    assert choice_values(form["event"]) == {shown.slug}
    assert list(form.errors) == ["event"]
    assert list(other.context["form"].errors) == ["event"]
    body = response.content.decode() + other.content.decode()
    assert f'value="{draft.slug}"' not in body
    assert f'value="{private_only.slug}"' not in body
    assert "Closed-door talks" not in body


def milestone_owned_by_an_institution_not_a_party(client, roles):
    """A party's member records a milestone carried out by an institution outside the MoU."""
    mou = MouFactory()
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    MouPartyFactory(mou=mou, institution=roles.institution_b)
    outsider = InstitutionFactory()
    url = reverse("mous:milestone_add", args=[mou.pk])
    client.force_login(roles["participant"])
    form = client.get(url).context["form"]

    response = client.post(
        url, values_of(form, **{"milestone-title": "Exchange", "milestone-owner_institution": outsider.pk})
    )

    assert choice_values(form["owner_institution"]) == {str(roles.institution_a.pk), str(roles.institution_b.pk)}
    assert list(response.context["form"].errors) == ["owner_institution"]
    assert mou.milestones.count() == 0


def exchange_between_institutions_not_parties(client, roles):
    """A party's admin records an exchange from an institution outside the MoU, then to one."""
    mou = MouFactory()
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    MouPartyFactory(mou=mou, institution=roles.institution_b)
    outsider = InstitutionFactory()
    url = reverse("mous:exchange_add", args=[mou.pk])
    client.force_login(roles["institution_admin"])
    form = client.get(url).context["form"]
    values = values_of(form, **{"exchange-category": "students", "exchange-actual": "3"})

    sent = client.post(
        url, {**values, "exchange-from_institution": outsider.pk, "exchange-to_institution": roles.institution_b.pk}
    )
    received = client.post(
        url, {**values, "exchange-from_institution": roles.institution_b.pk, "exchange-to_institution": outsider.pk}
    )

    parties = {str(roles.institution_a.pk), str(roles.institution_b.pk)}
    assert choice_values(form["from_institution"]) == parties
    assert choice_values(form["to_institution"]) == parties
    assert list(sent.context["form"].errors) == ["from_institution"]
    assert list(received.context["form"].errors) == ["to_institution"]
    assert not Exchange.objects.exists()


def _exchange_form() -> ExchangeForm:
    mou = MouFactory()
    MouPartyFactory(mou=mou)
    MouPartyFactory(mou=mou)
    return ExchangeForm(mou=mou)


# --- Scenarios: events ----------------------------------------------------------------------


def event_form_with_foreign_organisers(client, roles):
    """An organiser's admin cannot change the organisers; the secretariat cannot add a rejected one."""
    event = organised_event(roles)
    rejected = rejected_institution()
    url = reverse("events:manage_edit", args=[event.slug])
    client.force_login(roles["institution_admin"])
    form = client.get(url).context["form"]

    client.post(url, values_of(form, organisers=[roles.institution_b.pk]))
    client.force_login(roles["secretariat"])
    secretariat_form = client.get(url).context["form"]
    response = client.post(url, values_of(secretariat_form, organisers=[roles.institution_a.pk, rejected.pk]))

    assert list(event.organisers.all()) == [roles.institution_a]
    assert str(rejected.pk) not in choice_values(secretariat_form["organisers"])
    assert list(response.context["form"].errors) == ["organisers"]


def session_form_with_another_events_speaker(client, roles):
    event = organised_event(roles)
    session = SessionFactory(event=event)
    outsider = RegistrationFactory(event=EventFactory())
    url = reverse("events:manage_session_edit", args=[event.slug, session.pk])
    client.force_login(roles["institution_admin"])
    form = client.get(url).context["form"]

    response = client.post(url, values_of(form, speakers=[outsider.pk]))

    assert str(outsider.pk) not in choice_values(form["speakers"])
    assert list(response.context["form"].errors) == ["speakers"]
    assert list(session.speakers.all()) == []


def delegation_form_with_foreign_ids(client, roles):
    event = organised_event(roles)
    delegation = DelegationFactory(event=event, name="Cambodian delegation")
    outsider = RegistrationFactory(event=EventFactory())
    rejected = rejected_institution()
    url = reverse("events:manage_delegation_edit", args=[event.slug, delegation.pk])
    client.force_login(roles["institution_admin"])
    form = client.get(url).context["form"]

    response = client.post(url, values_of(form, head=outsider.pk, members=[outsider.pk], lead_institution=rejected.pk))

    assert str(outsider.pk) not in choice_values(form["head"]) | choice_values(form["members"])
    assert str(rejected.pk) not in choice_values(form["lead_institution"])
    assert sorted(response.context["form"].errors) == ["head", "lead_institution", "members"]
    delegation.refresh_from_db()
    assert (delegation.head, delegation.lead_institution, list(delegation.members.all())) == (None, None, [])


def registration_form_with_foreign_ids(client, roles):
    """A member of A registers for B, or joins another event's delegation."""
    event = EventFactory()
    foreign_delegation = DelegationFactory(event=EventFactory(), country="KH")
    url = reverse("events:register", args=[event.slug])
    client.force_login(roles["participant"])
    form = client.get(url).context["form"]

    response = client.post(
        url, values_of(form, institution=roles.institution_b.pk, delegation=foreign_delegation.pk, role="delegate")
    )

    assert choice_values(form["institution"]) == {str(roles.institution_a.pk)}
    assert str(foreign_delegation.pk) not in choice_values(form["delegation"])
    assert sorted(response.context["form"].errors) == ["delegation", "institution"]
    assert Registration.objects.filter(event=event).count() == 0


def registration_filters_with_another_events_ids(client, roles):
    """The organisers' filters refuse another event's delegation and an institution not registered."""
    event = organised_event(roles)
    RegistrationFactory(event=event, user=roles["participant"])
    foreign = DelegationFactory(event=EventFactory(), name="Someone else's delegation")
    unregistered = InstitutionFactory(name="Never registered college")
    client.force_login(roles["institution_admin"])

    response = client.get(
        reverse("events:registrations", args=[event.slug]),
        {"delegation": foreign.pk, "institution": unregistered.pk},
    )

    form = response.context["form"]
    assert sorted(form.errors) == ["delegation", "institution"]
    assert str(foreign.pk) not in choice_values(form["delegation"])
    assert str(unregistered.pk) not in choice_values(form["institution"])
    body = response.content.decode()
    assert "Someone else&#x27;s delegation" not in body
    assert "Never registered college" not in body


def send_request_with_another_events_session(client, roles):
    event, other = EventFactory(), EventFactory()
    session = MatchmakingSessionFactory(event=event)
    foreign = MatchmakingSessionFactory(event=other, title="Foreign matchmaking")
    RegistrationFactory(event=event, user=roles["participant"])
    RegistrationFactory(event=other, user=roles["participant"])
    person = RegistrationFactory(event=event, user=roles["other_member"])
    url = reverse("matchmaking:request_new")
    client.force_login(roles["participant"])

    page = client.get(url, {"person": person.pk})
    response = client.post(url, {"person": person.pk, "session": foreign.pk, "message": "Hello"})

    assert choice_values(page.context["form"]["session"]) == {str(session.pk)}
    assert response.status_code == 400
    assert list(response.context["form"].errors) == ["session"]
    assert MeetingRequest.objects.count() == 0


def accept_with_foreign_slot_and_sharer(client, roles):
    """Accepting an institution request with another session's slot and a stranger as colleague."""
    event = EventFactory()
    session = MatchmakingSessionFactory(event=event, scheduling_mode=Session.SchedulingMode.PARTICIPANT)
    MeetingSlotFactory(session=session)
    foreign_slot = MeetingSlotFactory(session=MatchmakingSessionFactory(event=EventFactory()))
    mine = RegistrationFactory(event=event, user=roles["participant"])
    colleague = RegistrationFactory(event=event, user=MembershipFactory(institution=roles.institution_a).user)
    stranger = RegistrationFactory(event=event, user=roles["other_member"])
    asking = RegistrationFactory(event=event, user=UserFactory())
    request = MeetingRequestFactory(
        session=session, requester=asking, recipient=None, recipient_institution=roles.institution_a
    )
    client.force_login(roles["participant"])

    page = client.get(reverse("matchmaking:my_meetings", args=[event.slug]))
    client.post(
        reverse("matchmaking:request_accept", args=[event.slug, request.pk]),
        {"slot": foreign_slot.pk, "sharers": [stranger.pk]},
    )

    form = next(row["accept_form"] for row in page.context["received_rows"] if row["req"].pk == request.pk)
    assert str(foreign_slot.pk) not in choice_values(form["slot"])
    assert choice_values(form["sharers"]) == {str(colleague.pk)}
    request.refresh_from_db()
    assert request.status == MeetingRequest.Status.PENDING
    assert Meeting.objects.count() == 0
    assert mine.shared_meetings.count() == 0


def follow_up_mou_link_to_a_private_mou(client, roles):
    """An organiser admin links a meeting of their event to a private MoU of other institutions."""
    event = organised_event(roles)
    third, fourth = InstitutionFactory(), InstitutionFactory()
    request = MeetingRequestFactory(
        session__event=event,
        requester__event=event,
        requester__institution=third,
        recipient__event=event,
        recipient__institution=fourth,
        status="accepted",
    )
    meeting = MeetingFactory(request=request, status=Meeting.Status.PUBLISHED, outcome="mou_signed")
    private = MouFactory(title="Confidential accord")
    MouPartyFactory(mou=private, institution=third)
    MouPartyFactory(mou=private, institution=fourth)
    client.force_login(roles["institution_admin"])

    page = client.get(reverse("matchmaking:manage_follow_ups", args=[event.slug]))
    client.post(reverse("matchmaking:manage_follow_up_mou", args=[event.slug, meeting.pk]), {"mou": private.pk})

    assert [mous for _meeting, mous, _hidden in page.context["signed"]] == [[]]
    assert "Confidential accord" not in page.content.decode()
    meeting.refresh_from_db()
    assert linked_mou_id(meeting) is None


def bulk_approve_another_events_registration(client, roles):
    event = organised_event(roles)
    pending = RegistrationFactory(event=event, status=Registration.Status.PENDING)
    foreign = RegistrationFactory(event=EventFactory(), status=Registration.Status.PENDING)
    client.force_login(roles["institution_admin"])

    page = client.get(reverse("events:registrations", args=[event.slug])).content.decode()
    client.post(reverse("events:registrations_bulk_approve", args=[event.slug]), {"ids": [pending.pk, foreign.pk]})

    assert f'value="{foreign.pk}"' not in page
    assert list(Registration.objects.filter(pk__in=[pending.pk, foreign.pk]).values_list("status", flat=True)) == [
        "pending",
        "pending",
    ]


def badges_of_another_events_people(client, roles):
    event = organised_event(roles)
    RegistrationFactory(event=event, user=UserFactory(display_name="Our Guest"))
    foreign = RegistrationFactory(event=EventFactory(), user=UserFactory(display_name="Foreign Guest"))
    foreign_delegation = DelegationFactory(event=foreign.event)
    client.force_login(roles["institution_admin"])

    one = client.get(reverse("events:badges", args=[event.slug]), {"registration": foreign.pk})
    group = client.get(reverse("events:badges", args=[event.slug]), {"delegation": foreign_delegation.pk})

    assert one.context["badges"] == []
    assert group.context["delegation"] is None
    assert "Foreign Guest" not in one.content.decode() + group.content.decode()


def request_to_someone_outside_the_persons_events(client, roles):
    """A participant asks a person of an event they are not approved for, or a rejected institution."""
    event = EventFactory()
    MatchmakingSessionFactory(event=event)
    RegistrationFactory(event=event, user=roles["participant"], status=Registration.Status.PENDING)
    person = RegistrationFactory(event=event, user=roles["other_member"])
    rejected = rejected_institution()
    RegistrationFactory(event=event, user=MembershipFactory(institution=rejected).user, institution=rejected)
    url = reverse("matchmaking:request_new")
    client.force_login(roles["participant"])

    to_person = client.post(url, {"person": person.pk, "message": "Hello"})
    to_rejected = client.get(url, {"institution": rejected.pk})

    assert (to_person.status_code, to_rejected.status_code) == (404, 404)
    assert MeetingRequest.objects.count() == 0


def secretariat_only_ids_answer_404_to_others(client, roles):
    """Views whose ids reach every object are the secretariat's alone: an institution admin gets 404."""
    private = MouFactory(title="Confidential accord")
    MouPartyFactory(mou=private, institution=roles.institution_b)
    event = EventFactory()
    request = MeetingRequestFactory(session__event=event, requester__event=event, recipient__event=event)
    meeting = MeetingFactory(request=request, status=Meeting.Status.PUBLISHED, outcome="mou_signed")
    client.force_login(roles["institution_admin"])

    done = client.get(reverse("mous:ceremony_done"), {"mou": private.pk})
    prefill = client.get(reverse("mous:new"), {"meeting": meeting.pk})

    assert (done.status_code, prefill.status_code) == (404, 404)
    assert "Confidential accord" not in done.content.decode()


# --- Scenarios: institutions ----------------------------------------------------------------


def profile_rows_of_another_institution(client, roles):
    """An admin of A posts B's offer and need ids in A's profile form."""
    theirs = OfferFactory(institution=roles.institution_b, note="Their offer")
    url = reverse("institutions:edit", args=[roles.institution_a.slug])
    client.force_login(roles["institution_admin"])
    edit = client.get(url).context["formsets"]
    offers = edit[0][4]
    needs = edit[1][4]
    data = {
        **values_of(client.get(url).context["form"]),
        **values_of(offers.management_form),
        **values_of(needs.management_form),
        "offers-TOTAL_FORMS": "1",
        "offers-INITIAL_FORMS": "1",
        "offers-0-id": theirs.pk,
        "offers-0-cooperation_type": theirs.cooperation_type_id,
        "offers-0-sector": theirs.sector_id,
        "offers-0-note": "Taken over",
        "needs-TOTAL_FORMS": "0",
        "needs-INITIAL_FORMS": "0",
    }

    response = client.post(url, data)

    assert response.status_code == 200
    assert response.context["formsets"][0][4].forms[0].errors["id"] == [
        "This row is not one of your institution's; reload the page and try again."
    ]
    assert list(Offer.objects.values_list("institution", "note")) == [(roles.institution_b.pk, "Their offer")]


def course_request_for_an_institution_not_administered(client, roles):
    """B's admin asks to use A's course on behalf of an institution B's admin does not administer."""
    from institutions.models import CourseUseRequest
    from tests.factories import SharedCourseFactory

    course = SharedCourseFactory(institution=roles.institution_a)
    elsewhere = InstitutionFactory(name="Elsewhere Polytechnic")
    url = reverse("institutions:course_request", args=[course.pk])
    client.force_login(roles["other_admin"])
    offered = client.get(reverse("institutions:course_detail", args=[course.pk])).context["request_form"]
    assert list(offered.fields["institution"].queryset) == [roles.institution_b]

    response = client.post(url, {"institution": elsewhere.pk, "message": "Taken over"})

    assert response.status_code == 400
    assert response.context["request_form"].errors["institution"]
    assert not CourseUseRequest.objects.exists()


def mou_link_of_another_partys_unpublished_course(client, roles):
    """A's admin links B's unpublished course, and a course of no party, to an MoU between A and B."""
    from mous.models import MouSharedCourse
    from tests.factories import SharedCourseFactory

    mou = MouFactory(title="Shared courses accord")
    MouPartyFactory(mou=mou, institution=roles.institution_a)
    MouPartyFactory(mou=mou, institution=roles.institution_b)
    hidden = SharedCourseFactory(institution=roles.institution_b, title="Walrus hidden course", is_published=False)
    outsider = SharedCourseFactory(title="Outsider course")
    client.force_login(roles["institution_admin"])

    page = client.get(mou.get_absolute_url()).content.decode()
    responses = [client.post(reverse("mous:course_link", args=[mou.pk]), {"course": c.pk}) for c in (hidden, outsider)]

    assert "Walrus hidden course" not in page
    assert "Outsider course" not in page
    assert [response.status_code for response in responses] == [302, 302]
    assert not MouSharedCourse.objects.exists()


def directory_filter_by_a_rejected_alliance(client, roles):
    """A rejected alliance with a member is neither offered as a filter nor obeyed when posted."""
    from institutions.models import AllianceMembership

    rejected = InstitutionFactory(
        name="Walrus Rejected Alliance", kind=Institution.Kind.ALLIANCE, verification_status="rejected"
    )
    member = InstitutionFactory(name="Narwhal Member College")
    AllianceMembership.objects.create(alliance=rejected, member=member, status=AllianceMembership.Status.ACTIVE)

    offered = DirectoryForm(taxonomies=Taxonomies.load()).fields["alliance"].choices
    page = client.get(reverse("institutions:list"), {"alliance": rejected.slug}).content.decode()

    assert rejected.slug not in {value for value, _label in offered}
    assert "Walrus Rejected Alliance" not in page


def alliance_join_for_an_institution_not_administered(client, roles):
    """B's admin asks for an institution B's admin does not administer to join an alliance."""
    from institutions.models import AllianceMembership

    alliance = InstitutionFactory(name="Tamarind Alliance", kind=Institution.Kind.ALLIANCE)
    elsewhere = InstitutionFactory(name="Elsewhere Polytechnic")
    client.force_login(roles["other_admin"])

    response = client.post(reverse("institutions:alliance_join", args=[alliance.slug]), {"member": elsewhere.pk})

    assert response.status_code == 302
    assert not AllianceMembership.objects.exists()


def alliance_add_of_a_rejected_institution(client, roles):
    """The secretariat adds a rejected institution (no longer in the directory) to an alliance."""
    from institutions.models import AllianceMembership

    alliance = InstitutionFactory(name="Tamarind Alliance", kind=Institution.Kind.ALLIANCE)
    rejected = InstitutionFactory(name="Obsidian Rejected College", verification_status="rejected")
    client.force_login(roles["secretariat"])
    url = reverse("institutions:alliance_members", args=[alliance.slug])

    page = client.get(url).content.decode()
    response = client.post(
        reverse("institutions:alliance_member_add", args=[alliance.slug]), {"member": rejected.pk, "role": "member"}
    )

    assert "Obsidian Rejected College" not in page
    assert response.status_code == 400
    assert not AllianceMembership.objects.exists()


# --- API tokens -------------------------------------------------------------------------------


def token_for_another_institution(client, roles):
    """A member of A asks for a token acting for B, which the form does not offer."""
    from api.models import ApiToken

    client.force_login(roles["participant"])
    offered = client.get(reverse("preferences")).context["token_form"].fields["institution"].queryset
    assert roles.institution_b not in offered
    expires_on = (timezone.localdate() + timedelta(days=30)).isoformat()

    response = client.post(
        reverse("api_token_create"),
        {"name": "n", "scope": "read", "institution": roles.institution_b.pk, "expires_on": expires_on},
    )

    assert response.context["token_form"].errors["institution"]
    assert not ApiToken.objects.exists()


def revoke_another_persons_token(client, roles):
    """A member of A posts the prefix of a member of B's token."""
    from api.models import ApiToken
    from tests.api.conftest import make_token

    token, _plain = make_token(roles["other_member"])
    client.force_login(roles["participant"])

    response = client.post(reverse("api_token_revoke"), {"prefix": token.prefix})

    assert response.status_code == 404
    assert ApiToken.objects.get(pk=token.pk).revoked_at is None


# --- The registries -------------------------------------------------------------------------

NOT_FROM_DB_ROLE = NotAnId("a registration role from Registration.Role")

FORM_FIELDS: dict[str, Callable | Catalogue | NotAnId] = {
    # api
    "api.forms.ApiTokenForm.institution": token_for_another_institution,
    # events
    "events.forms.EventForm.organisers": event_form_with_foreign_organisers,
    "events.forms.SessionForm.speakers": session_form_with_another_events_speaker,
    "events.forms.SessionForm.name": NOT_FROM_DB_ROLE,  # roles_cannot_request / roles_cannot_be_requested
    "events.forms.DelegationForm.head": delegation_form_with_foreign_ids,
    "events.forms.DelegationForm.members": delegation_form_with_foreign_ids,
    "events.forms.DelegationForm.lead_institution": delegation_form_with_foreign_ids,
    "events.forms_registration.RegistrationForm.institution": registration_form_with_foreign_ids,
    "events.forms_registration.RegistrationForm.delegation": registration_form_with_foreign_ids,
    "events.forms_registration.RegistrationForm.role": NOT_FROM_DB_ROLE,
    "events.forms_registration.RoleForm.role": NOT_FROM_DB_ROLE,
    "events.forms_registration.RegistrationFilterForm.institution": registration_filters_with_another_events_ids,
    "events.forms_registration.RegistrationFilterForm.delegation": registration_filters_with_another_events_ids,
    "events.forms_registration.RegistrationFilterForm.country": NotAnId("a country code, filtering the event's list"),
    "events.forms_registration.RegistrationFilterForm.kind": NotAnId("an Institution.Kind value"),
    "events.forms_registration.RegistrationFilterForm.role": NOT_FROM_DB_ROLE,
    "events.forms_registration.RegistrationFilterForm.status": NotAnId("a Registration.Status value"),
    "matchmaking.forms.ParticipantFilterForm.country": NotAnId("a country code, filtering the event's list"),
    "matchmaking.forms.SendRequestForm.session": send_request_with_another_events_session,
    "matchmaking.forms.AcceptForm.slot": accept_with_foreign_slot_and_sharer,
    "matchmaking.forms.AcceptForm.sharers": accept_with_foreign_slot_and_sharer,
    # institutions
    "institutions.forms.InstitutionProfileForm.sectors": Catalogue(Sector),
    "institutions.forms.OfferFormSet.id": profile_rows_of_another_institution,
    # Offers and needs are the same formset class: one scenario proves both.
    "institutions.forms.NeedFormSet.id": profile_rows_of_another_institution,
    "institutions.forms.OfferFormSet.cooperation_type": Catalogue(CooperationType),
    "institutions.forms.OfferFormSet.sector": Catalogue(Sector),
    "institutions.forms.NeedFormSet.cooperation_type": Catalogue(CooperationType),
    "institutions.forms.NeedFormSet.sector": Catalogue(Sector),
    "institutions.forms.BaseProfileItemFormSet.cooperation_type": Catalogue(CooperationType),
    "institutions.forms.BaseProfileItemFormSet.sector": Catalogue(Sector),
    # mous
    "mous.forms.MouForm.event": proposal_with_foreign_ids,
    "mous.forms.MouForm.ceremony_session": proposal_with_foreign_ids,
    "mous.forms.MouForm.meetings": proposal_with_foreign_ids,
    "mous.forms.MouForm.status": NotAnId("a Mou.Status value (draft or signed)"),
    "mous.forms.MouForm.cooperation_types": Catalogue(CooperationType),
    "mous.forms.MouForm.sectors": Catalogue(Sector),
    "mous.forms.MouEdit.proposed_by": proposal_with_foreign_ids,
    "mous.forms.PartyForm.institution": proposal_with_foreign_ids,
    "mous.forms_ceremony.CeremonyForm.event": ceremony_with_foreign_ids,
    "mous.forms_ceremony.CeremonyForm.ceremony_session": ceremony_with_foreign_ids,
    "mous.forms_ceremony.MouRowForm.parties": ceremony_with_foreign_ids,
    "mous.forms_ceremony.MouRowForm.sectors": Catalogue(Sector),
    "mous.forms_ceremony.MouRowForm.cooperation_types": Catalogue(CooperationType),
    "mous.filters.RegistryForm.event": registry_filter_by_an_event_not_to_show,
    "mous.views_lifecycle.MilestoneForm.owner_institution": milestone_owned_by_an_institution_not_a_party,
    "mous.views_lifecycle.ActivityForm.owner_institution": milestone_owned_by_an_institution_not_a_party,
    "mous.views_lifecycle._RecordForm.owner_institution": milestone_owned_by_an_institution_not_a_party,
    "mous.forms_cooperation.ExchangeForm.from_institution": exchange_between_institutions_not_parties,
    "mous.forms_cooperation.ExchangeForm.to_institution": exchange_between_institutions_not_parties,
    "mous.forms_cooperation.ExchangeForm.field": Catalogue(Sector, make=_exchange_form),
    "mous.forms_cooperation.ExchangeForm.year": NotAnId("a year of the MoU's life"),
    "mous.forms_cooperation.ExchangeForm.duration_unit": NotAnId("an Exchange.DurationUnit value"),
    "mous.filters.RegistryForm.sector": Catalogue(
        Sector, make=lambda: RegistryForm(user=AnonymousUser()), field="slug"
    ),
    "mous.filters.RegistryForm.cooperation_type": Catalogue(
        CooperationType, make=lambda: RegistryForm(user=AnonymousUser()), field="slug"
    ),
    "mous.filters.RegistryForm.name": NotAnId("a country code (country, pair_a, pair_b)"),
    "mous.forms_reporting.ReportForm.country": NotAnId("a country code, filtering the cooperation report"),
    "mous.forms_reporting.ReportForm.sector": Catalogue(Sector, make=lambda: ReportForm(), field="slug"),
    "mous.filters.RegistryForm.status": NotAnId("a Mou.Status value"),
    "institutions.forms_courses.SharedCourseForm.sector": Catalogue(Sector),
    "institutions.forms_courses.CourseRequestForm.institution": course_request_for_an_institution_not_administered,
    "institutions.forms_courses.CourseCatalogueForm.sector": Catalogue(
        Sector, make=lambda: CourseCatalogueForm(), field="slug"
    ),
    "institutions.forms_courses.CourseCatalogueForm.country": NotAnId("a country code"),
    "institutions.forms_courses.CourseCatalogueForm.format": NotAnId("a SharedCourse.Format value"),
    "institutions.forms_courses.CourseCatalogueForm.language": NotAnId("a language code"),
    "institutions.forms_courses.CourseCatalogueForm.level": NotAnId("a SharedCourse.Level value"),
    "mous.forms_courses.MouCourseLinkForm.course": mou_link_of_another_partys_unpublished_course,
    "institutions.filters.DirectoryForm.alliance": directory_filter_by_a_rejected_alliance,
    "institutions.forms_alliances.AllianceJoinForm.member": alliance_join_for_an_institution_not_administered,
    "institutions.forms_alliances.AllianceAddForm.member": alliance_add_of_a_rejected_institution,
    "institutions.filters.DirectoryForm.country": NotAnId("a country code or a group of countries"),
    "institutions.filters.DirectoryForm.sort": NotAnId("a sort order"),
    "institutions.filters.DirectoryForm.sector": Catalogue(
        Sector, make=lambda: DirectoryForm(taxonomies=Taxonomies.load()), field="slug"
    ),
    "institutions.filters.DirectoryForm.offers": Catalogue(
        CooperationType, make=lambda: DirectoryForm(taxonomies=Taxonomies.load()), field="slug"
    ),
    "institutions.filters.DirectoryForm.needs": Catalogue(
        CooperationType, make=lambda: DirectoryForm(taxonomies=Taxonomies.load()), field="slug"
    ),
}

PAGE = NotAnId("a page number")
NEXT = NotAnId("a URL to go back to, checked against the host")
SEARCH = NotAnId("search text")
TOTAL_FORMS = NotAnId("the number of rows of a formset, checked against its maximum")
DECISIONS = NotAnId("an import decision (accept, skip...) for a numbered row of the uploaded file")

RAW_IDS: dict[str, Callable | NotAnId] = {
    # Ids
    "portal.views_api_tokens.api_token_revoke:prefix": revoke_another_persons_token,
    "events.views_checkin.badge_sheet:delegation": badges_of_another_events_people,
    "events.views_checkin.badge_sheet:registration": badges_of_another_events_people,
    "matchmaking.views_followups.manage_follow_up_mou:mou": follow_up_mou_link_to_a_private_mou,
    "events.views_registration.bulk_approve:ids": bulk_approve_another_events_registration,
    "matchmaking.views_requests._send_target:person": request_to_someone_outside_the_persons_events,
    "matchmaking.views_requests._send_target:institution": request_to_someone_outside_the_persons_events,
    "mous.views_ceremony.ceremony_party:institution": ceremony_with_foreign_ids,
    "mous.views_ceremony.ceremony_sessions:event": ceremony_with_foreign_ids,
    "mous.views_ceremony.ceremony_done:mou": secretariat_only_ids_answer_404_to_others,
    "mous.views_logging._prefill_from_meeting:meeting": secretariat_only_ids_answer_404_to_others,
    # Echoed into the removed row's hidden input; only the formset trusts it, and refuses
    # another institution's row (that scenario).
    "institutions.views_profile.institution_edit_row_removed:f'{prefix}-id'": profile_rows_of_another_institution,
    # Not ids
    "events.views_checkin._checkin_context:q": SEARCH,
    "events.views_checkin.checkin_registration:q": SEARCH,
    "events.views_checkin.badge_sheet:layout": NotAnId("a badge layout name (a6 or a4)"),
    "events.views_checkin.badge_sheet:page": PAGE,
    "events.views_checkin.checkin_registration:action": NotAnId("check in or undo"),
    "events.views_checkin.checkin_token:token": NotAnId("a signed badge token, looked up within the event"),
    "events.views_contacts.contact_scan:token": NotAnId("a signed badge token, looked up within the event"),
    "events.views_contacts.my_contacts:shares_contact": NotAnId("a checkbox"),
    "matchmaking.views_followups.follow_up_answer_view:done": NotAnId("a flag to show the confirmation"),
    "matchmaking.views_followups.follow_up_opt_out_view:done": NotAnId("a flag to show the confirmation"),
    "matchmaking.views_followups.meeting_outcome:outcome": NotAnId("a MeetingOutcome value"),
    "events.views_import.import_preview:choice['decision_field']": DECISIONS,
    "events.views_import.import_preview:row['decision_field']": DECISIONS,
    "matchmaking.views_matchmaking.matchmaking_mark:attendance": NotAnId("a Meeting.Attendance value"),
    "matchmaking.views_attendance.meeting_attendance:attendance": NotAnId("a Meeting.Attendance value"),
    "matchmaking.views_attendance.meeting_attendance:from": NotAnId("which page to go back to"),
    "events.views_registration.bulk_approve:next": NEXT,
    "events.views_registration.registration_action:next": NEXT,
    "events.views_registration.registration_action:view": NotAnId("which list to go back to"),
    "events.views_registration.registration_list:page": PAGE,
    "events.views_registration.content:page": PAGE,
    "matchmaking.views_requests.participant_list:page": PAGE,
    "matchmaking.views_requests.slot_toggle:unavailable": NotAnId(
        "a flag; the slot comes from the URL, within the event"
    ),
    "events.views_survey.question_move:direction": NotAnId("up or down"),
    "events.views_survey.survey_status:open": NotAnId("a flag"),
    "institutions.views.institution_list:page": PAGE,
    "institutions.views_courses.course_catalogue:page": PAGE,
    "institutions.views_courses.course_publish:published": NotAnId("a flag"),
    "institutions.views_alliances.alliance_request_decide:decision": NotAnId("approve or decline"),
    "institutions.views.content:page": PAGE,
    "institutions.views.institution_list:sort": NotAnId("the order of the results; the form checks it"),
    "institutions.views_onboarding._next_url:next": NEXT,
    "institutions.views_onboarding.create:name": NotAnId("the name typed in the search, to fill in the form"),
    "institutions.views_onboarding.import_preview:row['decision_field']": DECISIONS,
    "institutions.views_partners._safe_next:next": NEXT,
    "institutions.views_partners.partner_list:region": NotAnId("a region name"),
    "institutions.views_profile.institution_edit:add": NotAnId("which formset gets a row (offers or needs)"),
    "institutions.views_profile.institution_edit:key": TOTAL_FORMS,
    "institutions.views_profile.institution_edit_row:f'{kind}-TOTAL_FORMS'": TOTAL_FORMS,
    "institutions.views_profile.institution_edit_row_removed:prefix": NotAnId("a form prefix, matched by a pattern"),
    "matchmaking.views_feeds._back:next": NEXT,
    "mous.views_ceremony._row_prefix:prefix": NotAnId("a form prefix, matched by a pattern"),
    "mous.views_ceremony._row_party_ids:f'{prefix}-parties'": NotAnId(
        "the ids of the row's parties, left out of the suggestions or compared with the pick; looks nothing up"
    ),
    "mous.views_ceremony.ceremony:key": TOTAL_FORMS,
    "mous.views_ceremony.ceremony_institutions:q": SEARCH,
    "mous.views_ceremony.ceremony_row:f'{CeremonyEntry.prefix}-TOTAL_FORMS'": TOTAL_FORMS,
    "mous.views_documents.document_visibility:document_is_public": NotAnId("a flag"),
    "mous.views_lifecycle.mou_status:status": NotAnId("a Mou.Status value"),
    "mous.views_logging.institution_search:format": NotAnId("html or JSON"),
    "mous.views_logging._search_text:q": SEARCH,
    "institutions.views_alliances._members_context:find": SEARCH,
    "institutions.views_alliances.alliance_member_candidates:find": SEARCH,
    "mous.views_logging.institution_search:selected": NotAnId(
        "compared with the ids of the institutions listed, to mark one selected; looks nothing up"
    ),
    "mous.views_logging.proposal_confirm:signed_on": NotAnId("a date"),
    "mous.views_registry.mou_registry:page": PAGE,
    "mous.views_registry.content:page": PAGE,
    "portal.views.set_language:language": NotAnId("a language code"),
    "portal.views.set_language:next": NEXT,
    "portal.views_activity.activity:page": PAGE,
    "portal.views_outbox.unsubscribe:List-Unsubscribe": NotAnId("the RFC 8058 one-click marker"),
}


# --- The tests ------------------------------------------------------------------------------


def test_every_form_field_with_model_choices_has_an_entry():
    discovered = discovered_form_fields()

    missing = sorted(discovered - FORM_FIELDS.keys())
    stale = sorted(FORM_FIELDS.keys() - discovered)

    assert missing == [], (
        "These form fields take their choices or ids from the database and have no entry in "
        "FORM_FIELDS (tests/portal/test_form_scopes.py). Add, for each, a scenario that posts an id "
        "outside the poster's scope to the real view and checks it is refused, absent from the "
        "page, and that nothing changed; or Catalogue(Model) / NotAnId(reason) if nothing is private: "
        + ", ".join(missing)
    )
    assert stale == [], "These FORM_FIELDS entries match no field any more; remove them: " + ", ".join(stale)


def test_every_id_read_from_a_request_has_an_entry():
    discovered = discovered_raw_ids()

    missing = sorted(discovered - RAW_IDS.keys())
    stale = sorted(RAW_IDS.keys() - discovered)

    assert missing == [], (
        "These views read values straight from request.POST or request.GET and have no entry in "
        "RAW_IDS (tests/portal/test_form_scopes.py). Add a scenario posting an id outside the "
        "person's scope, or NotAnId(reason) if the value picks no object: " + ", ".join(missing)
    )
    assert stale == [], "These RAW_IDS entries match nothing any more; remove them: " + ", ".join(stale)


def _scenarios() -> list[Callable]:
    seen = []
    for entry in [*FORM_FIELDS.values(), *RAW_IDS.values()]:
        if callable(entry) and not isinstance(entry, type) and entry not in seen:
            seen.append(entry)
    return seen


@pytest.mark.parametrize("scenario", _scenarios(), ids=lambda scenario: scenario.__name__)
def test_an_id_outside_the_scope_is_refused_and_not_offered(client, roles, scenario):
    scenario(client, roles)


def _choice_ids(key: str) -> set[str]:
    """The values a catalogue field offers, read from a fresh (unbound, empty) form."""
    module_name, class_name, field_name = key.rsplit(".", 2)
    module = importlib.import_module(module_name)
    owner = getattr(module, class_name)
    entry = FORM_FIELDS[key]
    if entry.make is not None:
        field = entry.make().fields[field_name]
    elif issubclass(owner, BaseFormSet):
        # A formset made by a factory is used as is; a base class through a formset built on it.
        built = [obj for obj in vars(module).values() if isinstance(obj, type) and issubclass(obj, owner)]
        concrete = owner if hasattr(owner, "fk") else next(obj for obj in built if hasattr(obj, "fk"))
        field = concrete(instance=Institution(), prefix="rows").forms[0].fields[field_name]
    else:
        field = owner.form.base_fields[field_name] if hasattr(owner, "form") else owner.base_fields[field_name]
    return {str(value) for value, _label in field.choices if value != ""}


@pytest.mark.parametrize("key", [key for key, entry in FORM_FIELDS.items() if isinstance(entry, Catalogue)])
def test_catalogue_fields_offer_the_whole_public_list(key):
    SectorFactory()
    CooperationTypeFactory()

    offered = _choice_ids(key)

    entry = FORM_FIELDS[key]
    assert offered == {str(value) for value in entry.model.objects.values_list(entry.field, flat=True)}


@pytest.mark.parametrize("key", [key for key, entry in FORM_FIELDS.items() if isinstance(entry, NotAnId)])
def test_not_an_id_fields_are_no_model_choice_fields(key):
    module_name, class_name, field_name = key.rsplit(".", 2)
    owner = getattr(importlib.import_module(module_name), class_name)
    field = getattr(owner, "base_fields", {}).get(field_name)

    assert not isinstance(field, forms.ModelChoiceField)


def test_discovery_sees_declared_added_and_refilled_choice_fields():
    class NewForm(forms.Form):
        partner = forms.ModelChoiceField(queryset=Institution.objects.all())
        note = forms.CharField()

    source = """
class NewForm:
    def __init__(self):
        self.fields["region"].choices = Institution.objects.values_list("country", "country")
        self.fields["kind"].label = "Kind"
        self.fields["event"] = forms.ModelChoiceField(queryset=Event.objects.all())
        owner = self.fields["owner"]
        owner.queryset = Institution.objects.filter(country="KH")
"""

    assert _model_fields(NewForm) == ["partner"]
    assert _fields_set_at_runtime(ast.parse(source)) == {
        ("NewForm", "region"),
        ("NewForm", "event"),
        ("NewForm", "owner"),
    }


def test_discovery_sees_ids_read_through_an_alias_of_the_request():
    source = """
def view(request):
    params = request.POST if request.method == "POST" else request.GET
    first = params.get("person", "")
    return request.GET.getlist("ids"), request.POST["mou"]
"""

    function = ast.parse(source).body[0]

    assert _request_params(function) == {"person", "ids", "mou"}
