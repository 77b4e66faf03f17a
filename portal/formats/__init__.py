"""Date formats of the portal's own, per language (``FORMAT_MODULE_PATH``).

Django's named formats (``DATE_FORMAT``, ``DATETIME_FORMAT``…) cover full dates. Agendas, session
lists and emails need shorter ones, with the weekday or without the year, which Django does not
name; written as a fixed pattern ("D j M") they read wrongly in Chinese ("星期一 12 五月"
instead of "5月12日 星期一"). So templates use the names below (``|date:"WEEKDAY_DAY_MONTH_FORMAT"``)
and each language's module says how they read there. The languages of Southeast Asia the portal
speaks put the day before the month, as English here does, and share ``DAY_FIRST``; Chinese goes
from the year down.

Every shipped language needs a module here: a name Django finds nowhere is printed as a pattern
of its own letters (tests/portal/test_date_formats.py checks each language).
"""

DAY_FIRST = {
    "WEEKDAY_DAY_MONTH_FORMAT": "D j M",
    "WEEKDAY_DAY_MONTH_TIME_FORMAT": "D j M H:i",
    "WEEKDAY_DAY_MONTH_YEAR_TIME_FORMAT": "D j M Y, H:i",
    "WEEKDAY_DATE_FORMAT": "l, j F Y",
    "DAY_MONTH_FORMAT": "j M",
    "DAY_MONTH_TIME_FORMAT": "j M H:i",
    "DAY_MONTH_YEAR_FORMAT": "j M Y",
    "DAY_MONTH_YEAR_TIME_FORMAT": "j M Y H:i",
}

# Full dates and times for the languages Django has no formats of (Lao, Burmese), which it would
# write in the American order and on a 12-hour clock: day first, times on 24 hours.
DAY_FIRST_FULL = {
    "DATE_FORMAT": "j F Y",
    "TIME_FORMAT": "H:i",
    "DATETIME_FORMAT": "j F Y, H:i",
    "SHORT_DATE_FORMAT": "d/m/Y",
    "SHORT_DATETIME_FORMAT": "d/m/Y H:i",
}
