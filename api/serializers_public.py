"""What the public reads return: the fields the public pages show, nothing more.

No person's contact data: an institution's contact email is never shown (the page hides it
too); an event shows counts of participants per country, never names, as its page does.
"""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.reverse import reverse

from .fields import CountrySerializer, LocalizedTextField, TaxonomyTermSerializer, TextLanguagesField, TranslationsField


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
