"""Translate the country names in the portal's catalogues from the Unicode CLDR.

    python manage.py country_names [--check]

django-countries names every country in English and translates the names in its own
catalogues, which have no Khmer, Lao, Burmese, Indonesian or Malay, and a Thai one under a
locale name (``th_TH``) Django never looks for. ``third_party_messages`` puts the names in the
portal's catalogues; this command fills each shipped language's translations: django-countries'
own where it has them (Chinese, Vietnamese), otherwise the country's name in that language from
the Unicode Common Locale Data Repository (CLDR), as the Babel package carries it, the source
operating systems and browsers use. A name the portal's translators already gave is kept.

Run it after ``make messages`` when django-countries changes; ``--check`` writes nothing and
fails when a country name is untranslated in some language. Babel is needed only here (a
development dependency): the portal reads the names from its compiled catalogues.
"""

from __future__ import annotations

import gettext
from importlib.util import find_spec
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation
from django.utils.translation import to_locale

SOURCE_FILE = "portal/third_party_messages.py"


def english_names() -> dict[str, str]:
    """Each English name django-countries may show (official, common, old) → its ISO code."""
    from django_countries.base import CountriesBase
    from django_countries.data import COUNTRIES

    names = {}
    with translation.override(None):
        for table in (COUNTRIES, CountriesBase.OLD_NAMES, CountriesBase.COMMON_NAMES):
            for code, name in table.items():
                for text in name if isinstance(name, (list, tuple)) else (name,):
                    names[str(text)] = code
    return names


def package_translations(language: str) -> gettext.NullTranslations:
    folder = Path(find_spec("django_countries").submodule_search_locations[0]) / "locale"
    return gettext.translation("django", folder, languages=[to_locale(language)], fallback=True)


def cldr_name(code: str, language: str) -> str:
    from babel import Locale

    return Locale.parse(to_locale(language)).territories.get(code, "")


def fill(language: str, *, write: bool) -> list[str]:
    """Translate the catalogue's untranslated country names; return those still missing."""
    path = Path(settings.BASE_DIR) / "locale" / to_locale(language) / "LC_MESSAGES" / "django.po"
    catalogue = polib.pofile(str(path), wrapwidth=79)
    codes = english_names()
    own = package_translations(language)
    missing, changed = [], False
    for entry in catalogue:
        if entry.obsolete or entry.msgid not in codes:
            continue
        if not any(file == SOURCE_FILE for file, _line in entry.occurrences):
            continue
        if entry.msgstr and "fuzzy" not in entry.flags:
            continue
        text = own.gettext(entry.msgid)
        if text == entry.msgid and language != "en":
            text = cldr_name(codes[entry.msgid], language) or text
        if not text:
            missing.append(entry.msgid)
            continue
        entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
        changed = True
    if write and changed:
        catalogue.save(str(path))
    return missing if write else [entry.msgid for entry in catalogue.untranslated_entries() if entry.msgid in codes]


class Command(BaseCommand):
    help = "Translate the country names in every shipped catalogue from the Unicode CLDR."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="write nothing; fail when a name is untranslated")

    def handle(self, *args, check: bool = False, **options):
        problems = []
        for language, _name in settings.LANGUAGES:
            if language == settings.LANGUAGE_CODE:
                continue
            missing = fill(language, write=not check)
            problems.extend(f"{language}: {name}" for name in missing)
        if problems:
            raise CommandError("Country names without a translation: " + "; ".join(problems))
        if not check:
            self.stdout.write("Country names translated; run `make messages` to compile them.")
