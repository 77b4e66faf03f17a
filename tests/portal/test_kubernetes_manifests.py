"""The Kubernetes manifests (deploy/kubernetes): valid for the API server, offline, and true to the portal.

kubernetes-validate carries the API's JSON schemas, so no cluster and no network is needed.
Validation is strict: a field the API does not know (a misspelling) fails, as the API server
would refuse it.
"""

import re
from pathlib import Path

import pytest
import yaml
from django.conf import settings
from kubernetes_validate import utils as kubernetes_validate

from portal.health import PROBES

PROJECT_DIR = Path(__file__).resolve().parents[2]
MANIFESTS_DIR = PROJECT_DIR / "deploy" / "kubernetes"
# The oldest Kubernetes the manifests are written for, and the newest the validator knows:
# a field removed or renamed since is caught too.
KUBERNETES_VERSIONS = ("1.34.0", "1.37.0")
SECRET_EXAMPLE = "secret.example.yaml"
WORKLOADS = {"web": "Deployment", "worker": "Deployment", "beat": "Deployment", "migrate": "Job"}


def _documents(path: Path) -> list[dict]:
    return [document for document in yaml.safe_load_all(path.read_text()) if document]


def _kustomization() -> dict:
    return yaml.safe_load((MANIFESTS_DIR / "kustomization.yaml").read_text())


def _applied() -> list[dict]:
    """Every object ``kubectl apply -k`` creates (the Secret example is not among them)."""
    return [document for name in _kustomization()["resources"] for document in _documents(MANIFESTS_DIR / name)]


def _object(kind: str, name: str) -> dict:
    return next(item for item in _applied() if item["kind"] == kind and item["metadata"]["name"] == name)


def _pod_spec(name: str) -> dict:
    return _object(WORKLOADS[name], name)["spec"]["template"]["spec"]


def _containers(item: dict) -> list[dict]:
    pod = item["spec"]["template"]["spec"]
    return pod.get("initContainers", []) + pod["containers"]


def _command(container: dict) -> str:
    return " ".join(container.get("command", []) + container.get("args", []))


def _variables_read_by_settings() -> set[str]:
    source = (PROJECT_DIR / "portal" / "settings.py").read_text()
    return set(re.findall(r"""\benv(?:\.\w+)?\(\s*["']([A-Z][A-Z0-9_]*)["']""", source))


def _validate(document: dict, version: str) -> None:
    kubernetes_validate.validate(document, version, strict=True)


MANIFEST_FILES = sorted(path.name for path in MANIFESTS_DIR.glob("*.yaml") if path.name != "kustomization.yaml")


@pytest.mark.parametrize("version", KUBERNETES_VERSIONS)
@pytest.mark.parametrize("name", MANIFEST_FILES)
def test_every_manifest_is_valid_for_the_kubernetes_api(name, version):
    documents = _documents(MANIFESTS_DIR / name)

    assert documents, f"{name} holds no object"
    for document in documents:
        _validate(document, version)


def test_the_validator_refuses_a_misspelled_field():
    deployment = _object("Deployment", "web")
    broken = yaml.safe_load(yaml.safe_dump(deployment).replace("readinessProbe:", "readynessProbe:", 1))

    with pytest.raises(kubernetes_validate.ValidationError, match="readynessProbe"):
        _validate(broken, KUBERNETES_VERSIONS[0])


def test_the_validator_refuses_a_wrong_type():
    service = _object("Service", "web")
    service["spec"]["ports"][0]["port"] = "eighty"

    with pytest.raises(kubernetes_validate.ValidationError):
        _validate(service, KUBERNETES_VERSIONS[0])


def test_kustomization_lists_every_manifest_but_the_secret_example():
    listed = _kustomization()["resources"]

    assert len(listed) == len(set(listed))
    for name in listed:
        assert (MANIFESTS_DIR / name).is_file(), f"kustomization.yaml lists {name}, which does not exist"
    assert sorted(listed) == sorted(set(MANIFEST_FILES) - {SECRET_EXAMPLE})
    # The example's placeholders must never reach a cluster by `kubectl apply -k`.
    assert SECRET_EXAMPLE not in listed


def test_everything_applied_is_in_the_portal_s_namespace():
    namespace = _kustomization()["namespace"]
    kinds = {item["kind"] for item in _applied()}

    assert _object("Namespace", namespace)
    assert {
        "ConfigMap",
        "Deployment",
        "Service",
        "Ingress",
        "HorizontalPodAutoscaler",
        "PodDisruptionBudget",
        "Job",
    } <= kinds
    for item in _applied():
        assert item["metadata"].get("namespace", namespace) == namespace


