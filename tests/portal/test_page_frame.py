"""The frame of every page (core/templatetags/per_language.py): kept per language, the rest per request."""

import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.template import Context, Template, TemplateSyntaxError
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def selected_language(content: str) -> str:
    (code,) = re.findall(r'<option value="([^"]+)" selected>', content)
    return code


def switcher_next(content: str) -> str:
    return re.search(r'<input type="hidden" name="next" value="([^"]*)">', content).group(1)


def csrf_tokens(content: str) -> set[str]:
    return set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', content))


def test_the_switcher_marks_each_readers_language_and_carries_their_own_address(client):
    registry = reverse("mous:registry")
    events = reverse("events:list")

    english = client.get(f"{registry}?q=teacher", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    thai = client.get(events, HTTP_ACCEPT_LANGUAGE="th").content.decode()
    english_again = client.get(events + "?page=1", HTTP_ACCEPT_LANGUAGE="en").content.decode()

    assert selected_language(english) == "en"
    assert selected_language(thai) == "th"
    assert selected_language(english_again) == "en"
    assert switcher_next(english) == f"{registry}?q=teacher"
    assert switcher_next(thai) == events
    assert switcher_next(english_again) == f"{events}?page=1"
    assert "ไทย" in thai  # the options name each language in its own script, in every language
    assert "Events</a>" in english_again
    assert "Events</a>" not in thai


def test_signed_in_people_get_their_own_name_and_csrf_token_under_the_kept_menu(client):
    first = UserFactory(display_name="Somchai Phan")
    second = UserFactory(display_name="Li Wei")
    dashboard = reverse("dashboard")

    client.get(reverse("home"))  # a visitor's page first: its frame is kept without the signed-in entries
    client.force_login(first)
    first_page = client.get(dashboard).content.decode()
    client.post(reverse("account_logout"))
    client.force_login(second)
    second_page = client.get(dashboard).content.decode()

    assert "Somchai" in first_page
    assert "Somchai" not in second_page
    assert "Li Wei" in second_page
    for page in (first_page, second_page):
        assert f'href="{reverse("events:mine")}"' in page
        assert "Sign out" in page
        assert f'href="{reverse("account_login")}"' not in page
    assert csrf_tokens(first_page)
    assert csrf_tokens(second_page)
    assert csrf_tokens(first_page).isdisjoint(csrf_tokens(second_page))


def test_messages_still_show_under_the_kept_frame(client):
    user = get_user_model().objects.create_user(email="li.wei@example.org", password="x-long-password")
    client.force_login(user)
    client.get(reverse("home"))  # the frame is kept before any message

    page = client.post(reverse("account_logout"), follow=True).content.decode()

    assert 'class="messages"' in page
    assert "You have signed out." in page


def test_the_kept_part_is_rendered_once_per_language():
    template = Template("{% load per_language %}{% per_language %}{{ text }}{% endper_language %}")

    with translation.override("en"):
        first = template.render(Context({"text": "first"}))
        again = template.render(Context({"text": "second"}))
    with translation.override("th"):
        thai = template.render(Context({"text": "third"}))

    assert (first, again, thai) == ("first", "first", "third")


def test_a_setting_change_drops_the_kept_parts():
    template = Template(
        "{% load per_language static %}{% per_language %}{% static 'css/portal.css' %}{% endper_language %}"
    )

    with translation.override("en"):
        before = template.render(Context())
        with override_settings(STATIC_URL="/other-static/"):
            during = template.render(Context())

    assert before.startswith(settings.STATIC_URL)
    assert during.startswith("/other-static/")


def test_the_tag_takes_no_arguments():
    with pytest.raises(TemplateSyntaxError):
        Template("{% load per_language %}{% per_language 'x' %}{% endper_language %}")
