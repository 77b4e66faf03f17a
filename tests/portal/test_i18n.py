import unicodedata

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_home_page_in_english_by_default(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en")

    content = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="en">' in content
    assert "Upcoming events" in content


def test_home_page_in_chinese_for_a_chinese_browser(client):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")

    content = response.content.decode()
    assert '<html lang="zh-hans">' in content
    assert "即将举行的活动" in content
    assert "Upcoming events" not in content


def test_language_switcher_sets_the_cookie_and_remembers_the_choice(client):
    user = get_user_model().objects.create_user(email="li.wei@example.org", password="x-long-password")
    client.force_login(user)

    response = client.post(reverse("set_language"), {"language": "zh-hans", "next": "/events/"})

    assert response.status_code == 302
    assert response["Location"] == "/events/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "zh-hans"
    user.refresh_from_db()
    assert user.preferred_language == "zh-hans"
    assert "活动" in client.get(reverse("events:list")).content.decode()


def test_language_switcher_refuses_unknown_languages_and_foreign_redirects(client):
    response = client.post(reverse("set_language"), {"language": "xx", "next": "https://evil.example.com/"})

    assert response.status_code == 302
    assert response["Location"] == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_signed_in_person_sees_their_preferred_language(client):
    user = get_user_model().objects.create_user(
        email="chen.jing@example.org", password="x-long-password", preferred_language="zh-hans"
    )
    client.force_login(user)

    response = client.get(reverse("dashboard"), HTTP_ACCEPT_LANGUAGE="en")

    assert '<html lang="zh-hans">' in response.content.decode()


# Each language by its own name, in its own script.
OWN_NAMES = {
    "en": "English",
    "zh-hans": "简体中文",
    "km": "ខ្មែរ",
    "th": "ภาษาไทย",
    "vi": "Tiếng Việt",
    "id": "Bahasa Indonesia",
    "ms": "Bahasa Melayu",
    "lo": "ລາວ",
    "my": "မြန်မာဘာသာ",
}


@pytest.mark.parametrize("reader", [code for code, _name in settings.LANGUAGES])
def test_language_switcher_names_every_language_in_its_own_script(client, reader):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=reader)

    # Django writes "Tiếng Việt" with other code points for the same letters: compare in NFC.
    content = unicodedata.normalize("NFC", response.content.decode())
    assert f'<html lang="{reader}">' in content
    for code, _name in settings.LANGUAGES:
        assert f'<option value="{code}" ' in content
        assert unicodedata.normalize("NFC", f">{OWN_NAMES[code]}</option>") in content


@pytest.mark.parametrize("code", [code for code, _name in settings.LANGUAGES if code != "en"])
def test_a_browser_in_a_language_of_the_portal_gets_the_home_page_in_it(client, code):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE=f"{code},en;q=0.5")

    assert f'<html lang="{code}">' in response.content.decode()
    assert "Upcoming events" not in response.content.decode()