def test_every_workload_runs_the_one_image_kustomize_sets():
    images = _kustomization()["images"]
    workloads = [item for item in _applied() if item["kind"] in {"Deployment", "Job"}]

    assert {item["metadata"]["name"] for item in workloads} == set(WORKLOADS)
    assert {container["image"] for item in workloads for container in _containers(item)} == {images[0]["name"]}
    assert len(images) == 1
    assert images[0]["newTag"]


@pytest.mark.parametrize("name", sorted(WORKLOADS))
def test_every_container_has_resources_and_runs_unprivileged_on_a_read_only_disk(name):
    pod = _pod_spec(name)

    assert pod["securityContext"]["runAsNonRoot"] is True
    # The Dockerfile's user.
    assert pod["securityContext"]["runAsUser"] == 10001
    assert pod["automountServiceAccountToken"] is False
    volumes = {volume["name"]: volume for volume in pod["volumes"]}
    for container in pod["containers"]:
        assert {"cpu", "memory"} <= set(container["resources"]["requests"]), container["name"]
        assert "memory" in container["resources"]["limits"], container["name"]
        security = container["securityContext"]
        assert security["readOnlyRootFilesystem"] is True
        assert security["allowPrivilegeEscalation"] is False
        assert security["capabilities"]["drop"] == ["ALL"]
        tmp = next(mount for mount in container["volumeMounts"] if mount["mountPath"] == "/tmp")
        assert "emptyDir" in volumes[tmp["name"]]


def test_the_dockerfile_s_user_is_the_one_the_pods_run_as():
    dockerfile = (PROJECT_DIR / "Dockerfile").read_text()

    assert re.search(r"useradd .*--uid 10001 ", dockerfile)


def test_every_variable_given_to_the_portal_is_one_the_settings_read():
    config = _object("ConfigMap", "portal-config")["data"]
    secret = _documents(MANIFESTS_DIR / SECRET_EXAMPLE)[0]
    given = set(config) | set(secret["stringData"])
    for item in _applied():
        if item["kind"] in {"Deployment", "Job"}:
            for container in _containers(item):
                given |= {variable["name"] for variable in container.get("env", [])}

    unknown = given - _variables_read_by_settings()
    assert not unknown, f"not read by portal/settings.py: {sorted(unknown)}"
    # The secrets are in the Secret, never in the ConfigMap.
    assert {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "S3_SECRET_ACCESS_KEY"} <= set(secret["stringData"])
    assert not {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "EMAIL_URL", "S3_SECRET_ACCESS_KEY"} & set(config)
    assert config["DEBUG"] == "0"


def test_the_site_address_is_an_allowed_host_and_the_ingress_s_host():
    config = _object("ConfigMap", "portal-config")["data"]
    ingress = _object("Ingress", "web")
    host = re.fullmatch(r"https://([^/:]+)", config["SITE_URL"]).group(1)

    assert host in config["ALLOWED_HOSTS"].split(",")
    assert [rule["host"] for rule in ingress["spec"]["rules"]] == [host]
    assert ingress["spec"]["tls"][0]["hosts"] == [host]
    assert ingress["spec"]["rules"][0]["http"]["paths"][0]["backend"]["service"]["name"] == "web"


@pytest.mark.parametrize("name", sorted(WORKLOADS))
def test_every_workload_reads_the_config_map_and_the_secret(name):
    for container in _pod_spec(name)["containers"]:
        sources = container["envFrom"]
        assert {"configMapRef": {"name": "portal-config"}} in sources
        assert {"secretRef": {"name": "portal-secrets"}} in sources
    assert _documents(MANIFESTS_DIR / SECRET_EXAMPLE)[0]["metadata"]["name"] == "portal-secrets"


def test_web_runs_gunicorn_with_liveness_on_healthz_and_readiness_on_readyz():
    deployment = _object("Deployment", "web")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]

    assert _command(container).startswith("gunicorn portal.wsgi --bind=0.0.0.0:8000")
    assert "--logger-class=portal.gunicorn.AccessLogger" in _command(container)
    assert container["livenessProbe"]["httpGet"]["path"] == "/healthz/"
    assert container["readinessProbe"]["httpGet"]["path"] == "/readyz/"
    assert container["startupProbe"]["httpGet"]["path"] == "/healthz/"
    for probe in ("livenessProbe", "readinessProbe", "startupProbe"):
        assert container[probe]["httpGet"]["path"] in PROBES
        assert container[probe]["httpGet"]["port"] == container["ports"][0]["name"]
    assert container["ports"][0]["containerPort"] == 8000


