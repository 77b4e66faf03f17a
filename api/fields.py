"""Serializer fields the API's modules share: texts in several languages, countries.

A text written in several languages (``core.multilingual``) is given in the caller's language
(theirs, else English, else the original) by ``LocalizedTextField``; ``TextLanguagesField``
says which language each such text of the object is in, beside the object's
``original_language``. Countries are ISO codes with their names in the caller's language.
"""

from django.conf import settings
from django_countries.fields import Country
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

# The codes of the portal's languages: the choices of every text's ``original_language``, one
# enum (LanguageEnum) in the OpenAPI document.
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


@extend_schema_field(OpenApiTypes.STR)
class LocalizedTextField(serializers.Field):
    """The text of ``field`` in the caller's language (``MultilingualModel.localized``)."""

    def __init__(self, field: str | None = None, **kwargs):
        self.text_field = field
        kwargs.setdefault("read_only", True)
        super().__init__(source="*", **kwargs)

    def bind(self, field_name, parent):
        super().bind(field_name, parent)
        self.text_field = self.text_field or field_name

    def to_representation(self, value):
        return str(value.localized(self.text_field))


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "string"},
        "description": "The language (code) each text above is given in.",
    }
)
class TextLanguagesField(serializers.Field):
    def __init__(self, *fields: str, **kwargs):
        self.text_fields = fields
        kwargs.setdefault("read_only", True)
        super().__init__(source="*", **kwargs)

    def to_representation(self, value):
        return {field: value.localized(field).language for field in self.text_fields}


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": {"type": "object", "additionalProperties": {"type": "string"}},
        "description": "Every stored translation: field -> language -> text.",
    }
)
class TranslationsField(serializers.Field):
    def __init__(self, **kwargs):
        kwargs.setdefault("read_only", True)
        super().__init__(**kwargs)

    def to_representation(self, value):
        return {field: dict(texts) for field, texts in (value or {}).items() if isinstance(texts, dict)}


def country_dict(code) -> dict | None:
    if not code:
        return None
    country = code if isinstance(code, Country) else Country(str(code))
    return {"code": country.code, "name": str(country.name)}


class CountrySerializer(serializers.Serializer):
    """A country: its ISO 3166 code and its name in the caller's language."""

    code = serializers.CharField()
    name = serializers.CharField()

    def to_representation(self, instance):
        return country_dict(instance)


class TaxonomyTermSerializer(serializers.Serializer):
    """A sector or cooperation type: its key (used in filters) and its name in the caller's language."""

    slug = serializers.CharField()
    name = serializers.CharField(source="label")
