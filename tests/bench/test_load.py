"""The load benchmark's own code: reading wrk's result, the table, and the pages it measures.

A run of the benchmark itself takes minutes (two gunicorn servers, wrk, 2 s per page at the
least), so the suite checks its parts instead.
"""

import pytest

from bench.load import WRK_SCRIPT, Result, Row, format_table, pages, parse_wrk
from portal.models import User

WRK_OUTPUT = """Running 2s test @ http://127.0.0.1:41234/robots.txt
  2 threads and 8 connections
BENCH requests=5000 duration_us=2000000 connect=1 read=2 write=0 timeout=3 non2xx=7 p50_us=2500 p95_us=9100 p99_us=15250
"""


def test_wrk_result_is_read_from_the_line_its_script_writes():
    result = parse_wrk(WRK_OUTPUT)

    assert result == Result(
        requests=5000, seconds=2.0, p50_ms=2.5, p95_ms=9.1, p99_ms=15.25, non_2xx=7, socket_errors=6
    )
    assert result.per_second == 2500
    assert "BENCH requests=%d" in WRK_SCRIPT


def test_wrk_output_without_a_result_is_an_error():
    with pytest.raises(ValueError, match="wrk printed no result"):
        parse_wrk("unable to connect to 127.0.0.1:1 Connection refused\n")


def test_table_gives_each_page_its_share_of_the_bare_view_measured_beside_it():
    bare = Result(requests=8000, seconds=2.0, p50_ms=1, p95_ms=2, p99_ms=3, non_2xx=0, socket_errors=0)
    slower_bare = Result(requests=6000, seconds=2.0, p50_ms=1, p95_ms=2, p99_ms=3, non_2xx=0, socket_errors=0)
    home = Result(requests=400, seconds=2.0, p50_ms=30.0, p95_ms=80.5, p99_ms=120.0, non_2xx=0, socket_errors=2)
    rows = [Row("home", "visitor", 8, home, bare), Row("home", "visitor", 32, home, slower_bare)]

    lines = format_table(rows).splitlines()

    assert lines[0].split() == [
        "page", "group", "clients", "req/s", "share", "of", "bare", "p50", "ms", "p95", "ms", "p99", "ms", "non-2xx", "sock", "err"
    ]  # fmt: skip
    assert lines[2].split() == ["home", "visitor", "8", "200", "5.0%", "30.0", "80.5", "120.0", "0", "2"]
    assert lines[3].split() == ["home", "visitor", "32", "200", "6.7%", "30.0", "80.5", "120.0", "0", "2"]
    assert lines[4].split() == ["bare", "Django", "view", "yardstick", "8", "4,000", "4,000–4,000", "0"]
    assert lines[5].split() == ["bare", "Django", "view", "yardstick", "32", "3,000", "3,000–3,000", "0"]


@pytest.mark.django_db
def test_every_page_the_benchmark_measures_answers_200_on_the_demo(demo, client, settings):
    settings.PORTAL_DEMO_WAIVE_MFA = True  # as the benchmark's server runs, like `make run`
    measured = pages()
    users = {
        "participant": User.objects.get(email="participant@example.org"),
        "secretariat": User.objects.get(email="secretariat@example.org"),
    }

    statuses = {}
    for page in measured:
        client.logout()
        if page.user:
            client.force_login(users[page.user])
        headers = {name.upper().replace("-", "_"): value for name, value in page.headers}
        response = client.get(page.path, **{f"HTTP_{name}": value for name, value in headers.items()})
        statuses[(page.name, page.group)] = response.status_code

    assert {page.group for page in measured} == {"visitor", "signed in", "htmx"}
    assert set(statuses.values()) == {200}, statuses
