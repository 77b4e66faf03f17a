"""Write portal/third_party_messages.py: the messages of Django, django-allauth and django-countries the portal shows.

    python manage.py third_party_messages [--check]

The portal's pages show text from Django (form and field errors, dates, file sizes, "5 minutes
ago"), from django-allauth (sign-in, sign-up, email confirmation, passwords, second factor) and
from django-countries (every country's name).
Those packages translate it in their own catalogues, which lack Khmer, Lao, Burmese, Malay or
Vietnamese, in whole or in part. Listing the same messages in a module of the portal puts them
in the portal's own catalogues (``makemessages`` reads only the project's code), and a
project's translations come before a package's: every shipped language then has them all, and
Chinese can use the portal's own terms.

The list is read from the packages' English catalogues, limited to the parts the portal uses
(``SOURCES``). ``--check`` writes nothing and fails when the module differs from what the
installed packages give (after an upgrade: run the command, then ``make messages``, translate).
"""

from __future__ import annotations

from importlib.util import find_spec
from pathlib import Path

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

TARGET = Path(settings.BASE_DIR) / "portal" / "third_party_messages.py"

# (package, its English catalogue, the parts of the package whose messages the portal shows)
SOURCES = (
    (
        "django",
        "conf/locale/en/LC_MESSAGES/django.po",
        (
            "core/paginator.py",
            "core/validators.py",
            "db/models/",
            "forms/",
            "template/defaultfilters.py",
            "utils/dateformat.py",
            "utils/dates.py",
            "utils/text.py",
            "utils/timesince.py",
            "views/csrf.py",
        ),
    ),
    ("django.contrib.auth", "locale/en/LC_MESSAGES/django.po", ("contrib/auth/password_validation.py",)),
    (
        "allauth",
        "locale/en/LC_MESSAGES/django.po",
        ("account/", "mfa/", "templates/account/", "templates/allauth/", "templates/mfa/"),
    ),
    # Country names: translated from the Unicode CLDR by `manage.py country_names`.
    ("django_countries", "locale/en/LC_MESSAGES/django.po", ("base.py", "data.py")),
)

HEADER = '''"""Messages of Django, django-allauth and django-countries that the portal shows, for its catalogues.

Written by ``python manage.py third_party_messages`` from the installed packages' English
catalogues; do not edit by hand (see that command for why the list exists). Nothing imports
this module: ``makemessages`` reads it.
"""

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy, npgettext_lazy, pgettext_lazy

MESSAGES = (
'''


def _literal(text: str) -> str:
    """A Python string literal xgettext reads back as ``text`` (double quotes, escapes)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t")
    return f'"{escaped}"'


def _call(entry: polib.POEntry) -> str:
    msgid = _literal(entry.msgid)
    if entry.msgid_plural:
        plural = _literal(entry.msgid_plural)
        if entry.msgctxt:
            return f"npgettext_lazy({_literal(entry.msgctxt)}, {msgid}, {plural}, 1)"
        return f"ngettext_lazy({msgid}, {plural}, 1)"
    if entry.msgctxt:
        return f"pgettext_lazy({_literal(entry.msgctxt)}, {msgid})"
    return f"_({msgid})"


def _entries():
    """The chosen entries of every source, each message once, in the catalogues' order."""
    seen = set()
    for package, catalogue, parts in SOURCES:
        folder = Path(find_spec(package).submodule_search_locations[0])
        for entry in polib.pofile(str(folder / catalogue)):
            if entry.obsolete or not entry.msgid:
                continue
            if not any(path.startswith(parts) for path, _line in entry.occurrences):
                continue
            key = (entry.msgctxt, entry.msgid)
            if key not in seen:
                seen.add(key)
                yield package, entry


def module_text() -> str:
    lines = [HEADER]
    current = None
    for package, entry in _entries():
        if package != current:
            lines.append(f"    # {package}\n")
            current = package
        for comment in (entry.comment or "").splitlines():
            # makemessages keeps comments that start with "Translators" for the translators.
            lines.append(f"    # Translators: {comment.removeprefix('Translators:').strip()}\n")
        lines.append(f"    {_call(entry)},\n")
    lines.append(")\n")
    return "".join(lines)


class Command(BaseCommand):
    help = "Write portal/third_party_messages.py from the installed Django, django-allauth and django-countries."

    def add_arguments(self, parser):
        parser.add_argument("--check", action="store_true", help="write nothing; fail when the module is stale")

    def handle(self, *args, check: bool = False, **options):
        text = module_text()
        if check:
            if not TARGET.exists() or TARGET.read_text() != text:
                raise CommandError(
                    "portal/third_party_messages.py is stale: run `python manage.py third_party_messages`, "
                    "then `make messages`, and translate the new entries."
                )
            return
        TARGET.write_text(text)
        self.stdout.write(f"Wrote {TARGET.relative_to(settings.BASE_DIR)} ({text.count(chr(10)) - 1} lines)")
