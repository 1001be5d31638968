"""The compose files stay true without Docker: the services a user relies on exist with health checks and
start in order, every INTERVOX_* variable they set is a setting, every command is a real subcommand."""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from api.settings import Settings
from tests.test_readme import env_names

ROOT = Path(__file__).parent.parent
SCALE_OUT = ["redis", "postgres", "livekit", "api", "worker"]

# Settings the compose files use that other work in progress adds: accepted while their section (the part
# before `__`) is not in Settings yet; once it is, the names must be exactly these.
PENDING = {
    "INTERVOX_MEDIA__BACKEND",
    "INTERVOX_LIVEKIT__URL",
    "INTERVOX_LIVEKIT__API_KEY",
    "INTERVOX_LIVEKIT__API_SECRET",
    "INTERVOX_WORKER__ADVERTISE_URL",
}


def load(name: str) -> dict[str, Any]:
    return yaml.safe_load((ROOT / name).read_text())  # resolves the files' anchors and `<<` merges


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return load("docker-compose.yml")


@pytest.fixture(scope="module")
def aiortc() -> dict[str, Any]:
    return load("docker-compose.aiortc.yml")


def section_exists(name: str) -> bool:
    section = name.removeprefix("INTERVOX_").split("__")[0].lower()
    return section in Settings.model_fields


def known_names() -> set[str]:
    # INTERVOX_MODEL_CACHE and the like are read outside Settings but documented in the table
    documented = set(re.findall(r"^\| `(INTERVOX_[A-Z0-9_]+)`", (ROOT / "README.md").read_text(), re.M))
    return set(env_names(Settings)) | documented


@pytest.mark.parametrize("name", ["docker-compose.yml", "docker-compose.aiortc.yml"])
def test_every_intervox_variable_is_a_setting(name: str):
    used = set(re.findall(r"\bINTERVOX_[A-Z0-9_]*[A-Z0-9]", (ROOT / name).read_text()))
    assert "INTERVOX_REDIS_URL" in used and "INTERVOX_DATABASE_URL" in used
    unknown = used - known_names() - {n for n in PENDING if not section_exists(n)}
    assert not unknown, f"{name} sets {sorted(unknown)}, which are not settings (api/settings.py)"


def test_pending_settings_have_landed():
    missing = sorted(n for n in PENDING if not section_exists(n))
    if missing:
        pytest.skip(f"not in api/settings.py on this branch yet (being added in parallel): {missing}")


def test_scale_out_services_have_health_checks_and_start_in_order(compose):
    services = compose["services"]
    assert set(SCALE_OUT) <= set(services)
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
    assert services["redis"]["image"].startswith("redis:7")
    assert services["redis"]["healthcheck"]["test"][-2:] == ["redis-cli", "ping"]
    assert services["postgres"]["image"].startswith("postgres:")
    assert "pg_isready" in services["postgres"]["healthcheck"]["test"]
    for name in ("api", "worker"):
        depends = services[name]["depends_on"]
        for store in ("redis", "postgres"):
            assert depends[store] == {"condition": "service_healthy"}, f"{name} must wait for {store}"
        assert "/health" in " ".join(services[name]["healthcheck"]["test"])
    # the api makes the secret key and migrates first when none is configured
    assert services["worker"]["depends_on"]["api"] == {"condition": "service_healthy"}
    assert services["worker"]["deploy"]["replicas"] == 2
    assert "8000:8000" in services["api"]["ports"] and "ports" not in services["worker"]  # --scale works


def test_processes_share_stores_key_and_data(compose):
    services = compose["services"]
    api, worker = services["api"]["environment"], services["worker"]["environment"]
    for name in ("INTERVOX_DATABASE_URL", "INTERVOX_REDIS_URL", "INTERVOX_SECRET_KEY", "INTERVOX_DATA_DIR"):
        assert api[name] == worker[name], name
    assert "@postgres:5432/" in api["INTERVOX_DATABASE_URL"] and "//redis:6379" in api["INTERVOX_REDIS_URL"]
    data = f"shared-data:{api['INTERVOX_DATA_DIR']}"
    assert data in services["api"]["volumes"] and data in services["worker"]["volumes"]
    assert "shared-data" in compose["volumes"]


