"""Deployment manifests, checked offline: Compose, Kubernetes (kustomize), the image, Grafana.

No cluster and no Docker daemon: the YAML is parsed and checked here; `kubectl kustomize`,
`docker compose config` and yamllint run when they are installed (skipped with the reason
otherwise).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import PROJECT_ROOT

DEPLOY = PROJECT_ROOT / "deploy"
K8S = DEPLOY / "k8s"
COMPOSE = DEPLOY / "compose" / "compose.yml"
DASHBOARD = DEPLOY / "grafana" / "buergertelefon.json"
WORKLOADS = ("Deployment", "Job", "StatefulSet", "DaemonSet")
#: Environment names whose values must never be written into a manifest.
SECRET_NAME = re.compile(r"(PASSWORD|TOKEN|SECRET|SESSION_KEY|API_KEY)$")
#: Values that look like real secrets (long random strings, PEM blocks).
SECRET_VALUE = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----|\b[0-9a-f]{32,}\b|\b[A-Za-z0-9_-]{40,}\b")


def yaml_files() -> list[Path]:
    return sorted(DEPLOY.rglob("*.yaml")) + sorted(DEPLOY.rglob("*.yml"))


def k8s_documents() -> list[dict]:
    documents = []
    for path in sorted(K8S.glob("*.yaml")):
        if path.name in ("kustomization.yaml", "secret.example.yaml", "secret.yaml"):
            continue
        documents += [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]
    return documents


def workloads() -> list[dict]:
    return [doc for doc in k8s_documents() if doc["kind"] in WORKLOADS]


def pod_spec(workload: dict) -> dict:
    return workload["spec"]["template"]["spec"]


def containers(workload: dict, init: bool = True) -> Iterator[dict]:
    spec = pod_spec(workload)
    yield from spec["containers"]
    if init:
        yield from spec.get("initContainers", [])


def name(doc: dict) -> str:
    return f"{doc['kind']}/{doc['metadata']['name']}"


@pytest.mark.parametrize("path", yaml_files(), ids=lambda path: str(path.relative_to(DEPLOY)))
def test_every_yaml_file_parses(path: Path) -> None:
    documents = list(yaml.safe_load_all(path.read_text(encoding="utf-8")))
    assert documents and all(doc is None or isinstance(doc, dict) for doc in documents)


def test_kustomization_lists_every_manifest_but_the_secret_example() -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    listed = set(kustomization["resources"])
    present = {path.name for path in K8S.glob("*.yaml")} - {"kustomization.yaml", "secret.example.yaml", "secret.yaml"}
    assert listed == present
    assert kustomization["namespace"] == "buergertelefon"


def test_the_deployments_of_the_brief_are_there() -> None:
    kinds = {name(doc) for doc in k8s_documents()}
    for expected in ("Deployment/rasa", "Deployment/actions", "Deployment/console", "Deployment/web",
                     "Deployment/nginx", "Job/migrate", "HorizontalPodAutoscaler/rasa",
                     "HorizontalPodAutoscaler/actions", "Service/rasa", "Service/actions", "Service/web",
                     "Service/console", "Service/nginx", "Namespace/buergertelefon", "Deployment/phone-front",
                     "Service/phone-front"):
        assert expected in kinds
    rasa = next(doc for doc in workloads() if name(doc) == "Deployment/rasa")
    assert rasa["spec"]["replicas"] >= 2


@pytest.mark.parametrize("workload", workloads(), ids=name)
def test_workloads_run_as_non_root_with_resources(workload: dict) -> None:
    spec = pod_spec(workload)
    assert spec["securityContext"]["runAsNonRoot"] is True
    assert spec.get("automountServiceAccountToken") is False
    for container in containers(workload):
        context = container["securityContext"]
        assert context["runAsNonRoot"] is True and context["allowPrivilegeEscalation"] is False
        assert context["readOnlyRootFilesystem"] is True and context["capabilities"]["drop"] == ["ALL"]
        resources = container["resources"]
        assert {"cpu", "memory"} <= set(resources["requests"]) and {"cpu", "memory"} <= set(resources["limits"])


@pytest.mark.parametrize("workload", [doc for doc in workloads() if doc["kind"] == "Deployment"], ids=name)
def test_deployments_have_readiness_and_liveness_probes(workload: dict) -> None:
    for container in containers(workload, init=False):
        assert "readinessProbe" in container and "livenessProbe" in container, container["name"]


def test_probes_use_paths_that_answer_without_a_token() -> None:
    """Rasa's "/" needs RASA_AUTH_TOKEN: its probes use the public socket.io health route;
    the action server's probe its public GET /health (bot/server/guard.py)."""
    from bot.server.guard import is_public
    from bot.server.rasa_server import PUBLIC_PREFIXES

    by_name = {doc["metadata"]["name"]: doc for doc in workloads()}
    for probe_name in ("startupProbe", "readinessProbe", "livenessProbe"):
        path = next(containers(by_name["rasa"], init=False))[probe_name]["httpGet"]["path"]
        assert is_public(path, PUBLIC_PREFIXES)
    actions = next(containers(by_name["actions"], init=False))
    assert actions["readinessProbe"]["httpGet"]["path"] == "/health"
    assert is_public("/health", (), public_paths=("/health",))


