"""What the public reads return: the fields the public pages show, nothing more.

No person's contact data: an institution's contact email is never shown (the page hides it
too); an event shows counts of participants per country, never names, as its page does.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from .fields import (
    CountrySerializer,
    LocalizedTextField,
    TaxonomyTermSerializer,
    TextLanguagesField,
    TranslationsField,
    country_dict,
)


class EventListSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    url = serializers.SerializerMethodField()
    title = LocalizedTextField()
    theme = LocalizedTextField()
    original_language = serializers.CharField()
    text_languages = TextLanguagesField("title", "theme")
    kind = serializers.CharField()
    status = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField()
    city = serializers.CharField()
    country = CountrySerializer()
    time_zone = serializers.CharField()
    organisers = serializers.SerializerMethodField()

    def get_url(self, event) -> str:
        return reverse("api:event", args=[event.slug], request=self.context.get("request"))

    def get_organisers(self, event) -> list[str]:
        """The slugs of the organising institutions."""
        return [institution.slug for institution in event.organisers.all()]


class SessionSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    title = LocalizedTextField()
    original_language = serializers.CharField()
    text_languages = TextLanguagesField("title")
    kind = serializers.CharField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    room = serializers.CharField()


class ParticipationSerializer(serializers.Serializer):
    country = serializers.SerializerMethodField()
    participants = serializers.IntegerField()
    institutions = serializers.IntegerField()

    @extend_schema_field(CountrySerializer)
    def get_country(self, row) -> dict:
        return {"code": row["country"], "name": str(row["country_name"])}


class EventDetailSerializer(EventListSerializer):
    description = LocalizedTextField()
    text_languages = TextLanguagesField("title", "theme", "description")
    translations = TranslationsField()
    venue = serializers.CharField()
    registration_opens_at = serializers.DateTimeField(allow_null=True)
    registration_closes_at = serializers.DateTimeField(allow_null=True)
    sessions = SessionSerializer(many=True, source="agenda")
    participation = ParticipationSerializer(many=True)


class ProfileItemSerializer(serializers.Serializer):
    cooperation_type = TaxonomyTermSerializer()
    sector = TaxonomyTermSerializer()
    note = LocalizedTextField()
    capacity = serializers.CharField()


class InstitutionListSerializer(serializers.Serializer):
    slug = serializers.SlugField()
    url = serializers.SerializerMethodField()
    name = serializers.CharField()
    name_local = serializers.CharField()
    acronym = serializers.CharField()
    kind = serializers.CharField()
    country = CountrySerializer()
    province = serializers.CharField()
    city = serializers.CharField()
    verification_status = serializers.CharField()
    sectors = TaxonomyTermSerializer(many=True, source="sectors.all")
    updated_at = serializers.DateTimeField()

    def get_url(self, institution) -> str:
        return reverse("api:institution", args=[institution.slug], request=self.context.get("request"))

    def to_representation(self, institution):
        if type(self) is not InstitutionListSerializer:
            return super().to_representation(institution)
        # The directory's lists: the same fields built directly, several times faster than
        # DRF's field by field walk (it showed in the directory's benchmark).
        return {
            "slug": institution.slug,
            "url": self._base_url() + f"{institution.slug}/",
            "name": institution.name,
            "name_local": institution.name_local,
            "acronym": institution.acronym,
            "kind": institution.kind,
            "country": country_dict(institution.country),
            "province": institution.province,
            "city": institution.city,
            "verification_status": institution.verification_status,
            "sectors": [{"slug": sector.slug, "name": str(sector.label)} for sector in institution.sectors.all()],
            "updated_at": serializers.DateTimeField().to_representation(institution.updated_at),
        }

    def _base_url(self) -> str:
        base = self.context.get("_institutions_url")
        if base is None:
            base = reverse("api:institutions", request=self.context.get("request"))
            self.context["_institutions_url"] = base
        return base


class InstitutionDetailSerializer(InstitutionListSerializer):
    website = serializers.CharField(help_text="The institution's website, or empty.")
    description = LocalizedTextField()
    original_language = serializers.CharField()
    text_languages = TextLanguagesField("description")
    translations = TranslationsField()
    languages = serializers.ListField(child=serializers.CharField(), help_text="Languages of work (codes).")
    logo = serializers.SerializerMethodField()
    offers = ProfileItemSerializer(many=True, source="offers.all")
    needs = ProfileItemSerializer(many=True, source="needs.all")

    def get_logo(self, institution) -> str | None:
        request = self.context.get("request")
        if not institution.logo:
            return None
        url = institution.logo.url
        return request.build_absolute_uri(url) if request is not None else url


class PartySerializer(serializers.Serializer):
    institution = serializers.SlugField(source="institution.slug")
    name = serializers.CharField(source="institution.name")
    name_local = serializers.CharField(source="institution.name_local")
    country = CountrySerializer(source="institution.country")
    signatory_name = serializers.CharField()
    signatory_title = serializers.CharField()


class MouListSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="pk")
    url = serializers.SerializerMethodField()
    reference = serializers.CharField()
    title = LocalizedTextField()
    original_language = serializers.CharField()
    text_languages = TextLanguagesField("title")
    status = serializers.CharField()
    is_public = serializers.BooleanField()
    signed_on = serializers.DateField(allow_null=True)
    valid_from = serializers.DateField(allow_null=True)
    valid_until = serializers.DateField(allow_null=True)
    party_countries = serializers.ListField(child=serializers.CharField())
    parties = PartySerializer(many=True, source="parties.all")
    event = serializers.SerializerMethodField()

    def get_url(self, mou) -> str:
        return reverse("api:mou", args=[mou.pk], request=self.context.get("request"))

    def get_event(self, mou) -> str | None:
        """The slug of the MoU's event, when the caller may open that event."""
        return mou.event.slug if mou.event_id and getattr(mou, "event_shown", False) else None

    def to_representation(self, mou):
        if type(self) is not MouListSerializer:
            return super().to_representation(mou)
        # The registry's lists, built directly (as InstitutionListSerializer's).
        base = self.context.get("_mous_url")
        if base is None:
            base = self.context["_mous_url"] = reverse("api:mous", request=self.context.get("request"))
        title = mou.localized("title")
        day = serializers.DateField().to_representation
        return {
            "id": mou.pk,
            "url": f"{base}{mou.pk}/",
            "reference": mou.reference,
            "title": str(title),
            "original_language": mou.original_language,
            "text_languages": {"title": title.language},
            "status": mou.status,
            "is_public": mou.is_public,
            "signed_on": day(mou.signed_on) if mou.signed_on else None,
            "valid_from": day(mou.valid_from) if mou.valid_from else None,
            "valid_until": day(mou.valid_until) if mou.valid_until else None,
            "party_countries": list(mou.party_countries),
            "parties": [
                {
                    "institution": party.institution.slug,
                    "name": party.institution.name,
                    "name_local": party.institution.name_local,
                    "country": country_dict(party.institution.country),
                    "signatory_name": party.signatory_name,
                    "signatory_title": party.signatory_title,
                }
                for party in mou.parties.all()
            ],
            "event": self.get_event(mou),
        }


