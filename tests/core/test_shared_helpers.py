"""The helpers every app shares live in core, which imports no app, and apps take them from there."""

import ast
from pathlib import Path

import pytest

from core.models import TimestampedModel
from institutions.models import Institution, ShortlistEntry

ROOT = Path(__file__).resolve().parents[2]
APPS = ("portal", "mous", "matchmaking", "events", "institutions")


def imported_modules(path: Path) -> set[str]:
    """Return every module ``path`` imports, at its top or inside a function."""
    modules: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules.add(node.module)
    return modules


def test_core_imports_no_app():
    found = {
        f"{path.relative_to(ROOT)}: {module}"
        for path in (ROOT / "core").rglob("*.py")
        for module in imported_modules(path)
        if module.split(".")[0] in APPS
    }

    assert found == set()


@pytest.mark.parametrize("module", ["mous/pdf.py", "mous/filters.py", "mous/views_registry.py"])
def test_mous_takes_fonts_qr_codes_and_downloads_from_core(module):
    imported = imported_modules(ROOT / module)

    assert imported & {"matchmaking.pdf", "events.qr", "institutions.filters", "institutions.spreadsheets"} == set()


def test_timestamped_models_take_their_fields_from_core():
    for model in (Institution, ShortlistEntry):
        fields = {field.name: field for field in model._meta.fields}
        assert issubclass(model, TimestampedModel)
        assert (fields["created_at"].auto_now_add, fields["updated_at"].auto_now) == (True, True)
