"""Forms to log an MoU (secretariat) and to propose one (an institution's admins)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.forms import formset_factory
from django.forms.models import ModelChoiceIterator, ModelChoiceIteratorValue
from django.forms.utils import ErrorDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import date_format
from core.multilingual import TranslationsFormMixin
from events.models import Event, Session
from events.selectors import event_list_visible_to
from institutions.languages import WORK_LANGUAGES
from institutions.models import Institution
from institutions.pickers import offer_found
from institutions.selectors import institution_choices_queryset
from matchmaking.models import Meeting

from .errors import MouError
from .models import Mou
from .selectors import meetings_linkable_by
from .services import add_months, check_parties, meeting_institution_ids

MAX_PARTIES = 20


def session_labels(sessions: Iterable[Session]) -> dict[int, str]:
    """Return a label for each of ``sessions`` that tells it apart from the others listed with it.

    The title and the local start (in the event's time zone), then the room when there is one,
    and the event when the sessions are of several events; sessions alike in all of these are
    numbered in the order given. Needs the sessions' events loaded.
    """
    sessions = list(sessions)
    several_events = len({session.event_id for session in sessions}) > 1
    labels = {}
    for session in sessions:
        starts = timezone.localtime(session.starts_at, ZoneInfo(session.event.time_zone))
        parts = [session.title, date_format(starts, "WEEKDAY_DAY_MONTH_YEAR_TIME_FORMAT")]
        if session.room:
            parts.append(session.room)
        label = " · ".join(parts)
        labels[session.pk] = f"{session.event.title}: {label}" if several_events else label
    counts = Counter(labels.values())
    seen: Counter[str] = Counter()
    for session in sessions:
        label = labels[session.pk]
        if counts[label] > 1:
            seen[label] += 1
            labels[session.pk] = f"{label} ({seen[label]})"
    return labels


class SessionChoiceIterator(ModelChoiceIterator):
    """Read the sessions once and label them together, so that no two labels are alike."""

    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        sessions = list(self.queryset)
        labels = session_labels(sessions)
        for session in sessions:
            yield (ModelChoiceIteratorValue(self.field.prepare_value(session), session), labels[session.pk])


class SessionChoiceField(forms.ModelChoiceField):
    """A choice of sessions, each labelled distinctly (see ``session_labels``)."""

    iterator = SessionChoiceIterator


class PartyForm(forms.Form):
    """One party: the institution (found by typing part of its name) and its signatory."""

    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none(), required=False)
    signatory_name = forms.CharField(label=_("Signatory"), max_length=200, required=False)
    signatory_title = forms.CharField(label=_("Signatory's title"), max_length=200, required=False)
    on_behalf_of_members = forms.BooleanField(
        label=_("Signs on behalf of its members"),
        required=False,
        help_text=_("Only for an alliance or network."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["institution"]
        field.queryset = institution_choices_queryset()
        # The select offers the institution chosen and those found by the row's search box
        # (``<prefix>-find``), never the whole directory (``institutions.pickers``).
        if self.is_bound:
            chosen = self.data.get(self.add_prefix("institution"), "")
            find = self.data.get(self.add_prefix("find"), "")
        else:
            chosen = self.initial.get("institution") or ""
            chosen = getattr(chosen, "pk", chosen)
            find = ""
        self.find = find
        offer_found(field, find=find, keep=[chosen])

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("institution") and (cleaned.get("signatory_name") or cleaned.get("signatory_title")):
            self.add_error("institution", _("Choose the institution this signatory signed for."))
        institution = cleaned.get("institution")
        if cleaned.get("on_behalf_of_members") and institution and institution.kind != Institution.Kind.ALLIANCE:
            self.add_error("on_behalf_of_members", _("Only an alliance or network can sign on behalf of its members."))
        return cleaned


class BasePartyFormSet(forms.BaseFormSet):
    def institutions(self) -> list[Institution]:
        return [form.cleaned_data["institution"] for form in self.forms if form.cleaned_data.get("institution")]

    def clean(self) -> None:
        if any(self.errors):
            return
        try:
            check_parties(institutions=self.institutions())
        except MouError as error:
            raise ValidationError([error.message]) from error


PartyFormSet = formset_factory(
    PartyForm, formset=BasePartyFormSet, extra=0, min_num=2, max_num=MAX_PARTIES, validate_max=True
)


class MouForm(TranslationsFormMixin, forms.ModelForm):
    """The MoU itself; its parties come from the party formset and are checked together in MouEdit.

    The title and summary are written in the language of the text, with their translations
    below (``TranslationsFormMixin``).
    """

    duration_months = forms.IntegerField(
        label=_("or duration in months"),
        min_value=1,
        max_value=1200,
        required=False,
        help_text=_(
            "Valid until is computed from valid from, or from the signing date when valid from is empty: "
            "e.g. 12 months from 1 January end on 31 December."
        ),
    )
    meetings = forms.ModelMultipleChoiceField(
        label=_("Matchmaking meetings it came from"),
        queryset=Meeting.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Meetings at the chosen event between two of the parties."),
        error_messages={
            "invalid_choice": _("Choose the meetings from the list: %(value)s is not one you may link here."),
        },
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages of the document"),
        choices=WORK_LANGUAGES,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Mou
        fields = [
            "title",
            "reference",
            "summary",
            "status",
            "signed_on",
            "signed_place",
            "witnesses",
            "event",
            "ceremony_session",
            "cooperation_types",
            "sectors",
            "languages",
            "valid_from",
            "valid_until",
            "is_public",
        ]
        field_classes = {"ceremony_session": SessionChoiceField}
        error_messages = {
            "event": {"invalid_choice": _("Choose an event from the list.")},
            "ceremony_session": {"invalid_choice": _("Choose a ceremony session of the chosen event.")},
        }
        widgets = {
            "signed_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "cooperation_types": forms.CheckboxSelectMultiple,
            "sectors": forms.CheckboxSelectMultiple,
            "summary": forms.Textarea(attrs={"rows": 4}),
            "witnesses": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, user, proposal: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.proposal = proposal
        creating = self.instance.pk is None
        if proposal:
            del self.fields["is_public"]
            del self.fields["status"]
        elif creating:
            self.fields["status"].choices = [
                (Mou.Status.DRAFT, Mou.Status.DRAFT.label),
                (Mou.Status.SIGNED, Mou.Status.SIGNED.label),
            ]
        else:
            # Status changes after creation belong to the MoU's lifecycle page.
            del self.fields["status"]
        # Only events the person may open (a draft event's title is not theirs to see); the
        # MoU's own event stays choosable when editing it. Sessions are the chosen event's
        # only: changing the event refreshes them (htmx, or the update button without it).
        events = Q(pk__in=event_list_visible_to(user=user).values("pk"))
        if self.instance.event_id:
            events |= Q(pk=self.instance.event_id)
        self.fields["event"].queryset = Event.objects.filter(events).order_by("-start_date")
        chosen_event = self._chosen_event()
        self.fields["ceremony_session"].queryset = (
            Session.objects.filter(event=chosen_event).select_related("event").order_by("starts_at", "pk")
            if chosen_event is not None
            else Session.objects.none()
        )
        self.fields["ceremony_session"].help_text = (
            _("The sessions of the chosen event.") if chosen_event is not None else _("Choose the event first.")
        )
        meetings = meetings_linkable_by(user=user, event=chosen_event, mou=self.instance)
        self.fields["meetings"].queryset = meetings.select_related(
            "request__requester__institution",
            "request__recipient__institution",
            "request__recipient_institution",
        ).order_by("slot__starts_at", "pk")
        self.fields["meetings"].label_from_instance = meeting_label
        if self.instance.pk and "meetings" not in self.initial:
            self.initial["meetings"] = list(self.instance.meetings.values_list("pk", flat=True))

    def _chosen_event(self) -> Event | None:
        """The event whose meetings to offer: the posted one, else the initial or saved one,
        and only ever one of the event field's choices."""
        choices = self.fields["event"].queryset
        if self.is_bound:
            raw = self.data.get(self.add_prefix("event")) or ""
            return choices.filter(pk=int(raw)).first() if raw.isascii() and raw.isdigit() else None
        initial = self.initial.get("event")
        if isinstance(initial, Event):
            initial = initial.pk
        if initial:
            return choices.filter(pk=initial).first()
        return choices.filter(pk=self.instance.event_id).first() if self.instance.event_id else None

    def clean_reference(self) -> str:
        reference = self.cleaned_data.get("reference", "").strip()
        if reference and Mou.objects.filter(reference=reference).exclude(pk=self.instance.pk).exists():
            raise ValidationError(
                _("Another MoU already has the reference %(reference)s."), params={"reference": reference}
            )
        return reference

    def clean(self):
        cleaned = super().clean()
        event = cleaned.get("event")
        session = cleaned.get("ceremony_session")
        if session is not None and (event is None or session.event_id != event.pk):
            self.add_error("ceremony_session", _("Choose a ceremony session of the chosen event."))
        status = cleaned.get("status", self.instance.status if self.instance.pk else Mou.Status.DRAFT)
        if status != Mou.Status.DRAFT and not cleaned.get("signed_on"):
            self.add_error("signed_on", _("A signed MoU needs its signing date."))
        valid_from = cleaned.get("valid_from")
        valid_until = cleaned.get("valid_until")
        months = cleaned.get("duration_months")
        if months:
            if valid_until:
                self.add_error("duration_months", _("Give either valid until or a duration, not both."))
            elif not valid_from and not cleaned.get("signed_on"):
                self.add_error("valid_from", _("A duration needs the date the MoU is valid from, or its signing date."))
            else:
                # An MoU is valid from its signing date unless it says otherwise.
                cleaned["valid_from"] = valid_from = valid_from or cleaned["signed_on"]
                cleaned["valid_until"] = valid_until = add_months(start=valid_from, months=months)
        if valid_from and valid_until and valid_until < valid_from:
            self.add_error("valid_until", _("Valid until cannot be before valid from."))
        return cleaned


def meeting_label(meeting: Meeting) -> str:
    request = meeting.request
    other = request.recipient.institution if request.recipient_id else request.recipient_institution
    return f"{request.requester.institution} ↔ {other}"


class MouEdit:
    """The MoU form with its parties, validated together: nothing is written unless all is valid."""

    def __init__(
        self,
        *,
        instance: Mou | None = None,
        data=None,
        initial: dict | None = None,
        parties_initial: list[dict] | None = None,
        user,
        proposal: bool = False,
        proposer_choices=None,
    ):
        self.instance = instance or Mou()
        self.proposal = proposal
        self.form = MouForm(data, instance=self.instance, initial=initial or {}, user=user, proposal=proposal)
        if proposal and proposer_choices is not None and self.instance.pk is None:
            self.form.fields["proposed_by"] = forms.ModelChoiceField(
                label=_("Proposed on behalf of"),
                queryset=proposer_choices,
                empty_label=None,
                help_text=_("Your institution; it must be one of the parties."),
            )
        if parties_initial is None and self.instance.pk:
            parties_initial = [
                {
                    "institution": party.institution_id,
                    "signatory_name": party.signatory_name,
                    "signatory_title": party.signatory_title,
                    "on_behalf_of_members": party.on_behalf_of_members,
                }
                for party in self.instance.parties.all()
            ]
        self.parties = PartyFormSet(data, initial=parties_initial or [], prefix="parties")

    def is_valid(self) -> bool:
        form_ok = self.form.is_valid()
        parties_ok = self.parties.is_valid()
        if not (form_ok and parties_ok):
            return False
        party_ids = {institution.pk for institution in self.parties.institutions()}
        proposer = self.form.cleaned_data.get("proposed_by")
        if proposer is not None and proposer.pk not in party_ids:
            self.form.add_error("proposed_by", _("Your institution must be one of the parties."))
        for meeting in self.form.cleaned_data.get("meetings", []):
            if not meeting_institution_ids(meeting=meeting) <= party_ids:
                self.form.add_error(
                    "meetings",
                    _("The meeting %(meeting)s is not between two of the parties.")
                    % {"meeting": meeting_label(meeting)},
                )
        if self.proposal and self.instance.proposed_by_id and self.instance.proposed_by_id not in party_ids:
            self.form.add_error(None, _("The proposing institution must stay one of the parties."))
        return not self.form.errors

    def without_errors(self) -> MouEdit:
        """Show the posted values again without error messages (after adding a party row)."""
        self.form._errors = ErrorDict()
        for row in self.parties.forms:
            row._errors = ErrorDict()
        self.parties._errors = [row._errors for row in self.parties.forms]
        self.parties._non_form_errors = self.parties.error_class()
        return self