@pytest.mark.parametrize("workload", workloads(), ids=name)
def test_images_are_pinned(workload: dict) -> None:
    kustomization = yaml.safe_load((K8S / "kustomization.yaml").read_text(encoding="utf-8"))
    tags = {image["name"]: image["newTag"] for image in kustomization["images"]}
    for container in containers(workload):
        image = container["image"]
        tag = tags.get(image) or (image.rsplit(":", 1)[1] if ":" in image else "")
        assert tag and tag != "latest", f"{container['name']}: {image} needs a fixed tag"


def test_no_literal_secret_values_in_the_manifests() -> None:
    for doc in k8s_documents():
        assert doc["kind"] != "Secret", f"{name(doc)}: Secrets are created by the operator (secret.example.yaml)"
        for workload in [doc] if doc["kind"] in WORKLOADS else []:
            for container in containers(workload):
                for variable in container.get("env", []):
                    if SECRET_NAME.search(variable["name"]):
                        assert "value" not in variable and "secretKeyRef" in variable["valueFrom"], variable["name"]
        if doc["kind"] == "ConfigMap":
            for key, value in doc.get("data", {}).items():
                assert not SECRET_NAME.search(key), f"{key} belongs in a Secret"
                assert "@" not in value or not re.search(r"://[^/@]+:[^/@]+@", value), f"{key} has a password"
    for path in yaml_files():
        text = path.read_text(encoding="utf-8")
        assert not SECRET_VALUE.search(text), f"{path}: looks like a secret value"


def test_secret_example_has_placeholders_only() -> None:
    secrets = list(yaml.safe_load_all((K8S / "secret.example.yaml").read_text(encoding="utf-8")))
    referenced = {(ref["name"], ref["key"]) for doc in workloads() for container in containers(doc)
                  for variable in container.get("env", [])
                  for ref in [variable.get("valueFrom", {}).get("secretKeyRef")] if ref}
    referenced |= {(volume["secret"]["secretName"], item["key"]) for doc in workloads()
                   for volume in pod_spec(doc).get("volumes", []) if "secret" in volume
                   for item in volume["secret"].get("items", [])}
    provided = set()
    for secret in secrets:
        for key, value in secret["stringData"].items():
            assert value.startswith("REPLACE-WITH-"), f"{secret['metadata']['name']}/{key}"
            provided.add((secret["metadata"]["name"], key))
    assert referenced <= provided


def test_network_policies_let_only_nginx_reach_rasa_and_web_and_only_rasa_reach_actions() -> None:
    policies = {doc["spec"]["podSelector"].get("matchLabels", {}).get("app.kubernetes.io/name", "*"): doc
                for doc in k8s_documents() if doc["kind"] == "NetworkPolicy"}
    assert policies["*"]["spec"] == {"podSelector": {}, "policyTypes": ["Ingress"]}  # default deny

    def sources(app: str, port: int) -> set[str]:
        found = set()
        for rule in policies[app]["spec"]["ingress"]:
            if port in [item["port"] for item in rule.get("ports", [])]:
                for peer in rule.get("from", [{"any": True}]):
                    found.add(peer.get("podSelector", {}).get("matchLabels", {}).get("app.kubernetes.io/name", "?")
                              if "podSelector" in peer else ("anywhere" if "any" in peer else "namespace"))
        return found

    # the console uses Rasa's API (pause, agent messages); the web server's /health asks its socket.io route
    assert sources("rasa", 5005) == {"nginx", "console", "web"}
    assert sources("web", 8080) == {"nginx"}
    assert sources("phone-front", 5007) == {"nginx"}
    assert sources("console", 8090) == {"nginx"}
    assert sources("actions", 5055) == {"rasa"}
    assert sources("nginx", 8443) == {"anywhere"}


