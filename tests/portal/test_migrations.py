from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_makemigrations_finds_no_missing_migrations():
    out = StringIO()

    try:
        call_command("makemigrations", "--check", "--dry-run", stdout=out, stderr=StringIO())
    except SystemExit:  # --check exits with status 1 when a model change has no migration
        pytest.fail(f"Models have changes without a migration:\n{out.getvalue()}")

    assert out.getvalue().strip() == "No changes detected"
