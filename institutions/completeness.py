"""How complete an institution's profile is, and what is still missing.

Partners are found through what a profile says: an institution without offers and needs
never appears in anyone's recommendations, and one without a description is rarely chosen
from the directory. The weights below say how much each part matters for being found and
chosen; the percentage is the share of the applicable weight that is filled in.
"""

from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from .models import Institution

# A description shorter than this rarely tells a partner enough to write to you.
MIN_DESCRIPTION_LENGTH = 150

# Countries whose institutions have a name in another script than Latin. Their local-script
# name is how colleagues at home search for them, so it counts for these countries only.
NON_LATIN_SCRIPT_COUNTRIES = {"CN", "HK", "MO", "TW", "TH", "KH", "LA", "MM", "JP", "KR", "MN", "RU"}


@dataclass(frozen=True)
class CompletenessItem:
    """One part of a profile: its weight, whether it is filled in, and where to fill it in."""

    key: str
    label: str
    weight: int
    done: bool
    # The id of the field in the edit form, so that a "missing" link lands on it.
    anchor: str


@dataclass(frozen=True)
class Completeness:
    percent: int
    items: list[CompletenessItem] = field(default_factory=list)

    @property
    def missing(self) -> list[str]:
        """Return the labels of the parts still missing, the most important first."""
        return [str(item.label) for item in self.missing_items]

    @property
    def missing_items(self) -> list[CompletenessItem]:
        return sorted((item for item in self.items if not item.done), key=lambda item: -item.weight)

    @property
    def is_complete(self) -> bool:
        return self.percent == 100


def profile_completeness(institution: Institution) -> Completeness:
    """Return how complete ``institution``'s profile is.

    Costs at most one query (the sectors), none when they are prefetched or when a list has
    annotated ``has_sectors`` (see ``with_has_sectors``): offers and needs are read from the
    ``offer_keys``/``need_keys`` columns that the signals keep current.
    """
    items = [
        CompletenessItem(
            "description",
            _("a description of at least a few sentences"),
            15,
            len(institution.description.strip()) >= MIN_DESCRIPTION_LENGTH,
            "id_description",
        ),
        CompletenessItem("offers", _("at least one offer"), 15, bool(institution.offer_keys), "offers"),
        CompletenessItem("needs", _("at least one need"), 15, bool(institution.need_keys), "needs"),
        CompletenessItem("sectors", _("your sectors"), 10, _has_sectors(institution), "id_sectors"),
        CompletenessItem("languages", _("languages of work"), 10, bool(institution.languages), "id_languages"),
        CompletenessItem("website", _("a website"), 10, bool(institution.website), "id_website"),
        CompletenessItem("logo", _("a logo"), 10, bool(institution.logo), "id_logo"),
        CompletenessItem("city", _("the city"), 5, bool(institution.city.strip()), "id_city"),
        CompletenessItem(
            "contact_email", _("a contact email for messages"), 5, bool(institution.contact_email), "id_contact_email"
        ),
    ]
    if str(institution.country) in NON_LATIN_SCRIPT_COUNTRIES:
        items.append(
            CompletenessItem(
                "name_local",
                _("the name in local script"),
                5,
                bool(institution.name_local.strip()),
                "id_name_local",
            )
        )
    total = sum(item.weight for item in items)
    done = sum(item.weight for item in items if item.done)
    # Round down, so that 100 % means everything is there.
    return Completeness(percent=done * 100 // total, items=items)


def with_has_sectors(queryset: QuerySet[Institution]) -> QuerySet[Institution]:
    """Annotate whether each institution has a sector, so completeness needs no further query."""
    links = Institution.sectors.through.objects.filter(institution_id=OuterRef("pk"))
    return queryset.annotate(has_sectors=Exists(links))


def _has_sectors(institution: Institution) -> bool:
    annotated = getattr(institution, "has_sectors", None)
    return bool(institution.sectors.all()) if annotated is None else annotated