def test_livekit_runs_in_dev_mode_and_calls_the_api(compose):
    services = compose["services"]
    livekit = services["livekit"]
    assert livekit["image"].startswith("livekit/livekit-server")
    assert "--dev" in livekit["command"] and "0.0.0.0" in livekit["command"]
    published = {p.removeprefix("${LIVEKIT_BIND:-127.0.0.1}:") for p in livekit["ports"]}
    assert published == {"7880:7880", "7881:7881", "7882:7882/udp"}  # dev mode's keys: loopback by default
    mount = next(v for v in livekit["volumes"] if v.startswith("./docker/livekit.yaml:"))
    config = yaml.safe_load((ROOT / "docker" / "livekit.yaml").read_text())
    assert mount.split(":")[1] == livekit["command"][livekit["command"].index("--config") + 1]
    assert (config["port"], config["rtc"]["tcp_port"], config["rtc"]["udp_port"]) == (7880, 7881, 7882)
    for name in ("api", "worker"):
        env = services[name]["environment"]
        assert env["INTERVOX_MEDIA__BACKEND"] == "livekit"
        assert (env["INTERVOX_LIVEKIT__API_KEY"], env["INTERVOX_LIVEKIT__API_SECRET"]) == ("devkey", "secret")
    assert config["webhook"]["api_key"] == "devkey"
    assert config["webhook"]["urls"] == ["http://api:8000/api/v1/livekit/webhook"]
    assert services["worker"]["environment"]["INTERVOX_LIVEKIT__URL"] == "ws://livekit:7880"


def test_single_server_is_kept_behind_a_profile(compose):
    single = compose["services"]["single"]
    assert single["profiles"] == ["single"] and single["network_mode"] == "host"
    assert single["environment"]["INTERVOX_DATABASE_URL"].startswith("sqlite:")


def test_aiortc_workers_on_the_host_network_each_on_its_own_port(aiortc):
    services = aiortc["services"]
    workers = {n: s for n, s in services.items() if n.startswith("worker")}
    assert len(workers) == 2 and services["api"]["network_mode"] == "host"
    ports = set()
    for name, service in services.items():
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"
    for worker in workers.values():
        assert worker["network_mode"] == "host"
        port = worker["command"][worker["command"].index("--port") + 1]
        assert worker["environment"]["INTERVOX_WORKER__ADVERTISE_URL"] == f"http://127.0.0.1:{port}"
        assert f"127.0.0.1:{port}/health" in " ".join(worker["healthcheck"]["test"])
        assert worker["depends_on"]["redis"] == {"condition": "service_healthy"}
        assert worker["environment"]["INTERVOX_MEDIA__BACKEND"] == "aiortc"
        ports.add(port)
    assert len(ports) == 2
    published = [p.rsplit(":", 1)[0] for s in ("redis", "postgres") for p in services[s]["ports"]]
    assert all(p.startswith("127.0.0.1:") for p in published)  # not on the network


class Parsed(Exception):
    def __init__(self, namespace: argparse.Namespace) -> None:
        self.namespace = namespace


def commands() -> list[tuple[str, list[str]]]:
    image_default = re.search(r"^CMD (\[.*\])$", (ROOT / "Dockerfile").read_text(), re.M)
    assert image_default, "the Dockerfile has no CMD"
    out = [("Dockerfile", yaml.safe_load(image_default.group(1)))]
    for file in ("docker-compose.yml", "docker-compose.aiortc.yml"):
        for name, service in load(file)["services"].items():
            if service.get("image", "").startswith("intervox"):
                out.append((f"{file}:{name}", service["command"]))
    return out


COMMANDS = commands()


@pytest.mark.parametrize(("where", "command"), COMMANDS, ids=[where for where, _ in COMMANDS])
def test_commands_are_real_subcommands(where: str, command: list[str], monkeypatch, capsys):
    """Each command goes through `intervox`'s own argument parser (stopped before anything runs)."""
    from api import cli

    original = argparse.ArgumentParser.parse_args

    def parse_only(self, args=None, namespace=None):
        raise Parsed(original(self, args, namespace))

    monkeypatch.setattr(argparse.ArgumentParser, "parse_args", parse_only)
    assert command[0] == "intervox", where
    try:
        cli.main(command[1:])
    except Parsed as parsed:
        assert parsed.namespace.command == command[1]
        return
    except SystemExit:
        pass
    error = capsys.readouterr().err
    if command[1] in ("api", "worker") and "invalid choice" in error:
        pytest.skip(f"`intervox {command[1]}` is not in api/cli.py on this branch yet (added in parallel)")
    pytest.fail(f"{where}: `{' '.join(command)}` is refused by intervox's parser: {error}")
