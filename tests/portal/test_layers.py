"""The apps stand in layers: no model, migration or import of a lower app names a higher one.

The import-linter contract in pyproject.toml (run by CI) holds the imports; these tests hold
what an import check cannot see: relations between models and dependencies between
migrations, which name other apps by string. The user model is the one exception: every app
names it through ``settings.AUTH_USER_MODEL`` (Django's swappable model), wherever it lives.
"""

import pytest
from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.db.migrations.loader import MigrationLoader

# Bottom to top.
LAYERS = ["core", "institutions", "events", "matchmaking", "mous", "api", "portal"]

# Migrations that took over a higher app's table when its model moved down
# (SeparateDatabaseAndState): they must run after the migration that created the table.
MOVED_DOWN = {
    ("core", "0002_outbound_email"): ("portal", "0002_notification_preferences_and_outbox"),
}


def _rank(app_label: str) -> int | None:
    return LAYERS.index(app_label) if app_label in LAYERS else None


def test_no_model_relates_to_a_higher_app():
    problems = []
    for model in apps.get_models():
        own = _rank(model._meta.app_label)
        if own is None:
            continue
        for field in [*model._meta.fields, *model._meta.many_to_many]:
            if not field.is_relation or field.related_model in (None, get_user_model()):
                continue
            other = _rank(field.related_model._meta.app_label)
            if other is not None and other > own:
                problems.append(f"{model._meta.label}.{field.name} -> {field.related_model._meta.label}")

    assert problems == []


@pytest.mark.django_db
def test_no_migration_depends_on_a_higher_app():
    loader = MigrationLoader(connection, ignore_no_migrations=True)
    # What migrations.swappable_dependency(settings.AUTH_USER_MODEL) turns into.
    user_model = (settings.AUTH_USER_MODEL.split(".")[0], "__first__")
    problems = []
    for (app_label, name), migration in loader.disk_migrations.items():
        own = _rank(app_label)
        if own is None:
            continue
        for dependency_app, dependency in migration.dependencies:
            if (dependency_app, dependency) in (user_model, MOVED_DOWN.get((app_label, name))):
                continue
            other = _rank(dependency_app)
            if other is not None and other > own:
                problems.append(f"{app_label}.{name} depends on {dependency_app}.{dependency}")

    assert problems == []
