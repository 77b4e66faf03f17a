"""Page structure that assistive technology relies on: headings that never skip a level, and
status messages that stay a list."""

from html.parser import HTMLParser

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.template.loader import render_to_string
from django.urls import reverse

from institutions.models import Institution
from tests.factories import InstitutionFactory

pytestmark = pytest.mark.django_db


class _Headings(HTMLParser):
    def __init__(self):
        super().__init__()
        self.levels: list[int] = []

    def handle_starttag(self, tag, attrs):
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            self.levels.append(int(tag[1]))


def heading_levels(html: str) -> list[int]:
    parser = _Headings()
    parser.feed(html)
    return parser.levels


def skipped_levels(levels: list[int]) -> list[tuple[int, int]]:
    """Pairs of consecutive headings where the second goes down more than one level."""
    return [(before, after) for before, after in zip(levels, levels[1:], strict=False) if after > before + 1]


def test_skipped_levels_helper():
    assert skipped_levels([1, 2, 3, 2, 3, 1, 2]) == []
    assert skipped_levels([1, 3]) == [(1, 3)]


def test_home_headings_do_not_skip_a_level(client):
    levels = heading_levels(client.get(reverse("home")).content.decode())

    assert levels[0] == 1
    assert skipped_levels(levels) == []


def test_directory_headings_do_not_skip_a_level(client):
    InstitutionFactory(name="Kampot Polytechnic", verification_status=Institution.Verification.VERIFIED)

    html = client.get(reverse("institutions:list")).content.decode()

    assert "Kampot Polytechnic" in html
    levels = heading_levels(html)
    assert levels[0] == 1
    assert skipped_levels(levels) == []


def test_directory_results_for_htmx_keep_their_heading(client):
    InstitutionFactory(name="Kampot Polytechnic", verification_status=Institution.Verification.VERIFIED)

    html = client.get(reverse("institutions:list"), {"q": "kampot"}, headers={"HX-Request": "true"}).content.decode()

    assert '<h2 class="visually-hidden">Results</h2>' in html


def test_messages_keep_list_semantics_inside_a_status_region():
    html = render_to_string("includes/_messages.html", {"messages": [Message(constants.SUCCESS, "Saved.")]})

    assert '<div role="status">' in html
    assert '<ul class="messages">' in html
    assert '<li class="message message-success">Saved.</li>' in html
