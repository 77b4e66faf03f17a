"""Dates read as each language writes them (portal/formats/)."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from django.utils.formats import date_format, get_format

from portal.formats import DAY_FIRST
from tests.factories import EventFactory, MembershipFactory, MouFactory, RegistrationFactory, UserFactory

LANGUAGES = [code for code, _name in settings.LANGUAGES]
MONDAY = datetime.datetime(2025, 5, 12, 14, 30)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", DAY_FIRST)
def test_every_language_names_every_short_format(language, name):
    # Django prints a format name it finds in no module as a pattern of its own letters.
    assert get_format(name, lang=language) != name


def test_chinese_dates_go_from_the_year_down_with_the_weekday_last():
    with translation.override("zh-hans"):
        assert date_format(MONDAY, "WEEKDAY_DATE_FORMAT") == "2025年5月12日 星期一"
        assert date_format(MONDAY, "WEEKDAY_DAY_MONTH_FORMAT") == "5月12日 星期一"
        assert date_format(MONDAY, "DAY_MONTH_YEAR_TIME_FORMAT") == "2025年5月12日 14:30"


def test_english_dates_read_as_before():
    with translation.override("en"):
        assert date_format(MONDAY, "WEEKDAY_DATE_FORMAT") == "Monday, May 12, 2025"
        assert date_format(MONDAY, "WEEKDAY_DAY_MONTH_FORMAT") == "Mon 12 May"
        assert date_format(MONDAY, "DAY_MONTH_YEAR_TIME_FORMAT") == "12 May 2025 14:30"


@pytest.mark.parametrize("language", [code for code in LANGUAGES if code != "en"])
def test_month_and_weekday_names_are_translated(language):
    with translation.override(language):
        text = date_format(MONDAY, "WEEKDAY_DATE_FORMAT") + date_format(MONDAY, "WEEKDAY_DAY_MONTH_FORMAT")

    assert not {"May", "Monday", "Mon"} & set(text.replace(",", " ").split())


@pytest.mark.parametrize(("language", "month"), [("lo", "ພຶດສະພາ"), ("my", "မေ")])
def test_lao_and_burmese_dates_put_the_day_first_and_times_on_24_hours(language, month):
    """Django has no formats of its own for either language."""
    with translation.override(language):
        assert date_format(MONDAY, "DATE_FORMAT") == f"12 {month} 2025"
        assert date_format(MONDAY, "DATETIME_FORMAT") == f"12 {month} 2025, 14:30"
        assert date_format(MONDAY, "SHORT_DATE_FORMAT") == "12/05/2025"


@pytest.fixture
def thai_reader(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    return client


@pytest.mark.django_db
def test_event_page_in_thai_shows_the_buddhist_era_and_in_english_does_not(client):
    event = EventFactory(start_date=datetime.date(2025, 5, 12), end_date=datetime.date(2025, 5, 14))
    url = reverse("events:detail", kwargs={"slug": event.slug})

    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "th"
    thai = client.get(url).content.decode()

    assert "12 พฤษภาคม 2568 (2025) – 14 พฤษภาคม 2568 (2025)" in thai
    assert "May 12, 2025" in english
    assert "2568" not in english


@pytest.mark.django_db
def test_mou_page_in_thai_shows_the_buddhist_era(thai_reader):
    mou = MouFactory(is_public=True, signed_on=datetime.date(2025, 5, 12), valid_until=datetime.date(2030, 5, 11))

    page = thai_reader.get(mou.get_absolute_url()).content.decode()

    assert "12 พฤษภาคม 2568 (2025)" in page
    assert "11 พฤษภาคม 2573 (2030)" in page


@pytest.mark.django_db
def test_dashboard_in_thai_shows_the_buddhist_era(thai_reader):
    membership = MembershipFactory(user=UserFactory(verified_email=True))
    event = EventFactory(start_date=datetime.date(2031, 5, 12), end_date=datetime.date(2031, 5, 13))
    RegistrationFactory(user=membership.user, institution=membership.institution, event=event)
    thai_reader.force_login(membership.user)

    page = thai_reader.get(reverse("dashboard")).content.decode()

    assert "12 พฤษภาคม 2574 (2031)" in page
