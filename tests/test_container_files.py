"""The container files agree with each other and with mixlingo's settings, in the default suite (seconds, no podman).

tests/test_container.py builds and runs them for real (MIXLINGO_CONTAINER_TEST=1); this catches the drift that needs
no container: a misspelt setting in .env.example, a compose variable .env.example does not offer, a Kubernetes
manifest in the docs that is not valid YAML, a make target that bypasses scripts/container_base.sh.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
import yaml

from mixlingo.config.settings import setting_fields

ROOT = Path(__file__).resolve().parents[1]
COMPOSE = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))
ENV_EXAMPLE = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
DOCKERFILE = (ROOT / "Dockerfile").read_text(encoding="utf-8")
DEPLOYMENT = (ROOT / "docs" / "deployment.md").read_text(encoding="utf-8")
VARIABLE = re.compile(r"^#?([A-Z][A-Z0-9_]*)=")
SETTINGS = {variable for field in setting_fields().values() for variable in field.env}  # MIXLINGO_*, SLACK_*


def example_variables() -> list[str]:
    return [m.group(1) for line in ENV_EXAMPLE if (m := VARIABLE.match(line))]


def test_every_variable_in_env_example_has_a_comment_of_its_own_and_exists() -> None:
    names = example_variables()
    assert len(names) == len(set(names))
    for i, line in enumerate(ENV_EXAMPLE):
        if VARIABLE.match(line):
            above = ENV_EXAMPLE[i - 1]
            assert above.startswith("# ") and not VARIABLE.match(above), line
    assert [n for n in names if n.startswith(("MIXLINGO_", "SLACK_")) and n not in SETTINGS] == []
    assert {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN", "POSTGRES_PASSWORD"} <= set(names)


def test_env_example_offers_what_compose_reads_from_it() -> None:
    text = (ROOT / "compose.yaml").read_text(encoding="utf-8")
    required = set(re.findall(r"\$\{([A-Z_]+):\?", text))
    assert required <= set(example_variables())
    assert "SERVE_PORT" in example_variables()
    for service in ("migrate", "serve", "worker"):
        settings = COMPOSE["services"][service]["environment"]
        assert [n for n in settings if n not in SETTINGS] == []


def test_compose_has_the_stack_the_docs_describe() -> None:
    services = COMPOSE["services"]
    assert set(services) == {"migrate", "serve", "worker", "models", "redis", "postgres"}
    assert services["migrate"]["command"] == ["mixlingo", "db", "upgrade"]
    assert services["serve"]["command"] == ["mixlingo", "serve"] and services["worker"]["command"] == ["mixlingo", "worker"]
    for service in ("serve", "worker"):
        assert services[service]["depends_on"]["migrate"] == {"condition": "service_completed_successfully"}
        assert "models:/models" in services[service]["volumes"]
        assert "container_name" not in services[service] and "ports" not in services["worker"]  # --scale worker=N
    assert "postgres-data:/var/lib/postgresql/data" in services["postgres"]["volumes"]
    assert services["models"]["profiles"] == ["tools"] and services["models"]["build"]["target"] == "tools"
    assert set(COMPOSE["volumes"]) == {"models", "postgres-data"}


def test_the_dockerfile_runtime_is_the_last_stage_a_user_and_healthchecked() -> None:
    assert DOCKERFILE.count("ARG BASE_IMAGE=python:3.12-slim") == 1
    stages = re.findall(r"^FROM (\S+) AS (\S+)", DOCKERFILE, re.M)
    assert [name for _, name in stages] == ["builder", "tools", "runtime-env", "runtime"]
    runtime = DOCKERFILE.split("AS runtime\n", 1)[1]
    assert "USER mixlingo" in runtime and "VOLUME [\"/models\"]" in runtime and "/healthz" in runtime
    assert runtime.rstrip().endswith('CMD ["mixlingo", "serve"]')
    assert 'ARG RUNTIME_WITHOUT="torch transformers"' in DOCKERFILE


def test_the_kubernetes_sketch_is_valid_yaml_with_the_parts_it_promises() -> None:
    block = re.search(r"```yaml\n# mixlingo.yaml\n(.*?)```", DEPLOYMENT, re.S)
    assert block, "the manifest sketch in docs/deployment.md"
    documents = {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(block.group(1))}
    serve = documents[("Deployment", "mixlingo-serve")]["spec"]["template"]["spec"]["containers"][0]
    worker = documents[("Deployment", "mixlingo-worker")]["spec"]["template"]["spec"]["containers"][0]
    assert serve["command"] == ["mixlingo", "serve"] and worker["command"] == ["mixlingo", "worker"]
    assert serve["readinessProbe"]["httpGet"] == {"path": "/healthz", "port": 3000}
    assert serve["envFrom"] == worker["envFrom"] == [{"secretRef": {"name": "mixlingo"}}]
    assert ("Job", "mixlingo-migrate") in documents and ("Job", "mixlingo-models") in documents


@pytest.mark.parametrize("target", ["image", "up", "container-test"])
def test_the_make_targets_go_through_the_one_set_up_script(target: str) -> None:
    commands = subprocess.run(["make", "-n", target], cwd=ROOT, capture_output=True, text=True, check=True).stdout
    assert "scripts/container_base.sh" in commands


def test_the_container_scripts_are_valid_shell() -> None:
    for script in sorted((ROOT / "scripts").glob("container_*.sh")):
        assert subprocess.run(["bash", "-n", str(script)], capture_output=True).returncode == 0, script.name


def test_readme_shows_the_two_commands() -> None:
    slack = (ROOT / "README.md").read_text(encoding="utf-8").split("## Put it in a Slack workspace", 1)[1].split("\n## ", 1)[0]
    assert "make image" in slack and "make up" in slack

