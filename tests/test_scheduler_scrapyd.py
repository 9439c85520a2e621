"""Deploying to scrapyd: `scrapyd-deploy --build-egg` builds an egg from pyproject.toml, a
real scrapyd on 127.0.0.1 accepts it (`scrapyd-deploy` to a local target) and lists its
spiders, which means scrapyd found the settings through the egg's `scrapy` entry point."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
#: what a deployment needs from the working tree (tests, data and venvs stay behind)
PROJECT_FILES = ("scrapy.cfg", "pyproject.toml", "setup.py", "README.md")
PROJECT_PACKAGES = ("scrapers", "spiders", "archive", "congan", "simnet")

pytestmark = pytest.mark.skipif(
    not (BIN / "scrapyd-deploy").exists() or not (BIN / "scrapyd").exists(),
    reason="scrapyd and scrapyd-client are in the dev extra: pip install -e '.[dev]'",
)


def local_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in ("http_proxy", "https_proxy")}
    env["no_proxy"] = "127.0.0.1,localhost"
    return env


@pytest.fixture(scope="module")
def project_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project as a checkout would have it (building writes build/ and setup files)."""
    root = tmp_path_factory.mktemp("deploy") / "congan-archive"
    root.mkdir()
    for name in PROJECT_FILES:
        if (REPO / name).exists():
            shutil.copy2(REPO / name, root / name)
    for package in PROJECT_PACKAGES:
        shutil.copytree(REPO / package, root / package, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return root


@pytest.fixture(scope="module")
def egg(project_copy: Path) -> Path:
    out = project_copy.parent / "congan-archive.egg"
    result = subprocess.run([str(BIN / "scrapyd-deploy"), "--build-egg", str(out)], cwd=project_copy,
                            capture_output=True, text=True, timeout=120, env=local_env())
    assert result.returncode == 0, result.stderr
    return out


def test_the_egg_holds_the_project_and_its_scrapy_entry_point(egg: Path) -> None:
    with zipfile.ZipFile(egg) as zf:
        names = set(zf.namelist())
        entry_points = zf.read("EGG-INFO/entry_points.txt").decode()
        pkg_info = zf.read("EGG-INFO/PKG-INFO").decode()
    assert "[scrapy]\nsettings = scrapers.settings" in entry_points
    assert "Name: congan-archive" in pkg_info  # metadata from pyproject.toml, not a generated setup.py
    assert {"spiders/network.py", "scrapers/settings.py", "scrapers/data/registry.csv"} <= names
    assert not any(name.startswith("tests/") for name in names)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get_json(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)


def test_scrapyd_lists_the_spiders_of_the_deployed_egg(egg: Path, project_copy: Path, tmp_path: Path) -> None:
    port = free_port()
    home = tmp_path / "scrapyd"
    home.mkdir()
    (home / "scrapyd.conf").write_text(
        f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\neggs_dir = {home / 'eggs'}\n"
        f"logs_dir = {home / 'logs'}\ndbs_dir = {home / 'dbs'}\npoll_interval = 60\n",
        encoding="utf-8",
    )
    server = subprocess.Popen([str(BIN / "scrapyd")], cwd=home, env=local_env(),
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if get_json(base + "daemonstatus.json").get("status") == "ok":
                    break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise AssertionError(server.stdout.read().decode() if server.stdout else "scrapyd died") from None
                time.sleep(0.2)
        cfg = project_copy / "scrapy.cfg"
        cfg.write_text(cfg.read_text(encoding="utf-8") + f"\n[deploy:test]\nurl = {base}\nproject = congan-archive\n",
                       encoding="utf-8")
        deploy = subprocess.run([str(BIN / "scrapyd-deploy"), "test", "--egg", str(egg), "--version", "1"],
                                cwd=project_copy, capture_output=True, text=True, timeout=60, env=local_env())
        assert deploy.returncode == 0, deploy.stderr + deploy.stdout
        assert json.loads(deploy.stdout)["spiders"] >= 1
        listed = get_json(base + "listspiders.json?project=congan-archive")
        assert listed["status"] == "ok" and "network" in listed["spiders"]
    finally:
        server.terminate()
        server.wait(timeout=30)
