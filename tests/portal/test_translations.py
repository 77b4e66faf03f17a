"""Every language the portal ships has a complete, consistent and compiled catalogue.

These tests read locale/<language>/LC_MESSAGES/django.po and django.mo for each language of
``settings.LANGUAGES`` but English; they need no database. A missing, untranslated or fuzzy
message, a placeholder lost or invented, or a stale ``.mo`` fails them.

After adding or changing translatable strings, refresh every catalogue, translate the new
entries and compile them (``make messages`` does the first and last step):

    python manage.py makemessages --all --no-obsolete
    python manage.py compilemessages --ignore=.venv --ignore=.venvs --ignore=.data
"""

import re
import shutil
import tempfile
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils.translation import to_locale

SHIPPED = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]

# Named python-format placeholders such as %(name)s; a doubled %% is a literal percent sign.
PLACEHOLDER = re.compile(r"%%|%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _catalogue_dir(language: str):
    return settings.BASE_DIR / "locale" / to_locale(language) / "LC_MESSAGES"


def _po(language: str):
    return polib.pofile(str(_catalogue_dir(language) / "django.po"))


def _label(entry) -> str:
    return f"{entry.msgctxt}|{entry.msgid}" if entry.msgctxt else entry.msgid


def _placeholders(text: str) -> set[str]:
    return {name for name in PLACEHOLDER.findall(text) if name}


def _pairs(catalogue) -> dict:
    pairs = {}
    for entry in catalogue:
        if not entry.msgid or entry.obsolete:
            continue
        if entry.msgid_plural:
            translation = tuple(entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural))
        else:
            translation = entry.msgstr
        pairs[(entry.msgctxt or None, entry.msgid)] = translation
    return pairs


def test_every_language_of_the_portal_is_one_of_the_nine_of_the_region():
    assert [code for code, _name in settings.LANGUAGES][:2] == ["en", "zh-hans"]
    assert set(SHIPPED) <= {"zh-hans", "km", "th", "vi", "id", "ms", "lo", "my"}


@pytest.mark.parametrize("language", SHIPPED)
def test_catalogue_header_declares_its_language_and_one_plural_form(language):
    po = _po(language)

    assert po.metadata["Language"] == to_locale(language)
    # Chinese and the languages of Southeast Asia the portal speaks have no plural inflection.
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert not po.metadata_is_fuzzy


@pytest.mark.parametrize("language", SHIPPED)
def test_catalogue_every_entry_is_translated(language):
    assert [_label(entry) for entry in _po(language).untranslated_entries()] == []


@pytest.mark.parametrize("language", SHIPPED)
def test_catalogue_no_entry_is_fuzzy(language):
    assert [_label(entry) for entry in _po(language).fuzzy_entries()] == []


@pytest.mark.parametrize("language", SHIPPED)
def test_catalogue_no_entry_is_obsolete(language):
    assert [_label(entry) for entry in _po(language).obsolete_entries()] == []


@pytest.mark.parametrize("language", SHIPPED)
def test_catalogue_holds_the_same_messages_as_every_other(language):
    """A message refreshed into one catalogue but not the others would show in English there."""
    reference = set(_pairs(_po(SHIPPED[0])))
    own = set(_pairs(_po(language)))

    assert (sorted(map(str, reference - own)), sorted(map(str, own - reference))) == ([], [])


@pytest.mark.parametrize("language", SHIPPED)
def test_catalogue_translations_keep_every_placeholder(language):
    mismatches = []
    for entry in _po(language):
        if entry.obsolete:
            continue
        expected = _placeholders(entry.msgid) | _placeholders(entry.msgid_plural or "")
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            if _placeholders(translation) != expected:
                mismatches.append((_label(entry), translation))

    assert mismatches == []


@pytest.mark.parametrize("language", SHIPPED)
def test_compiled_catalogue_matches_the_po_file(language):
    po_pairs = _pairs(_po(language))
    mo_pairs = _pairs(polib.mofile(str(_catalogue_dir(language) / "django.mo")))

    missing = sorted(str(key) for key in po_pairs.keys() - mo_pairs.keys())
    extra = sorted(str(key) for key in mo_pairs.keys() - po_pairs.keys())
    changed = sorted(str(key) for key in po_pairs.keys() & mo_pairs.keys() if po_pairs[key] != mo_pairs[key])
    assert (missing, extra, changed) == ([], [], [])


def test_catalogues_hold_every_message_of_the_code(monkeypatch):
    """Extract the messages from the code afresh (as ``makemessages`` does) and compare.

    The fresh catalogue goes to a folder of its own inside the project (makemessages files a
    source under a locale folder beside one of its parent folders; the shipped ``locale/`` is
    left out of the walk so that it is not that folder), removed after.
    """
    folder = Path(tempfile.mkdtemp(prefix=".messages-", dir=settings.BASE_DIR))
    try:
        monkeypatch.chdir(settings.BASE_DIR)
        with override_settings(LOCALE_PATHS=[folder]):
            call_command("makemessages", locale=["xx"], ignore_patterns=["locale"], no_obsolete=True, verbosity=0)
        fresh = set(_pairs(polib.pofile(str(folder / "xx" / "LC_MESSAGES" / "django.po"))))
    finally:
        shutil.rmtree(folder)
    shipped = set(_pairs(_po(SHIPPED[0])))

    assert (sorted(map(str, fresh - shipped)), sorted(map(str, shipped - fresh))) == ([], [])


def test_the_list_of_django_and_allauth_messages_matches_the_installed_packages():
    # After an upgrade: `python manage.py third_party_messages`, then `make messages`.
    call_command("third_party_messages", check=True)


def test_a_stale_list_of_third_party_messages_is_reported(tmp_path, monkeypatch):
    from portal.management.commands import third_party_messages

    stale = tmp_path / "third_party_messages.py"
    stale.write_text(third_party_messages.module_text().replace('_("Enter a valid email address."),\n', ""))
    monkeypatch.setattr(third_party_messages, "TARGET", stale)

    with pytest.raises(CommandError, match="stale"):
        call_command("third_party_messages", check=True)


REGION = ("KH", "TH", "LA", "MM", "CN", "VN", "ID", "MY", "BN", "TL", "PH", "SG")


@pytest.mark.parametrize("language", SHIPPED)
def test_countries_of_the_region_are_named_in_every_language(language):
    from django.utils import translation

    from core.countries import countries

    with translation.override(language):
        names = [countries.name(code) for code in REGION]

    if language in ("zh-hans", "km", "th", "lo", "my"):  # written in their own script, no Latin letter
        assert [name for name in names if re.search("[A-Za-z]", name)] == []
    assert names[0] == {"zh-hans": "柬埔寨", "km": "កម្ពុជា", "th": "กัมพูชา", "vi": "Campuchia", "id": "Kamboja",
                        "ms": "Kemboja", "lo": "ກຳປູເຈຍ", "my": "ကမ္ဘောဒီးယား"}[language]  # fmt: skip


def test_every_country_name_is_translated_in_every_catalogue():
    call_command("country_names", "--check")
