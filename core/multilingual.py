"""Texts entered in more than one language.

A model that takes :class:`MultilingualModel` keeps each of its ``TRANSLATED_FIELDS`` as it was
written (the original, in ``original_language``) and its translations in one JSON field,
``translations = {"title": {"zh-hans": "…", "km": "…"}, "description": {…}}``. Readers see
their own language when it exists, then English, then the original (:func:`localized`); the
text returned says which language it is in, so that pages can mark it (``lang``) and say when
they fall back. Language codes are the portal's own (``settings.LANGUAGES``).

Forms take :class:`TranslationsFormMixin`; templates use the ``multilingual`` tags.
"""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import get_language, get_language_info
from django.utils.translation import gettext_lazy as _

FALLBACK_LANGUAGE = "en"


def content_languages() -> list[tuple[str, str]]:
    """The languages a text can be written in: the portal's, each by its own name."""
    return [(code, get_language_info(code)["name_local"]) for code, _name in settings.LANGUAGES]


def language_codes() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def reader_language(language: str | None = None) -> str:
    """The portal language code for ``language`` (default: the active one), e.g. ``zh-hans``."""
    code = (language or get_language() or settings.LANGUAGE_CODE).lower().replace("_", "-")
    codes = language_codes()
    if code in codes:
        return code
    base = code.split("-")[0]
    for candidate in codes:
        if candidate.split("-")[0] == base:
            return candidate
    return settings.LANGUAGE_CODE


class LocalizedText(str):
    """A text with the language it is written in and the language the reader asked for."""

    language: str
    requested: str

    # Defaults so that pickle (the cache) can rebuild one: it calls ``__new__`` with the text
    # alone and then restores the attributes.
    def __new__(cls, text: str, language: str = FALLBACK_LANGUAGE, requested: str = FALLBACK_LANGUAGE) -> LocalizedText:
        value = super().__new__(cls, text)
        value.language = language
        value.requested = requested
        return value

    @property
    def is_fallback(self) -> bool:
        """Whether the text is in another language than the reader's (and not empty)."""
        return bool(self) and self.language != self.requested

    @property
    def language_name(self) -> str:
        """The text's language named in the reader's ("English" reads 英语 in Chinese)."""
        return str(get_language_info(self.language)["name_translated"])


def pick(
    original: str, original_language: str, translations: dict | None, language: str | None = None
) -> LocalizedText:
    """Choose the text a reader of ``language`` sees: theirs, then English, then the original."""
    requested = reader_language(language)
    original_language = original_language or FALLBACK_LANGUAGE
    texts = {code: text for code, text in (translations or {}).items() if isinstance(text, str) and text.strip()}
    if original:
        texts[original_language] = original
    for code in (requested, FALLBACK_LANGUAGE):
        if texts.get(code):
            return LocalizedText(texts[code], code, requested)
    return LocalizedText(original or "", original_language, requested)


class MultilingualModel(models.Model):
    """An abstract base for rows whose texts may be written in several languages."""

    #: The text fields that take translations, in the order forms show them.
    TRANSLATED_FIELDS: tuple[str, ...] = ()

    original_language = models.CharField(
        _("language of the text"),
        max_length=10,
        choices=content_languages,
        default=FALLBACK_LANGUAGE,
        help_text=_("The language the texts above are written in. Translations go below."),
    )
    translations = models.JSONField(_("translations"), default=dict, blank=True)

    class Meta:
        abstract = True

    def localized(self, field: str, language: str | None = None) -> LocalizedText:
        if field not in self.TRANSLATED_FIELDS:
            raise ValueError(f"{type(self).__name__}.{field} takes no translations")
        return pick(getattr(self, field) or "", self.original_language, (self.translations or {}).get(field), language)

    def translation(self, field: str, language: str) -> str:
        """The stored translation of ``field`` into ``language`` ("" when there is none)."""
        return ((self.translations or {}).get(field) or {}).get(language, "")

    def texts_in_every_language(self, *fields: str) -> list[str]:
        """Every text of ``fields`` (default: all translated ones), original first, for search."""
        texts = []
        for field in fields or self.TRANSLATED_FIELDS:
            original = getattr(self, field) or ""
            if original:
                texts.append(original)
            texts.extend(
                text
                for text in ((self.translations or {}).get(field) or {}).values()
                if isinstance(text, str) and text and text != original
            )
        return texts


