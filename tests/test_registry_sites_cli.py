"""``congan sites list`` and ``congan sites discover`` as a user runs them."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from archive.control.registry_state import RegistryState
from archive.paths import DataDir
from congan.cli.main import get_cli
from scrapers.portals.registry import REGISTRY_CSV
from simnet.server import SimNet
from simnet.truth import not_simulated_hosts, portals


def run(*args: str, env: dict[str, str] | None = None):
    return CliRunner().invoke(get_cli(), list(args), env=env, catch_exceptions=False)


def test_list_shows_registry_and_learned_status(data_dir):
    state = RegistryState.open(DataDir(data_dir))
    state.record_redirect("congan.quangnam.gov.vn", "congan.danang.gov.vn", "2026-07-01T00:00:00+00:00", evidence="301")
    state.record_down("congan.backan.gov.vn", "DNSLookupError", "2026-07-02T00:00:00+00:00")
    state.record_live("congan.moi-tinh.gov.vn", "2026-07-03T00:00:00+00:00")  # found through a link block
    result = run("sites", "list", "--data", str(data_dir), "--json")
    assert result.exit_code == 0
    rows = {r["domain"]: r for r in map(json.loads, result.output.splitlines())}
    assert rows["congan.quangnam.gov.vn"]["status"] == "redirecting"
    assert rows["congan.quangnam.gov.vn"]["redirect_to"] == "congan.danang.gov.vn"
    assert rows["congan.quangnam.gov.vn"]["province_2025"] == "Đà Nẵng"
    assert rows["congan.backan.gov.vn"]["status"] == "down"
    assert rows["congan.hanoi.gov.vn"]["status"] == "unseen"
    assert "bocongan.gov.vn" not in rows
    assert rows["congan.moi-tinh.gov.vn"]["known"] is False and rows["congan.moi-tinh.gov.vn"]["status"] == "live"
    assert rows["congan.hanoi.gov.vn"]["known"] is True
    text = run("sites", "list", "--data", str(data_dir)).output
    assert "NEW (not in registry)" in text
    assert "congan.quangnam.gov.vn" in text and "-> congan.danang.gov.vn" in text and "Quảng Nam" in text
    assert "bocongan.gov.vn" in run("sites", "list", "--all").output


def test_list_with_a_broken_registry_is_one_line(tmp_path):
    bad = tmp_path / "bad.csv"
    bad.write_text("domain,province_vi\nx,y\n", encoding="utf-8")
    result = CliRunner().invoke(get_cli(), ["sites", "list", "--registry", str(bad)])
    assert result.exit_code == 1
    assert "cannot read the registry" in result.output and "Traceback" not in result.output


@pytest.fixture(scope="module")
def net():
    with SimNet(https=True) as running:
        yield running


def test_discover_from_a_select_only_portal(net, tmp_path):
    # a registry that does not know Đà Nẵng: it must come out marked as new
    lines = REGISTRY_CSV.read_text(encoding="utf-8").splitlines(keepends=True)
    partial = tmp_path / "partial.csv"
    partial.write_text(
        "".join(line for line in lines if not line.startswith("congan.danang.gov.vn,")), encoding="utf-8"
    )
    result = run(
        "sites", "discover", "http://congan.vinhphuc.gov.vn/", "--json", "--registry", str(partial),
        env=net.proxy_env(),
    )
    assert result.exit_code == 0, result.output
    found = {r["domain"]: r for r in map(json.loads, result.output.splitlines())}
    for portal in portals(https=True):
        assert portal.domain in found, portal.domain
    # broken certificate chains (self-signed, missing intermediate) are read anyway
    assert found["congan.daklak.gov.vn"]["status"] == found["congan.camau.gov.vn"]["status"] == 200
    assert found["congan.daklak.gov.vn"]["url"] == "https://congan.daklak.gov.vn"
    for host in not_simulated_hosts():  # robots.txt answered 502: everything is disallowed
        assert found[host]["status"] is None and found[host]["error"] == "robots.txt unreachable (HTTP 502)"
    seed = found["congan.vinhphuc.gov.vn"]
    assert seed["linked_from"] is None and seed["status"] == 200
    assert found["congan.hanoi.gov.vn"]["linked_from"] == "congan.vinhphuc.gov.vn"
    assert found["congan.hanoi.gov.vn"]["link_form"] == "option"  # Vĩnh Phúc has only <option>s
    assert found["congan.danang.gov.vn"]["known"] is False
    assert all(r["known"] for d, r in found.items() if d != "congan.danang.gov.vn")
    assert found["congan.quangnam.gov.vn"]["final_url"] == "http://congan.danang.gov.vn/"
    assert found["congan.backan.gov.vn"]["status"] is None and found["congan.backan.gov.vn"]["error"]
    assert "bocongan.gov.vn" not in found and "cand.com.vn" not in found
    text = run(
        "sites", "discover", "http://congan.vinhphuc.gov.vn/", "--registry", str(partial), env=net.proxy_env()
    ).output
    assert "NEW congan.danang.gov.vn" in text
    assert "1 not in the registry" in text


def test_discover_refuses_what_is_not_a_url():
    result = CliRunner().invoke(get_cli(), ["sites", "discover", "congan.hanoi.gov.vn"])
    assert result.exit_code == 1 and "not an http(s) URL" in result.output