class MouDetailSerializer(MouListSerializer):
    summary = LocalizedTextField()
    text_languages = TextLanguagesField("title", "summary")
    translations = TranslationsField()
    signed_place = serializers.CharField()
    languages = serializers.ListField(child=serializers.CharField())
    sectors = TaxonomyTermSerializer(many=True, source="sectors.all")
    cooperation_types = TaxonomyTermSerializer(many=True, source="cooperation_types.all")
    renewal_of = serializers.SerializerMethodField()
    document_available = serializers.SerializerMethodField()

    def get_renewal_of(self, mou) -> int | None:
        return mou.renewal_of_id

    def get_document_available(self, mou) -> bool:
        """Whether the caller may download the signed document (on the MoU's page)."""
        user = self.context["request"].user
        return bool(mou.document) and user.has_perm("mous.view_mou_document", mou)


class PageLinksSerializer(serializers.Serializer):
    next = serializers.URLField(allow_null=True, help_text="The next page's address, or null.")
    previous = serializers.URLField(allow_null=True, help_text="The previous page's address, or null.")
    count = serializers.IntegerField(help_text="How many results there are in all.")


class FacetOptionSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField(allow_null=True, help_text="Null when unknown.")
    selected = serializers.BooleanField()


class DirectoryPageSerializer(PageLinksSerializer):
    """A page of the directory, with the counts per filter value that the directory page shows."""

    capped = serializers.BooleanField(help_text="True: count is a lower bound (a text search finds at most 1,000).")
    facets = serializers.DictField(child=FacetOptionSerializer(many=True))
    results = InstitutionListSerializer(many=True)


class RegistryPageSerializer(PageLinksSerializer):
    """A page of the MoU registry."""

    results = MouListSerializer(many=True)
