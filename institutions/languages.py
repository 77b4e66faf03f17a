"""Languages an institution works in (ISO 639-1 codes)."""

from django.utils.translation import gettext_lazy as _

WORK_LANGUAGES = [
    ("en", _("English")),
    ("zh", _("Chinese")),
    ("km", _("Khmer")),
    ("th", _("Thai")),
    ("vi", _("Vietnamese")),
    ("lo", _("Lao")),
    ("my", _("Burmese")),
    ("id", _("Indonesian")),
    ("ms", _("Malay")),
    ("fil", _("Filipino")),
    ("tet", _("Tetum")),
    ("pt", _("Portuguese")),
    ("ru", _("Russian")),
    ("fr", _("French")),
]