def _env(container: dict) -> dict[str, str]:
    return {item["name"]: item.get("value") for item in container.get("env", [])}


def test_nginx_sends_new_calls_to_the_phone_front_whose_replicas_admit_together() -> None:
    by_name = {name(doc): doc for doc in workloads()}
    render = _env(next(c for c in containers(by_name["Deployment/nginx"]) if c["name"] == "render"))
    assert render["BT_PHONE_FRONT"] == "on" and render["BT_PHONE_FRONT_UPSTREAM"] == "phone-front:5007"
    front = _env(next(containers(by_name["Deployment/phone-front"], init=False)))
    # one fixed instance id: every front replica counts the same calls, capped per ready Rasa pod
    assert front["TELEPHONY_INSTANCE_ID"] and int(front["TELEPHONY_MAX_CALLS"]) > 0
    assert front["TELEPHONY_REPLICA_HOSTS"] == "rasa" and name(by_name["Deployment/rasa"]) == "Deployment/rasa"
    assert any(doc["kind"] == "Service" and doc["metadata"]["name"] == "rasa" and doc["spec"].get("clusterIP") == "None"
               for doc in k8s_documents())  # headless: it resolves to every ready pod
    assert "channels.audiocodes.AudiocodesInput" in (K8S / "config" / "credentials.yml").read_text()


def test_config_maps_are_the_production_files() -> None:
    config = K8S / "config"
    assert (config / "endpoints.yml").read_text() == (PROJECT_ROOT / "endpoints.production.yml").read_text()
    assert (config / "credentials.yml").read_text() == (
        (PROJECT_ROOT / "credentials.production.yml").read_text()
        + (PROJECT_ROOT / "credentials.audiocodes.yml").read_text())


def test_kustomize_build() -> None:
    kubectl, kustomize = shutil.which("kubectl"), shutil.which("kustomize")
    if not (kubectl or kustomize):
        pytest.skip("neither kubectl nor kustomize is installed: kustomize build not checked")
    command = [kustomize, "build", str(K8S)] if kustomize else [kubectl, "kustomize", str(K8S)]
    result = subprocess.run(command, check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    built = [doc for doc in yaml.safe_load_all(result.stdout) if doc]
    assert all(doc["metadata"].get("namespace") == "buergertelefon" for doc in built if doc["kind"] != "Namespace")
    images = {container["image"] for doc in built if doc["kind"] in WORKLOADS for container in containers(doc)}
    assert all(":" in image and not image.endswith(":latest") for image in images)
    config_maps = [doc["metadata"]["name"] for doc in built if doc["kind"] == "ConfigMap"]
    assert any(item.startswith("rasa-config-") for item in config_maps)  # hashed: pods restart on a change


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text(encoding="utf-8"))


def test_compose_has_the_whole_system() -> None:
    services = compose()["services"]
    assert {"postgres", "redis", "migrate", "actions", "rasa-1", "rasa-2", "console", "web", "nginx-config",
            "nginx"} <= set(services)
    assert services["actions"]["deploy"]["replicas"] >= 2
    assert "db upgrade" in " ".join(services["migrate"]["command"]) and "load-knowledge" in " ".join(
        services["migrate"]["command"])
    for server in ("actions", "rasa-1", "rasa-2", "console"):
        assert services[server]["depends_on"]["migrate"]["condition"] == "service_completed_successfully"
    published = {service for service, config in services.items() if config.get("ports")}
    assert published == {"nginx"}  # Rasa's API, the action servers and metrics stay internal
    assert {port.rsplit(":", 1)[1] for port in services["nginx"]["ports"]} == {"8443", "8080", "9443"}  # 8080: redirect
    # the phone front is on by default, so the default credentials have the phone channel
    render = services["nginx-config"]["environment"]
    assert render["BT_PHONE_FRONT"] == "${BT_PHONE_FRONT:-on}"
    command = services["rasa-1"]["command"]
    credentials = command[command.index("--credentials") + 1]
    default = re.fullmatch(r"\$\{BT_CREDENTIALS:-(.+)\}", credentials).group(1)  # type: ignore[union-attr]
    assert "channels.audiocodes.AudiocodesInput" in (PROJECT_ROOT / default).read_text()