def test_web_rolls_out_without_losing_capacity_and_scales():
    deployment = _object("Deployment", "web")
    autoscaler = _object("HorizontalPodAutoscaler", "web")
    budget = _object("PodDisruptionBudget", "web")
    service = _object("Service", "web")

    assert deployment["spec"]["replicas"] == 2
    assert deployment["spec"]["strategy"]["type"] == "RollingUpdate"
    assert deployment["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"] == 0
    assert autoscaler["spec"]["scaleTargetRef"] == {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"}
    assert autoscaler["spec"]["minReplicas"] >= 2
    labels = deployment["spec"]["template"]["metadata"]["labels"]
    for selector in (budget["spec"]["selector"]["matchLabels"], service["spec"]["selector"]):
        assert selector.items() <= labels.items()
    assert deployment["spec"]["selector"]["matchLabels"].items() <= labels.items()


def test_workers_get_longer_to_finish_than_the_longest_task_may_run():
    deployment = _object("Deployment", "worker")
    pod = deployment["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    # An import's hard limit is a minute past IMPORT_TASK_TIME_LIMIT (core.services).
    longest_task = max(settings.CELERY_TASK_TIME_LIMIT, settings.IMPORT_TASK_TIME_LIMIT + 60)

    assert deployment["spec"]["replicas"] == 2
    assert pod["terminationGracePeriodSeconds"] > longest_task
    assert _command(container).startswith("celery -A portal worker")
    assert re.search(r"--concurrency=\d+", _command(container))
    assert 'celery -A portal inspect ping --destination "celery@$HOSTNAME"' in " ".join(
        container["livenessProbe"]["exec"]["command"]
    )


def test_one_beat_stopped_before_the_next_starts():
    deployment = _object("Deployment", "beat")
    (container,) = deployment["spec"]["template"]["spec"]["containers"]

    assert deployment["spec"]["replicas"] == 1
    assert deployment["spec"]["strategy"] == {"type": "Recreate"}
    assert _command(container).startswith("celery -A portal beat")
    # Anything beat writes goes to the writable /tmp.
    schedule = re.search(r"--schedule=(\S+)", _command(container))
    assert schedule is None or schedule.group(1).startswith("/tmp/")


def test_the_migrations_job_checks_the_deployment_then_migrates_once():
    job = _object("Job", "migrate")
    pod = job["spec"]["template"]["spec"]
    (container,) = pod["containers"]

    assert "python manage.py check --deploy --fail-level ERROR && python manage.py migrate --no-input" in _command(
        container
    )
    assert pod["restartPolicy"] == "Never"
    assert job["spec"]["backoffLimit"] == 0


def test_the_commands_name_modules_of_the_project():
    web = _command(_pod_spec("web")["containers"][0])
    wsgi_module = re.search(r"gunicorn ([\w.]+)", web).group(1)

    assert "application =" in (PROJECT_DIR / f"{wsgi_module.replace('.', '/')}.py").read_text()
    for name in ("worker", "beat"):
        app = re.search(r"-A ([\w.]+)", _command(_pod_spec(name)["containers"][0])).group(1)
        assert (PROJECT_DIR / app / "celery.py").is_file()


def test_no_persistent_volume_holds_uploads():
    """Uploads go to the object store, shared by every replica; the pods keep nothing on disk."""
    kinds = {item["kind"] for item in _applied()}
    config = _object("ConfigMap", "portal-config")["data"]

    assert "PersistentVolumeClaim" not in kinds
    assert config["S3_BUCKET"]
    for name in WORKLOADS:
        for volume in _pod_spec(name)["volumes"]:
            assert set(volume) == {"name", "emptyDir"}


def test_the_readme_s_release_commands_select_the_config_and_the_migrations_job():
    readme = (PROJECT_DIR / "README.md").read_text()
    selector = re.search(
        r"kubectl apply -k deploy/kubernetes -l 'app\.kubernetes\.io/component in \(([\w,]+)\)'", readme
    )
    selected = [
        item
        for item in _applied()
        if item["metadata"].get("labels", {}).get("app.kubernetes.io/component") in selector.group(1).split(",")
    ]

    assert sorted(item["kind"] for item in selected) == ["ConfigMap", "Job"]
    assert "kubectl -n tvet-portal wait --for=condition=complete job/migrate" in readme
