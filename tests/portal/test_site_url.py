"""SITE_URL: the development launcher derives it from the port; a deployment must set it right."""

import subprocess

import pytest
from django.core.checks import run_checks

from portal.checks import check_site_url
from portal.launch import development_environment
from tests.portal.production import run_production


def test_launcher_sets_site_url_from_the_port():
    env = development_environment({"PATH": "/usr/bin"}, 8123)

    assert (env["SITE_URL"], env["DEBUG"]) == ("http://127.0.0.1:8123", "1")


def test_launcher_keeps_a_site_url_that_is_set():
    env = development_environment({"SITE_URL": "https://portal.example.org", "DEBUG": "0"}, 8123)

    assert (env["SITE_URL"], env["DEBUG"]) == ("https://portal.example.org", "0")


def test_launcher_does_not_change_the_given_environment():
    given = {"PATH": "/usr/bin"}

    development_environment(given, 8123)

    assert given == {"PATH": "/usr/bin"}


def _ids(settings, site_url: str, allowed_hosts: list[str]) -> list[str]:
    settings.SITE_URL = site_url
    settings.ALLOWED_HOSTS = allowed_hosts
    return [message.id for message in check_site_url()]


@pytest.mark.parametrize(
    ("site_url", "allowed_hosts", "expected"),
    [
        ("https://portal.example.org", ["portal.example.org"], []),
        ("https://portal.example.org", [".example.org"], []),
        ("https://portal.example.org:8443", ["portal.example.org"], []),
        ("http://localhost:8000", ["portal.example.org"], ["portal.E102", "portal.W104"]),
        ("http://127.0.0.1:8123", ["127.0.0.1"], ["portal.E102", "portal.W104"]),
        ("https://other.example.net", ["portal.example.org"], ["portal.E103"]),
        ("https://portal.example.org", ["*.example.org"], ["portal.E103"]),
        ("http://portal.example.org", ["portal.example.org"], ["portal.W104"]),
        ("portal.example.org", ["portal.example.org"], ["portal.E101"]),
        ("", ["portal.example.org"], ["portal.E101"]),
    ],
)
def test_site_url_check(settings, site_url, allowed_hosts, expected):
    assert _ids(settings, site_url, allowed_hosts) == expected


def test_site_url_check_is_a_deployment_check_only(settings):
    settings.SITE_URL = "http://localhost:8000"
    settings.ALLOWED_HOSTS = ["portal.example.org"]

    ordinary = [message.id for message in run_checks() if message.id.startswith("portal.")]
    deployment = [message.id for message in run_checks(include_deployment_checks=True) if message.id == "portal.E102"]

    assert ("portal.E102" in ordinary, deployment) == (False, ["portal.E102"])


def _check_deploy(**overrides: str) -> subprocess.CompletedProcess:
    return run_production("manage.py", "check", "--deploy", "--tag", "security", **{"SITE_URL": None, **overrides})


@pytest.mark.parametrize(
    ("overrides", "error"),
    [({}, "portal.E102"), ({"SITE_URL": "https://elsewhere.example.net"}, "portal.E103")],
    ids=["missing", "other-host"],
)
def test_check_deploy_fails_without_a_matching_site_url(overrides, error):
    result = _check_deploy(**overrides)

    assert result.returncode == 1, result.stdout + result.stderr
    assert error in result.stderr


def test_check_deploy_accepts_the_public_site_url():
    result = _check_deploy(SITE_URL="https://portal.example.org")

    assert "portal.E10" not in result.stdout + result.stderr
