"""Search and filters of the MoU registry, and its CSV/XLSX exports."""

from collections.abc import Iterable

from django import forms
from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.collation import sort_key
from core.countries import countries
from core.multilingual import content_languages
from core.pagecache import kept
from core.widgets import PlainSelect
from events.models import Event
from events.selectors import event_list_visible_to
from institutions.models import CooperationType, Sector
from institutions.permissions import active_institution_ids, is_secretariat

from .models import Milestone, Mou, search_bigrams, search_form
from .selectors import mou_list_for

# An export holds at most this many MoUs.
EXPORT_CAP = 10_000
# The search box reads at most this many characters.
MAX_SEARCH = 100


# The portal's countries: China and the ASEAN members. Offering all 250 countries three times
# made the registry form most of the page's rendering time; another valid code in the URL is
# still accepted (and then offered).
PORTAL_COUNTRIES = ["CN", "BN", "KH", "ID", "LA", "MY", "MM", "PH", "SG", "TH", "TL", "VN"]


def _country_choices(data) -> list[tuple[str, str]]:
    codes = set(PORTAL_COUNTRIES)
    for name in ("country", "pair_a", "pair_b"):
        value = (data.get(name) or "").upper() if data else ""
        if value and value in countries:
            codes.add(value)
    named = sorted(((code, countries.name(code)) for code in codes), key=lambda item: sort_key(item[1]))
    return [("", gettext_lazy("Any country")), *named]


KEPT_OPTIONS = ("sector", "cooperation_type", "event")


def _options(field: forms.ModelChoiceField) -> list[tuple[str, str]]:
    return [(str(value), str(label)) for value, label in field.choices]


