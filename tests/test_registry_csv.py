"""The project's registry: in step with the shared facts, looked up by any host form."""

from __future__ import annotations

import csv
import unicodedata
from pathlib import Path

import pytest

from scrapers.portals.registry import REGISTRY_CSV, RegistryError, load_registry, normalise_host

SHARED_CSV = Path(__file__).resolve().parents[2] / "shared" / "data" / "portals.csv"


def _shared_rows() -> list[dict[str, str]]:
    if not SHARED_CSV.exists():
        pytest.skip(f"{SHARED_CSV} is not present in this checkout")
    with SHARED_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_every_shared_row_is_in_the_registry_with_the_same_facts():
    registry = load_registry()
    rows = _shared_rows()
    assert len(registry) == len(rows)
    by_ascii = {r["province_ascii"]: r for r in rows}
    for row in rows:
        portal = registry.get(row["domain"])
        assert portal is not None, row["domain"]
        assert portal.province_vi == unicodedata.normalize("NFC", row["province_vi"])
        assert portal.province_ascii == row["province_ascii"]
        if row["status"].startswith("merged_into:"):
            target = row["status"].split(":", 1)[1]
            assert portal.status in {"merged", "renamed"}
            assert portal.merged_into == target
            assert portal.province_2025 == by_ascii[target]["province_vi"]
        else:
            assert portal.status == "active"
            if portal.in_network:
                assert portal.province_2025 == portal.province_vi


def test_absorbed_provinces_name_their_2025_unit():
    registry = load_registry()
    quang_nam = registry.get("congan.quangnam.gov.vn")
    assert quang_nam.province_2025 == "Đà Nẵng"
    assert quang_nam.status == "merged"
    hue = registry.get("congan.thuathienhue.gov.vn")
    assert hue.status == "renamed" and hue.province_2025 == "Huế"


def test_lookup_ignores_scheme_www_port_and_case():
    registry = load_registry()
    for form in (
        "congan.hanoi.gov.vn",
        "https://congan.hanoi.gov.vn/tin-tuc?x=1",
        "http://WWW.CongAn.HaNoi.gov.vn:80/",
        "congan.hanoi.gov.vn.",
    ):
        assert registry.get(form).province_ascii == "ha_noi", form
    assert registry.get("congan.tphcm.gov.vn").province_ascii == "ho_chi_minh"
    assert registry.get("example.com") is None
    assert normalise_host("user@Host.VN:8080/x") == "host.vn"


def test_ministry_and_press_are_known_but_outside_the_network():
    registry = load_registry()
    assert not registry.get("bocongan.gov.vn").in_network
    assert not registry.get("https://cand.com.vn/").in_network
    assert all(p.in_network for p in registry.network())
    assert len(registry.network()) == len(registry) - 2


def test_every_row_names_an_adapter_that_exists():
    from scrapers.families import get_adapter

    for portal in load_registry():
        assert get_adapter(portal.adapter).name == portal.adapter


def test_a_broken_registry_says_which_line(tmp_path):
    text = REGISTRY_CSV.read_text(encoding="utf-8").splitlines()
    header, first = text[0], text[1]
    bad = tmp_path / "bad.csv"
    bad.write_text(header + "\n" + first.replace(",active,", ",lost,", 1) + "\n", encoding="utf-8")
    with pytest.raises(RegistryError, match=r"line 2.*status"):
        load_registry(bad)
    dup = tmp_path / "dup.csv"
    dup.write_text(header + "\n" + first + "\n" + first + "\n", encoding="utf-8")
    with pytest.raises(RegistryError, match="twice"):
        load_registry(dup)