def test_compose_services_have_healthchecks_limits_and_file_secrets() -> None:
    config = compose()
    for service_name, service in config["services"].items():
        assert service["deploy"]["resources"]["limits"], service_name
        if service.get("restart") != "no":
            assert service["healthcheck"]["test"], service_name
        for key, value in (service.get("environment") or {}).items():
            if SECRET_NAME.search(key):
                raise AssertionError(f"{service_name}: {key} must come from {key}_FILE")
            if key.endswith("_FILE") and SECRET_NAME.search(key[:-5]):
                assert str(value).startswith("/run/secrets/"), f"{service_name}: {key}"
    for secret in config["secrets"].values():
        assert secret["file"].startswith("./secrets/")  # written by init-secrets.sh, ignored by git
    assert "deploy/compose/secrets/" in (PROJECT_ROOT / ".gitignore").read_text()


def test_compose_config() -> None:
    docker = shutil.which("docker")
    if docker is None:
        pytest.skip("docker is not installed: `docker compose config` not checked")
    probe = subprocess.run([docker, "compose", "version"], check=False, capture_output=True, text=True, timeout=30)
    if probe.returncode != 0:
        pytest.skip("the docker compose plugin is missing: `docker compose config` not checked")
    result = subprocess.run([docker, "compose", "-f", str(COMPOSE), "config", "-q"], check=False, capture_output=True,
                            text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr


def test_yamllint() -> None:
    pytest.importorskip("yamllint", reason="yamllint is not installed (pip install -e '.[test]')")
    result = subprocess.run([sys.executable, "-m", "yamllint", "--strict", "-c", str(DEPLOY / ".yamllint"),
                             "-f", "parsable", str(DEPLOY)], check=False, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr


def test_dockerfile_runs_as_non_root_without_secrets() -> None:
    dockerfile = (PROJECT_ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert re.search(r"^FROM python:3\.10-slim", dockerfile, re.M)
    assert re.search(r"^USER 10001", dockerfile, re.M) and "pip install ." in dockerfile
    assert not re.search(r"^(ENV|ARG)\s.*(TOKEN|PASSWORD|SECRET|SESSION_KEY)", dockerfile, re.M)
    ignored = (PROJECT_ROOT / ".dockerignore").read_text(encoding="utf-8").split()
    assert "var" in ignored and "deploy/compose/secrets" in ignored and ".venv" in ignored


def test_entrypoint_reads_file_settings(tmp_path: Path) -> None:
    (tmp_path / "password").write_text("not-a-real-password\n")
    result = subprocess.run(
        ["sh", str(DEPLOY / "docker-entrypoint.sh"), "sh", "-c", 'echo "$PGPASSWORD|${SSL_CERT:-unset}"'],
        env={"PATH": "/usr/bin:/bin", "PGPASSWORD_FILE": str(tmp_path / "password"),
             "SSL_CERT_FILE": str(tmp_path / "password")},
        check=False, capture_output=True, text=True, timeout=30)
    assert result.stdout.strip() == "not-a-real-password|unset"  # other *_FILE variables are left alone
    missing = subprocess.run(["sh", str(DEPLOY / "docker-entrypoint.sh"), "true"], check=False, capture_output=True,
                             text=True,
                             env={"PATH": "/usr/bin:/bin", "PGPASSWORD_FILE": str(tmp_path / "nope")}, timeout=30)
    assert missing.returncode == 2 and "PGPASSWORD_FILE" in missing.stderr


def metric_names() -> set[str]:
    """Every sample name bot/metrics.py exposes (``…_total``, ``…_bucket`` …)."""
    from prometheus_client import Counter, Gauge, Histogram

    import bot.metrics as metrics

    names: set[str] = set()
    for value in vars(metrics).values():
        if isinstance(value, Counter):
            names.add(value._name + "_total")
        elif isinstance(value, Histogram):
            names |= {value._name + suffix for suffix in ("_bucket", "_sum", "_count")}
        elif isinstance(value, Gauge):
            names.add(value._name)
    return names


def dashboard_queries() -> list[str]:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    return [target["expr"] for panel in dashboard["panels"] for target in panel.get("targets", [])]


def test_dashboard_queries_only_metrics_that_exist() -> None:
    known = metric_names()
    queried = {found for expr in dashboard_queries() for found in re.findall(r"\bbuergertelefon_[a-z_]+", expr)}
    assert queried and queried <= known, sorted(queried - known)


def test_dashboard_shows_every_metric() -> None:
    queried = " ".join(dashboard_queries())
    families = {re.sub(r"_(total|bucket|sum|count)$", "", item) for item in metric_names()}
    assert not [family for family in families if family not in queried]


def test_dashboard_is_importable_json() -> None:
    dashboard: Any = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    assert dashboard["uid"] == "buergertelefon" and dashboard["panels"]
    ids = [panel["id"] for panel in dashboard["panels"]]
    assert len(ids) == len(set(ids))