class RegistryForm(forms.Form):
    """The registry's search box and filters; every field is optional, invalid values are ignored."""

    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=MAX_SEARCH)
    country = forms.ChoiceField(label=gettext_lazy("Country (any party)"), required=False, widget=PlainSelect)
    pair_a = forms.ChoiceField(label=gettext_lazy("Country pair: first"), required=False, widget=PlainSelect)
    pair_b = forms.ChoiceField(label=gettext_lazy("Country pair: second"), required=False, widget=PlainSelect)
    sector = forms.ModelChoiceField(
        label=gettext_lazy("Sector"),
        queryset=Sector.objects.none(),
        required=False,
        to_field_name="slug",
        widget=PlainSelect,
    )
    cooperation_type = forms.ModelChoiceField(
        label=gettext_lazy("Cooperation type"),
        queryset=CooperationType.objects.none(),
        required=False,
        to_field_name="slug",
        widget=PlainSelect,
    )
    year = forms.IntegerField(label=gettext_lazy("Year signed"), required=False, min_value=1900, max_value=2200)
    status = forms.ChoiceField(label=gettext_lazy("Status"), required=False, widget=PlainSelect)
    event = forms.ModelChoiceField(
        label=gettext_lazy("Event"),
        queryset=Event.objects.none(),
        required=False,
        to_field_name="slug",
        widget=PlainSelect,
    )

    def __init__(self, *args, user, include_drafts: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        choices = _country_choices(self.data)
        for name in ("country", "pair_a", "pair_b"):
            self.fields[name].choices = choices
        statuses = [choice for choice in Mou.Status.choices if include_drafts or choice[0] != Mou.Status.DRAFT]
        self.fields["status"].choices = [("", gettext_lazy("Any status")), *statuses]
        self.fields["sector"].queryset = Sector.objects.order_by("name")
        self.fields["sector"].empty_label = gettext_lazy("Any sector")
        self.fields["cooperation_type"].queryset = CooperationType.objects.order_by("name")
        self.fields["cooperation_type"].empty_label = gettext_lazy("Any cooperation type")
        # Only events of MoUs the person may list, and only events they may open: a private MoU's
        # or a draft event's title is not the registry's to show.
        self.fields["event"].queryset = (
            event_list_visible_to(user=user)
            .filter(pk__in=mou_list_for(user).values("event_id"))
            .order_by("-start_date")
        )
        self.fields["event"].empty_label = gettext_lazy("Any event")
        # The options are rendered from lists kept until the next change (core.pagecache.kept)
        # rather than queried on every view; the querysets above still validate a chosen value.
        # The events offered depend only on the secretariat membership and the institutions
        # administered, so people alike share them.
        # One kept value for the three lists: one cache read, not three.
        admin_of = ",".join(str(pk) for pk in sorted(active_institution_ids(user, admin_only=True)))
        options = kept(
            f"registry-options:{int(is_secretariat(user))}:{admin_of}",
            lambda: {name: _options(self.fields[name]) for name in KEPT_OPTIONS},
        )
        for name in KEPT_OPTIONS:
            self.fields[name].widget.choices = options[name]
        self.fields["q"].widget.attrs.update({"type": "search", "placeholder": _("Title, summary, reference or party")})

    def filters(self) -> dict:
        """The valid values only: an invalid field is shown with its error and ignored."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        return {name: data.get(name) for name in self.fields if name not in self.errors and data.get(name)}


def text_matching(queryset: QuerySet[Mou], text: str) -> QuerySet[Mou]:
    """The MoUs whose reference, title or summary, in any of its languages, or a party's name contains ``text``.

    The GIN index on ``search_grams`` finds the rows holding every character pair of the text
    (any script, no word splitting needed); the substring test then drops those holding the
    pairs apart. Case and Unicode forms do not matter (see ``mous.models.search_form``). The
    parties' names (English, local script, acronym) are kept in the MoU's own search text
    (``Mou.party_names``), so no party is joined.
    """
    wanted = search_form(text)
    if not wanted:
        return queryset.none()
    grams = search_bigrams(wanted)
    if grams:
        queryset = queryset.filter(search_grams__contains=grams)
    return queryset.filter(search_text__contains=wanted)


def apply_filters(queryset: QuerySet[Mou], values: dict) -> QuerySet[Mou]:
    """Narrow ``queryset`` by the valid form values (see RegistryForm.filters)."""
    text = (values.get("q") or "").strip()[:MAX_SEARCH]
    if text:
        # The reference, title and summary in every language and the parties' names, by
        # substring of the MoU's own search text: one bigram index, no join to the parties
        # (matching their names through the directory's search and joining them cost 70 ms of
        # a search's 115 on 20,000 MoUs).
        queryset = text_matching(queryset, text)
    if values.get("country"):
        queryset = queryset.filter(party_countries__contains=[values["country"]])
    pair = sorted({values[name] for name in ("pair_a", "pair_b") if values.get(name)})
    if pair:
        queryset = queryset.filter(party_countries__contains=pair)
    if values.get("sector"):
        queryset = queryset.filter(
            Exists(Mou.sectors.through.objects.filter(mou=OuterRef("pk"), sector=values["sector"]))
        )
    if values.get("cooperation_type"):
        queryset = queryset.filter(
            Exists(
                Mou.cooperation_types.through.objects.filter(
                    mou=OuterRef("pk"), cooperationtype=values["cooperation_type"]
                )
            )
        )
    if values.get("year"):
        queryset = queryset.filter(signed_on__year=values["year"])
    if values.get("status"):
        queryset = queryset.filter(status=values["status"])
    if values.get("event"):
        queryset = queryset.filter(event=values["event"])
    return queryset


# --- Exports ---------------------------------------------------------------------------------


# An export holds the title as written and, in one column per portal language, the title in
# that language (the original or its translation; empty when there is none), whoever exports:
# the file is the registry's record, passed between the secretariats of several countries and
# compared from one export to the next, so it keeps every text and its columns never change.
# The pages, not the export, pick the reader's language.


def export_headers(*, full: bool) -> list[str]:
    headers = [
        _("Reference"),
        _("Title"),
        _("Language of the title"),
        *(_("Title (%(language)s)") % {"language": name} for _code, name in content_languages()),
        _("Parties"),
        _("Countries"),
        _("Status"),
        _("Signed on"),
        _("Valid from"),
        _("Valid until"),
        _("Sectors"),
        _("Cooperation types"),
        _("Event"),
        _("Milestone"),
        _("Milestone kind"),
        _("Milestone status"),
        _("Due on"),
        _("Completed on"),
        _("Page"),
    ]
    if full:
        signed_at = headers.index(_("Signed on"))
        headers[signed_at:signed_at] = [_("Listed in the public registry")]
    return [str(header) for header in headers]


def export_rows(queryset: QuerySet[Mou], *, full: bool, request) -> Iterable[list[str]]:
    """Yield one row per MoU and milestone (an MoU without milestones gets one row).

    The public export (``full=False``) holds the registry's public fields only: no summary,
    witnesses, documents, evidence or people. The event is named only where the queryset says
    it may be shown (``event_shown``, see `mous.selectors.mous_with_event_shown`).
    """
    language_names = dict(content_languages())
    codes = list(language_names)
    signed_at = export_headers(full=False).index(_("Signed on"))
    rows = queryset.select_related("event").prefetch_related(
        "parties__institution", "sectors", "cooperation_types", "milestones"
    )[:EXPORT_CAP]
    for mou in rows.iterator(chunk_size=500):
        base = [
            mou.reference,
            mou.title,
            str(language_names.get(mou.original_language, mou.original_language)),
            *(mou.title if code == mou.original_language else mou.translation("title", code) for code in codes),
            "; ".join(party.institution.name for party in mou.parties.all()),
            ", ".join(mou.party_countries),
            str(mou.get_status_display()),
            mou.signed_on.isoformat() if mou.signed_on else "",
            mou.valid_from.isoformat() if mou.valid_from else "",
            mou.valid_until.isoformat() if mou.valid_until else "",
            "; ".join(sector.label for sector in mou.sectors.all()),
            "; ".join(kind.label for kind in mou.cooperation_types.all()),
            mou.event.title if mou.event and getattr(mou, "event_shown", False) else "",
        ]
        if full:
            base[signed_at:signed_at] = [str(_("yes") if mou.is_public else _("no"))]
        url = request.build_absolute_uri(mou.get_absolute_url())
        milestones: list[Milestone] = list(mou.milestones.all())
        if not milestones:
            yield [value or "" for value in [*base, "", "", "", "", "", url]]
        for milestone in milestones:
            row = [
                *base,
                milestone.title,
                str(milestone.get_kind_display()),
                str(milestone.get_status_display()),
                milestone.due_on.isoformat() if milestone.due_on else "",
                milestone.completed_on.isoformat() if milestone.completed_on else "",
                url,
            ]
            yield [value or "" for value in row]
