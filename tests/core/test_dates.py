"""Thai dates with the Buddhist era beside the Gregorian year (core/dates.py)."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import timezone, translation

from core.dates import date_format, uses_buddhist_era, with_buddhist_era

MONDAY = datetime.date(2025, 5, 12)


def render(source: str, **context) -> str:
    return Template(source).render(Context(context))


def test_pattern_writes_the_buddhist_era_before_the_gregorian_year():
    assert with_buddhist_era("j F Y", 2025) == r"j F \2\5\6\8 (Y)"


def test_pattern_leaves_escaped_letters_alone():
    assert with_buddhist_era(r"\Y\e\a\r Y", 2025) == r"\Y\e\a\r \2\5\6\8 (Y)"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("DATE_FORMAT", "12 พฤษภาคม 2568 (2025)"),
        ("SHORT_DATE_FORMAT", "12 พ.ค. 2568 (2025)"),
        ("WEEKDAY_DATE_FORMAT", "จันทร์, 12 พฤษภาคม 2568 (2025)"),
        ("DAY_MONTH_FORMAT", "12 พ.ค."),
    ],
)
def test_thai_named_formats_show_the_buddhist_era(name, expected):
    with translation.override("th"):
        assert date_format(MONDAY, name) == expected


def test_thai_datetimes_show_the_buddhist_era_before_the_time():
    with translation.override("th"):
        assert date_format(datetime.datetime(2025, 5, 12, 14, 30), "DATETIME_FORMAT") == "12 พฤษภาคม 2568 (2025), 14:30"


def test_thai_literal_patterns_stay_gregorian_for_machines():
    with translation.override("th"):
        assert date_format(MONDAY, "Y-m-d") == "2025-05-12"
        assert date_format(MONDAY, "Ymd") == "20250512"


@pytest.mark.parametrize(
    ("language", "expected"), [("en", "May 12, 2025"), ("zh-hans", "2025年5月12日"), ("lo", "12 ພຶດສະພາ 2025")]
)
def test_other_languages_keep_the_gregorian_year(language, expected):
    with translation.override(language):
        assert date_format(MONDAY, "DATE_FORMAT") == expected
        assert not uses_buddhist_era()


def test_date_filter_in_every_template_shows_the_buddhist_era_in_thai():
    when = timezone.make_aware(datetime.datetime(2025, 5, 12, 14, 30), datetime.UTC)
    source = '{{ day|date:"DATE_FORMAT" }}|{{ day|date }}|{{ when|date:"c" }}|{{ nothing|date }}'

    with translation.override("th"), timezone.override("Asia/Bangkok"):
        thai = render(source, day=MONDAY, when=when, nothing=None)
    with translation.override("en"):
        english = render(source, day=MONDAY, when=when, nothing=None)

    assert thai == "12 พฤษภาคม 2568 (2025)|12 พฤษภาคม 2568 (2025)|2025-05-12T21:30:00+07:00|"
    assert english == "May 12, 2025|May 12, 2025|2025-05-12T14:30:00+00:00|"


def test_date_filter_converts_datetimes_to_the_current_time_zone_first():
    late = timezone.make_aware(datetime.datetime(2025, 12, 31, 20, 0), datetime.UTC)

    with translation.override("th"), timezone.override("Asia/Bangkok"):
        assert render('{{ late|date:"DATETIME_FORMAT" }}', late=late) == "1 มกราคม 2569 (2026), 3:00"
