"""The production configuration: Django's deployment checks, docker compose and the image."""

import re
import tomllib
from pathlib import Path

import pytest
import yaml

from tests.portal.production import run_production

PROJECT_DIR = Path(__file__).resolve().parents[2]
PORTAL_SERVICES = ("web", "worker", "beat")


def test_deployment_checks_pass_with_production_settings():
    result = run_production("manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout, result.stdout + result.stderr


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((PROJECT_DIR / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def dockerfile() -> str:
    return (PROJECT_DIR / "Dockerfile").read_text()


def _command(service: dict) -> str:
    command = service["command"]
    return command if isinstance(command, str) else " ".join(command)


def test_compose_runs_postgres_redis_web_worker_and_beat(compose):
    services = compose["services"]
    assert services["db"]["image"].startswith("postgres:16")
    assert services["redis"]["image"].startswith("redis:7")
    assert _command(services["web"]).startswith("gunicorn portal.wsgi")
    assert _command(services["worker"]).startswith("celery -A portal worker")
    assert _command(services["beat"]).startswith("celery -A portal beat")


def test_compose_commands_name_modules_of_the_project(compose):
    services = compose["services"]
    wsgi_module = re.search(r"gunicorn ([\w.]+)", _command(services["web"])).group(1)
    assert "application =" in (PROJECT_DIR / f"{wsgi_module.replace('.', '/')}.py").read_text()
    for service in ("worker", "beat"):
        app = re.search(r"-A ([\w.]+)", _command(services[service])).group(1)
        # `celery -A portal` finds the app that portal/__init__.py imports from portal/celery.py.
        assert (PROJECT_DIR / app / "celery.py").is_file()
        assert "celery_app" in (PROJECT_DIR / app / "__init__.py").read_text()


@pytest.mark.parametrize("service", ["db", "redis", "web", "worker", "beat"])
def test_compose_services_wait_for_health(compose, service):
    definition = compose["services"][service]
    conditions = [dependency.get("condition") for dependency in definition.get("depends_on", {}).values()]
    assert "healthcheck" in definition or any(conditions), f"{service} has neither a healthcheck nor a condition"
    if service in PORTAL_SERVICES:
        assert definition["depends_on"]["db"]["condition"] == "service_healthy"
        assert definition["depends_on"]["redis"]["condition"] == "service_healthy"


def _healthcheck(service: dict) -> str:
    return " ".join(service["healthcheck"]["test"][1:])


def test_compose_web_healthcheck_asks_readiness(compose):
    """The web container is healthy when it can serve (/readyz/); /healthz/ is for restarts, not routing."""
    check = _healthcheck(compose["services"]["web"])
    assert "http://127.0.0.1:8000/readyz/" in check
    # urlopen raises on the 503 of a failed check, so the command's exit status says it.
    assert "urllib.request.urlopen(" in check
    from django.urls import reverse

    assert reverse("readyz") == "/readyz/"


def test_compose_worker_healthcheck_pings_its_own_worker(compose):
    check = _healthcheck(compose["services"]["worker"])
    assert check.startswith("celery -A portal inspect ping")
    # $$ is compose's escape: the shell in the container reads the container's own HOSTNAME.
    assert "--destination celery@$$HOSTNAME" in check


def test_compose_migrates_before_the_portal_starts(compose):
    services = compose["services"]
    assert "migrate" in _command(services["migrate"])
    # A failed deployment check (SITE_URL outside ALLOWED_HOSTS) keeps the portal from starting.
    assert "manage.py check --deploy --fail-level ERROR && python manage.py migrate" in _command(services["migrate"])
    for service in PORTAL_SERVICES:
        assert services[service]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"


def test_compose_portal_services_share_image_and_environment(compose):
    services = compose["services"]
    web = services["web"]
    for service in ("worker", "beat", "migrate"):
        assert services[service]["build"] == web["build"]
        assert services[service]["image"] == web["image"]
        assert services[service]["environment"] == web["environment"]
    environment = web["environment"]
    assert re.fullmatch(
        r"postgres://portal:\$\{POSTGRES_PASSWORD:\?[^}]+\}@db:5432/tvet_portal", environment["DATABASE_URL"]
    )
    assert environment["REDIS_URL"] == "redis://redis:6379/0"
    assert environment["SECRET_KEY"].startswith("${SECRET_KEY:?")
    assert environment["SITE_URL"].startswith("${SITE_URL:?")
    assert environment["DEBUG"] == "0"


def test_compose_keeps_database_and_uploads_in_named_volumes(compose):
    volumes = compose["volumes"]
    mounts = {
        service: dict(volume.split(":", 1) for volume in compose["services"][service]["volumes"])
        for service in ("db", "web")
    }
    assert mounts["db"]["postgres-data"] == "/var/lib/postgresql/data"
    media_volume = next(name for name, path in mounts["web"].items() if path == "/data")
    assert media_volume in volumes
    assert "postgres-data" in volumes
    environment = compose["services"]["web"]["environment"]
    assert environment["MEDIA_ROOT"].startswith("/data/")
    assert environment["PRIVATE_MEDIA_ROOT"].startswith("/data/")


def test_dockerfile_builds_on_a_supported_python_the_newest_by_default(dockerfile):
    from packaging.specifiers import SpecifierSet

    requires_python = SpecifierSet(
        tomllib.loads((PROJECT_DIR / "pyproject.toml").read_text())["project"]["requires-python"]
    )
    default = re.search(r"^ARG PYTHON_VERSION=(3\.\d+)$", dockerfile, re.MULTILINE).group(1)
    assert re.search(r"^FROM python:\$\{PYTHON_VERSION\}-slim$", dockerfile, re.MULTILINE)
    assert default in requires_python
    # The default is the newest Python the portal supports.
    assert f"3.{int(default.split('.')[1]) + 1}" not in requires_python
    # The versions the Dockerfile's comment names are the supported ones.
    named = re.search(r"any of ([\d., and]+) \(pyproject", dockerfile).group(1)
    assert all(version in requires_python for version in re.findall(r"3\.\d+", named))


def test_dockerfile_installs_pinned_dependencies_and_collects_static_files(dockerfile):
    assert re.search(r"pip install -c constraints\.txt \.", dockerfile)
    assert "COPY pyproject.toml constraints.txt" in dockerfile
    assert "manage.py collectstatic --no-input" in dockerfile
    assert re.search(r"^USER (?!root)\w+", dockerfile, re.MULTILINE), "the image must not run as root"
    assert "gunicorn" in dockerfile


def test_dockerignore_keeps_secrets_and_local_state_out_of_the_image():
    ignored = (PROJECT_DIR / ".dockerignore").read_text().split()
    for entry in (".env", ".venv", ".data", ".git"):
        assert entry in ignored


def test_env_example_documents_every_variable_the_settings_read():
    settings = (PROJECT_DIR / "portal" / "settings.py").read_text()
    read = set(re.findall(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""", settings))
    documented = set(re.findall(r"^#?([A-Z][A-Z0-9_]*)=", (PROJECT_DIR / ".env.example").read_text(), re.MULTILINE))
    assert read, "no environment variables found in settings.py"
    assert read <= documented, f"missing from .env.example: {sorted(read - documented)}"


def test_the_access_log_keeps_calendar_feed_tokens_out(compose, dockerfile):
    from datetime import timedelta
    from types import SimpleNamespace

    from gunicorn.config import Config

    from portal.gunicorn import AccessLogger

    token = "0123456789" + "abcdef0123" * 4
    path = f"/calendar/{token}.ics"
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_REFERER": f"https://portal.example{path}",
    }
    response = SimpleNamespace(status="200 OK", sent=10, headers=[])
    request = SimpleNamespace(headers=[("REFERER", f"https://portal.example{path}")])

    atoms = AccessLogger(Config()).atoms(response, request, environ, timedelta(milliseconds=5))

    logged = " ".join(str(value) for value in atoms.values())
    assert token[10:] not in logged
    assert "/calendar/0123456789[secret].ics" in atoms["r"]
    assert "--logger-class=portal.gunicorn.AccessLogger" in _command(compose["services"]["web"])
    assert "--logger-class=portal.gunicorn.AccessLogger" in dockerfile
