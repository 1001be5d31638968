"""The Docker image and the wheel: the image copies every package the project ships, and the app starts
from an installed wheel (its pages and migrations from package data), not from the source tree."""

from __future__ import annotations

import glob
import os
import re
import shutil
import subprocess
import sys
import textwrap
import time
import tomllib
import zipfile
from pathlib import Path

import httpx
import pytest

from api.server import free_port

ROOT = Path(__file__).resolve().parent.parent
SHIPPED_PACKAGES = set("core media stt tts vision orchestrator store api bench workspace web coding".split())
BUILD_FILES = {"pyproject.toml", "README.md", "requirements"}


def included_packages() -> set[str]:
    """Top-level package names from pyproject's [tool.setuptools.packages.find] include patterns."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    patterns = config["tool"]["setuptools"]["packages"]["find"]["include"]
    return {pattern.split(".")[0].rstrip("*") for pattern in patterns}


def docker_copied(dockerfile: str) -> set[str]:
    """Every source path the Dockerfile's COPY lines bring into the image (build-stage copies excluded)."""
    copied: set[str] = set()
    for line in dockerfile.replace("\\\n", " ").splitlines():
        words = line.split()
        if not words or words[0].upper() != "COPY" or any(w.startswith("--from") for w in words):
            continue
        args = [w for w in words[1:] if not w.startswith("--")]
        if args and args[0].startswith("["):  # JSON form: COPY ["a", "b", "dest/"]
            args = re.findall(r'"([^"]+)"', line)
        copied |= {src.rstrip("/").removeprefix("./") for src in args[:-1]}
    return copied


def test_the_dockerfile_copies_every_shipped_package():
    included = included_packages()
    assert included >= SHIPPED_PACKAGES, f"pyproject no longer ships {sorted(SHIPPED_PACKAGES - included)}"
    for name in included:
        assert (ROOT / name / "__init__.py").is_file(), f"pyproject includes {name}, which is no package"
    copied = docker_copied((ROOT / "Dockerfile").read_text())
    missing = sorted((included | BUILD_FILES) - copied)
    assert not missing, (
        f"the Dockerfile does not COPY {missing}; `pip install .` in the image would miss them"
    )


def test_the_copy_parser_reads_the_forms_dockerfiles_use():
    dockerfile = textwrap.dedent(
        """\
        FROM python:3.11-slim AS build
        COPY --chown=app:app core core
        COPY pyproject.toml README.md ./
        COPY ["web", "web/"]
        COPY --from=build /x /y
        # COPY api api
        """
    )
    assert docker_copied(dockerfile) == {"core", "pyproject.toml", "README.md", "web"}


# -- the wheel ---------------------------------------------------------------------------------------------


def stage_image_files(target: Path) -> Path:
    """Exactly what the Dockerfile copies, so the wheel is built from the image's view of the project."""
    stage = target / "stage"
    stage.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in sorted(docker_copied((ROOT / "Dockerfile").read_text())):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, stage / name, ignore=ignore)
        else:
            shutil.copy2(source, stage / name)
    return stage


# Runs in the child: drop the venv's editable finder (it maps the packages to the source tree), import the
# installed copy, prove where it came from, then run `intervox serve`.
CHILD = """
import sys
site = sys.argv[1]
sys.meta_path[:] = [f for f in sys.meta_path if not getattr(f, "__module__", "").startswith("__editable__")]
sys.path_hooks[:] = [h for h in sys.path_hooks if not getattr(h, "__module__", "").startswith("__editable__")]
sys.path_importer_cache.clear()
sys.path[:] = [p for p in sys.path if p.rstrip("/") != {source!r}]
import api, api.cli, web, store.migrations
from importlib.resources import files
for module in (api, web, store.migrations):
    assert module.__file__.startswith(site), (module.__name__, module.__file__)
assert str(files("web")).startswith(site), files("web")
print("IMPORTED-FROM", api.__file__, flush=True)
api.cli.main(["serve", "--port", sys.argv[2]])
"""


@pytest.mark.slow
def test_the_app_starts_from_an_installed_wheel(tmp_path):
    stage = stage_image_files(tmp_path)
    wheels = tmp_path / "wheels"
    build = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(wheels), str(stage)],
        capture_output=True,
        text=True,
        timeout=300,
        cwd=tmp_path,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    (wheel,) = wheels.glob("intervox-*.whl")

    names = set(zipfile.ZipFile(wheel).namelist())
    dashboard = [f"web/dashboard/{p.name}" for p in (ROOT / "web" / "dashboard").iterdir() if p.is_file()]
    assert "web/dashboard/index.html" in dashboard
    room = ("web/interview.html", "web/room.js", "web/room.css", "web/coding.js", "web/integrity.js")
    pages = (*room, *dashboard)
    editor = ("web/vendor/codemirror.js", "web/vendor/codemirror.LICENSES.txt")
    for needed in (*pages, *editor, "store/migrations/env.py"):
        assert needed in names, f"{needed} is not in the wheel"
    versions = {n for n in names if re.fullmatch(r"store/migrations/versions/\d{4}_\w+\.py", n)}
    source_versions = {
        "store/migrations/versions/" + Path(p).name
        for p in glob.glob(str(ROOT / "store/migrations/versions/[0-9]*.py"))
    }
    assert source_versions and versions == source_versions, f"migrations in the wheel: {sorted(versions)}"
    for package in included_packages():
        assert f"{package}/__init__.py" in names, f"package {package} is not in the wheel"

    site = tmp_path / "site"
    install = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(site), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert install.returncode == 0, install.stdout + install.stderr
    assert (site / "web" / "interview.html").is_file()

    port = free_port()
    env = {
        **os.environ,
        "PYTHONPATH": str(site),
        "INTERVOX_DATABASE_URL": f"sqlite:///{tmp_path}/installed.db",
        "INTERVOX_VISION__ENABLED": "false",
        "INTERVOX_LOG_LEVEL": "warning",
    }
    env.pop("INTERVOX_WEB_DIR", None)
    log = tmp_path / "server.log"
    with log.open("w") as out:
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD.format(source=str(ROOT)), str(site), str(port)],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            base = f"http://127.0.0.1:{port}"
            health = None
            deadline = time.monotonic() + 90
            while time.monotonic() < deadline and child.poll() is None:
                try:
                    health = httpx.get(base + "/health", timeout=5)
                    break
                except httpx.TransportError:
                    time.sleep(0.2)
            assert health is not None, f"the installed server never answered:\n{log.read_text()[-3000:]}"
            assert health.status_code == 200 and health.json()["status"] == "ok", health.text
            assert f"IMPORTED-FROM {site}" in log.read_text()

            room = httpx.get(base + "/interview/x")
            assert room.status_code == 200 and room.headers["content-type"].startswith("text/html")
            assert room.text == (site / "web" / "interview.html").read_text()
            script = httpx.get(base + "/static/room.js")
            assert script.status_code == 200 and script.text == (site / "web" / "room.js").read_text()
            # the recruiter's dashboard and its modules, from the installed copy
            page = httpx.get(base + "/")
            assert page.status_code == 200 and page.text == (site / "web/dashboard/index.html").read_text()
            module = httpx.get(base + "/static/dashboard/app.js")
            assert module.status_code == 200 and module.text == (site / "web/dashboard/app.js").read_text()
            editor = httpx.get(base + "/static/vendor/codemirror.js")  # the editor, from package data
            assert editor.status_code == 200 and "CodeMirror 6 for Intervox" in editor.text[:200]
            assert httpx.get(base + "/openapi.json").status_code == 200
        finally:
            child.terminate()
            try:
                child.wait(15)
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait(5)
