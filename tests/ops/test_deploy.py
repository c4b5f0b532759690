"""The deployment files, tested without a container engine (none on the build machines):
compose.yaml parses and has the services and conditions an IT centre relies on, every command
it runs is a real command of this CLI, every variable is documented in .env.example, and the
Dockerfile installs the project the way the README says."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from publisher.cli import app
from publisher.config import Settings

ROOT = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "scheduler", "executor", "ui", "api")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text("utf-8"))
    return data


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = compose["services"]
    return result


def documented() -> set[str]:
    """Variables named in .env.example, set (KEY=) or shown with their default (# KEY=)."""
    text = (ROOT / ".env.example").read_text("utf-8")
    return set(re.findall(r"^#?\s*([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_compose_has_the_six_services(services: dict[str, Any]) -> None:
    assert set(services) == {"postgres", *APP_SERVICES}


def test_postgres_is_pinned_persistent_and_checked(
    compose: dict[str, Any], services: dict[str, Any]
) -> None:
    pg = services["postgres"]
    name, _, tag = pg["image"].partition(":")
    assert name == "postgres" and tag and tag != "latest"
    volume = pg["volumes"][0].split(":")[0]
    assert volume in compose["volumes"]  # a named volume, not a bind mount
    assert "pg_isready" in " ".join(pg["healthcheck"]["test"])
    assert pg["restart"] == "unless-stopped"


def test_the_postgres_major_matches_the_images_pg_dump(services: dict[str, Any]) -> None:
    server_major = services["postgres"]["image"].split(":")[1].split("-")[0].split(".")[0]
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    assert f"postgresql-client-{server_major}" in dockerfile


def test_app_services_wait_for_the_database_and_the_migration(services: dict[str, Any]) -> None:
    for name in APP_SERVICES:
        svc = services[name]
        deps = svc["depends_on"]
        assert deps["postgres"]["condition"] == "service_healthy", name
        if name == "migrate":
            assert "migrate" not in deps
            assert svc["restart"] == "no"
        else:
            assert deps["migrate"]["condition"] == "service_completed_successfully", name
            assert svc["restart"] == "unless-stopped", name
            assert svc["healthcheck"]["test"], name
        assert ".env" in svc["env_file"], name
        assert "PUBLISHER_SECRET_KEY" not in svc.get("environment", {}), name


def test_media_lives_on_one_shared_named_volume(
    compose: dict[str, Any], services: dict[str, Any]
) -> None:
    mounts = {name: services[name]["volumes"] for name in APP_SERVICES}
    assert all(m == ["publisher-data:/data"] for m in mounts.values()), mounts
    assert "publisher-data" in compose["volumes"]
    for name in APP_SERVICES:
        assert services[name]["environment"]["PUBLISHER_DATA_DIR"] == "/data"


def test_executor_can_be_scaled(services: dict[str, Any]) -> None:
    executor = services["executor"]
    assert "container_name" not in executor and "ports" not in executor
    assert executor["command"] == ["publisher", "worker", "--executor-only"]
    assert services["scheduler"]["command"] == ["publisher", "worker"]
    assert services["migrate"]["command"] == ["publisher", "init"]


def _publisher_commands(services: dict[str, Any]) -> list[list[str]]:
    commands = []
    for name in APP_SERVICES:
        svc = services[name]
        commands.append(list(svc["command"]))
        test = svc.get("healthcheck", {}).get("test") or []
        if test and test[0] == "CMD" and test[1] == "publisher":
            commands.append(list(test[1:]))
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    health = re.search(r"HEALTHCHECK[^\n]*\\\n\s*CMD (\[.*\])", dockerfile)
    assert health, "Dockerfile HEALTHCHECK"
    commands.append(list(yaml.safe_load(health.group(1))))
    return commands


def test_every_command_is_a_real_cli_command(services: dict[str, Any]) -> None:
    runner = CliRunner()
    missing = []
    for command in _publisher_commands(services):
        assert command[0] == "publisher", command
        # --help after the real options: Click refuses an unknown command or option first.
        result = runner.invoke(app, [*command[1:], "--help"])
        if result.exit_code != 0:
            missing.append((shlex.join(command), result.output.strip().splitlines()[-1:]))
    assert missing == []


def test_every_variable_is_documented(compose: dict[str, Any]) -> None:
    text = (ROOT / "compose.yaml").read_text("utf-8")
    used = set(re.findall(r"\$\{([A-Z][A-Z0-9_]*)", text))
    for svc in compose["services"].values():
        env = svc.get("environment", {})
        used |= {k for k in env if k.startswith("PUBLISHER_")}
    assert used - documented() == set()


def _variables_read_by_the_code() -> set[str]:
    names = {f"PUBLISHER_{field.upper()}" for field in Settings.model_fields}
    for package in ("publisher", "connectors", "media", "ui"):
        for path in (ROOT / package).rglob("*.py"):
            names |= set(
                re.findall(
                    r"[\"'](PUBLISHER_[A-Z0-9_]+|MEDIA_[A-Z0-9_]+)[\"']", path.read_text("utf-8")
                )
            )
    return names


def test_every_variable_the_code_reads_is_in_env_example() -> None:
    read = _variables_read_by_the_code()
    assert {"PUBLISHER_SECRET_KEY", "PUBLISHER_DATABASE_URL", "PUBLISHER_LOG_JSON"} <= read
    assert read - documented() == set()


def test_dockerfile_is_multistage_pinned_non_root_and_healthy() -> None:
    text = (ROOT / "Dockerfile").read_text("utf-8")
    assert "ARG PYTHON_IMAGE=python:3.11-slim-bookworm" in text
    stages = re.findall(r"^FROM (\S+) AS (\w+)", text, flags=re.MULTILINE)
    assert [s[1] for s in stages] == ["build", "runtime"]
    runtime = text.split("AS runtime", 1)[1]
    assert "build-essential" not in runtime and "gcc" not in runtime
    assert "COPY --from=build /opt/venv /opt/venv" in runtime
    users = re.findall(r"^USER (\S+)", runtime, flags=re.MULTILINE)
    assert users and users[-1] not in ("root", "0")
    assert "HEALTHCHECK" in runtime
    # No secret or configuration file baked in.
    assert not re.search(r"^(ENV|ARG)\s+PUBLISHER_SECRET_KEY", text, flags=re.MULTILINE)
    assert ".env" not in re.findall(r"^COPY (.*)$", text, flags=re.MULTILINE).__str__()


def test_dockerfile_installs_like_the_readme() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text("utf-8")
    installs = re.findall(r"^RUN (pip install .*)$", dockerfile, flags=re.MULTILINE)
    assert installs == ["pip install -c constraints.txt ."]
    assert re.search(r"^COPY .*\bconstraints\.txt\b", dockerfile, flags=re.MULTILINE)
    readme = (ROOT / "README.md").read_text("utf-8")
    assert re.search(
        r"^\s*pip install -c constraints\.txt \.\s*(#.*)?$", readme, flags=re.MULTILINE
    ), "README documents the same install step"


def test_dockerignore_keeps_secrets_and_data_out_of_the_image() -> None:
    ignored = (ROOT / ".dockerignore").read_text("utf-8").splitlines()
    for pattern in (".env", "*.key", "data/", ".venv/", ".git/"):
        assert pattern in ignored