def clean_translations(value, fields: tuple[str, ...], max_lengths: dict[str, int | None]) -> dict:
    """Return ``value`` as stored translations, or raise ``ValidationError`` naming what is wrong.

    Used by forms and imports (and the API): only known fields and languages, texts only,
    within each field's length; empty texts are dropped.
    """
    if value in (None, ""):
        return {}
    if not isinstance(value, dict):
        raise ValidationError(_("Translations must be given per text and language."), code="invalid")
    codes = set(language_codes())
    cleaned: dict[str, dict[str, str]] = {}
    for field, per_language in value.items():
        if field not in fields:
            raise ValidationError(_("“%(field)s” takes no translations."), code="invalid", params={"field": field})
        if not isinstance(per_language, dict):
            raise ValidationError(_("Translations must be given per text and language."), code="invalid")
        for code, text in per_language.items():
            if code not in codes:
                raise ValidationError(
                    _("“%(language)s” is not a language of the portal."), code="invalid", params={"language": code}
                )
            if not isinstance(text, str):
                raise ValidationError(_("Translations must be given per text and language."), code="invalid")
            text = text.strip()
            limit = max_lengths.get(field)
            if limit and len(text) > limit:
                raise ValidationError(
                    _("A translation of %(field)s is longer than %(limit)d characters."),
                    code="max_length",
                    params={"field": field, "limit": limit},
                )
            if text:
                cleaned.setdefault(field, {})[code] = text
    return cleaned


class LanguageKeptFormMixin:
    """A form sent without the language of its texts keeps the stored one (a new row: English).

    The pages always send it; an older page or a script that leaves it out keeps the language
    stored rather than failing or resetting it, as a form sent without a translation keeps none.
    Put it before the form's bases.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._keep_language()

    def _keep_language(self) -> None:
        if "original_language" in self.fields:
            self.fields["original_language"].required = False

    def clean_original_language(self) -> str:
        return (
            self.cleaned_data.get("original_language")
            or getattr(self.instance, "original_language", "")
            or FALLBACK_LANGUAGE
        )


class TranslationsJSONFormMixin:
    """For a ModelForm that edits ``translations`` as JSON (the admin): checked like any other input."""

    def clean_translations(self) -> dict:
        model = self._meta.model
        max_lengths = {name: model._meta.get_field(name).max_length for name in model.TRANSLATED_FIELDS}
        return clean_translations(self.cleaned_data.get("translations"), model.TRANSLATED_FIELDS, max_lengths)


class TranslationsFormMixin(LanguageKeptFormMixin):
    """Adds the language of the texts and a field per translated text and language to a ModelForm.

    The form's model is a :class:`MultilingualModel`; only the translated fields the form edits
    get translations. Templates show them with ``{% include "core/_translations.html" %}`` (one
    folded group per language, opened when it holds text or an error).
    """

    TRANSLATION_PREFIX = "translation"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        model = self._meta.model
        self.translated_fields = [name for name in model.TRANSLATED_FIELDS if name in self.fields]
        if "original_language" not in self.fields:
            field = model._meta.get_field("original_language")
            self.fields["original_language"] = field.formfield()
            self.initial.setdefault("original_language", getattr(self.instance, "original_language", "") or "en")
            self._keep_language()
        self._translation_names: dict[tuple[str, str], str] = {}
        for code, _name in settings.LANGUAGES:
            for name in self.translated_fields:
                model_field = model._meta.get_field(name)
                source = self.fields[name]
                widget = (
                    forms.Textarea(attrs={"rows": 3, "lang": code})
                    if isinstance(model_field, models.TextField)
                    else forms.TextInput(attrs={"lang": code})
                )
                key = f"{self.TRANSLATION_PREFIX}_{name}_{code}"
                self.fields[key] = forms.CharField(
                    label=format_lazy("{} ({})", source.label, get_language_info(code)["name_local"]),
                    required=False,
                    max_length=model_field.max_length,
                    widget=widget,
                )
                self.initial.setdefault(key, self.instance.translation(name, code) if self.instance.pk else "")
                self._translation_names[(name, code)] = key

    def is_translation_field(self, name: str) -> bool:
        return name.startswith(f"{self.TRANSLATION_PREFIX}_")

    @property
    def translation_groups(self) -> list[dict]:
        """One group per language: its code, its own name, its bound fields, whether to open it."""
        groups = []
        for code, name in content_languages():
            fields = [self[self._translation_names[(field, code)]] for field in self.translated_fields]
            groups.append(
                {
                    "code": code,
                    "name": name,
                    "fields": fields,
                    "open": any(bound.value() or bound.errors for bound in fields),
                }
            )
        return groups

    def clean(self):
        cleaned = super().clean()
        original_language = cleaned.get("original_language") or "en"
        translations: dict[str, dict[str, str]] = {}
        for (field, code), key in self._translation_names.items():
            text = (cleaned.get(key) or "").strip()
            if text and code != original_language:
                translations.setdefault(field, {})[code] = text
        # Translations of fields this form does not edit are kept as they were.
        kept = {
            field: texts
            for field, texts in (self.instance.translations or {}).items()
            if field not in self.translated_fields
        }
        self.cleaned_translations = {**kept, **translations}
        return cleaned

    def _post_clean(self) -> None:
        super()._post_clean()
        if hasattr(self, "cleaned_translations"):
            self.instance.translations = self.cleaned_translations
            self.instance.original_language = self.cleaned_data.get("original_language") or "en"
