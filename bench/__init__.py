"""Benchmarks of the portal on generated data, run by hand (never in the test suite).

Each benchmark module is a script: ``python -m bench.search``. It sets up Django itself with
``setup()``, which points the default database at a separate benchmark database (``tvet_bench``
unless ``BENCH_DATABASE_URL`` says otherwise), creates it when missing and migrates it, so that
generated rows never land in a development or test database.
"""

import os

DEFAULT_BENCH_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/tvet_bench"


def setup() -> str:
    """Configure Django for a benchmark run against the benchmark database; return its URL.

    ``BENCH_DATABASE_URL`` wins over ``DATABASE_URL``, so a developer's shell that exports the
    latter for their own database cannot make a benchmark fill it with 50,000 rows by accident,
    unless it names a database whose name contains "bench".
    """
    url = os.environ.get("BENCH_DATABASE_URL")
    if not url:
        url = os.environ.get("DATABASE_URL", "")
        if "bench" not in url.rsplit("/", 1)[-1]:
            url = DEFAULT_BENCH_DATABASE_URL
    os.environ["DATABASE_URL"] = url
    # The test settings: production settings without DEBUG, with local memory cache and
    # mail, and static files served from the apps (no collectstatic needed for the view runs).
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.test_settings")
    _create_database(url)

    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)
    return url


def _create_database(url: str) -> None:
    """Create the database named in ``url`` when it does not exist yet."""
    from urllib.parse import urlsplit

    import psycopg
    from psycopg import sql

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    admin_url = parts._replace(path="/postgres").geturl()
    with psycopg.connect(admin_url, autocommit=True) as connection:
        exists = connection.execute("select 1 from pg_database where datname = %s", [name]).fetchone()
        if not exists:
            connection.execute(sql.SQL("create database {}").format(sql.Identifier(name)))


def delete_generated_event(event) -> None:
    """Delete a benchmark's own event with its meetings and registrations.

    The portal never deletes these records (an event with registrations is closed instead),
    so the models protect them; a benchmark removes what it generated in dependency order.
    """
    from events.models import Registration
    from matchmaking.models import FollowUp, Meeting, MeetingRequest

    FollowUp.objects.filter(meeting__session__event=event).delete()
    Meeting.objects.filter(session__event=event).delete()
    MeetingRequest.objects.filter(session__event=event).delete()
    Registration.objects.filter(event=event).delete()
    event.delete()
