"""The Simplified Chinese catalogue is complete, consistent and compiled.

These tests read locale/zh_Hans/LC_MESSAGES/django.po and django.mo; they need no database.

They do not check that the catalogue holds every string of the code: after adding or changing
translatable strings, refresh the catalogue, translate the new entries and compile it:

    python manage.py makemessages -l zh_Hans --no-obsolete
    python manage.py compilemessages -l zh_Hans --ignore=.venv
"""

import re

import polib
from django.conf import settings

CATALOGUE_DIR = settings.BASE_DIR / "locale" / "zh_Hans" / "LC_MESSAGES"
PO_PATH = CATALOGUE_DIR / "django.po"
MO_PATH = CATALOGUE_DIR / "django.mo"

# Named python-format placeholders such as %(name)s; a doubled %% is a literal percent sign.
PLACEHOLDER = re.compile(r"%%|%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]")


def _po():
    return polib.pofile(str(PO_PATH))


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


def test_catalogue_header_declares_simplified_chinese():
    po = _po()

    assert po.metadata["Language"] == "zh_Hans"
    assert po.metadata["Plural-Forms"] == "nplurals=1; plural=0;"
    assert po.metadata["Content-Type"] == "text/plain; charset=UTF-8"
    assert not po.metadata_is_fuzzy


def test_catalogue_every_entry_is_translated():
    assert [_label(entry) for entry in _po().untranslated_entries()] == []


def test_catalogue_no_entry_is_fuzzy():
    assert [_label(entry) for entry in _po().fuzzy_entries()] == []


def test_catalogue_no_entry_is_obsolete():
    assert [_label(entry) for entry in _po().obsolete_entries()] == []


def test_catalogue_translations_keep_every_placeholder():
    mismatches = []
    for entry in _po():
        if entry.obsolete:
            continue
        expected = _placeholders(entry.msgid) | _placeholders(entry.msgid_plural or "")
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            if _placeholders(translation) != expected:
                mismatches.append((_label(entry), translation))

    assert mismatches == []


def test_compiled_catalogue_matches_the_po_file():
    po_pairs = _pairs(_po())
    mo_pairs = _pairs(polib.mofile(str(MO_PATH)))

    missing = sorted(str(key) for key in po_pairs.keys() - mo_pairs.keys())
    extra = sorted(str(key) for key in mo_pairs.keys() - po_pairs.keys())
    changed = sorted(str(key) for key in po_pairs.keys() & mo_pairs.keys() if po_pairs[key] != mo_pairs[key])
    assert (missing, extra, changed) == ([], [], [])
