"""Articles gone from every listing of a live portal (issue 15, item 1: ``removed`` with reason
``vanished``), on a variant portal whose second state still serves one recent article but no
longer lists it anywhere (``SiteSpec.unlisted_in_state2``).

Crawls: state 1, then state 2 twice (incremental re-crawls: listing watermarks cut the
listings short, so only what the pages fetched show is judged). ``CONGAN_VANISHED_AFTER`` is
set to one second: one re-crawl missing the article is not enough, two spanning more than
that are; with one day, two are not; a second re-crawl that finds the portal down adds
nothing. ``congan reextract`` gives the same removals and feed; listing the article again
restores it."""

from __future__ import annotations

import json
import shutil
import time
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from crawl_fixtures import FAST_POLITE, run_congan_crawl

from congan.cli.main import get_cli
from simnet.variants import Variant, VariantSimNet, make_variant, variant_truth, write_registry

pytestmark = pytest.mark.slow

ONE_SECOND = str(1 / 86400)  # CONGAN_VANISHED_AFTER is in days


def _variant(status: str = "live") -> Variant:
    base = make_variant("wordpress", 7)  # plain links, no shell: every listing is HTML
    assert base.facts["link_mode"] == "plain" and not base.facts["shell"]
    # the second newest article stays served in state 2 but leaves every listing
    spec = replace(base.spec, unlisted_in_state2=base.spec.articles - 2, deleted_in_state2=None, status=status)
    return replace(base, spec=spec)


def _run(data: Path, *args: str) -> str:
    result = CliRunner().invoke(get_cli(), ["--data", str(data), *args])
    assert result.exit_code == 0, result.output
    return result.output


def _removed(data: Path) -> list[dict]:
    return [json.loads(line) for line in _run(data, "export", "--removed").splitlines()]


def _crawl(work: Path, data: Path, state: int, crawl_id: str, after: str, status: str = "live") -> None:
    variant = _variant(status)
    registry = write_registry([variant], work / "registry.csv")
    with VariantSimNet([variant], state=state) as net:
        result = run_congan_crawl(
            data, net.proxy_env(), crawl_id, "-s", f"CONGAN_REGISTRY={registry}",
            "-s", f"CONGAN_VANISHED_AFTER={after}", *FAST_POLITE,
        )
    assert result.returncode == 0, result.stderr[-3000:]


@pytest.fixture(scope="module")
def crawls(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Data directories after: ``once`` (state 1 then state 2), ``twice`` (state 2 again,
    one second), ``day`` (state 2 again, one day), ``down`` (again, the portal down)."""
    work = tmp_path_factory.mktemp("vanished")
    once = work / "once"
    _crawl(work, once, 1, "s1", ONE_SECOND)
    _crawl(work, once, 2, "s2", ONE_SECOND)
    out = {"once": once}
    # the next re-crawl comes later, as it would (timestamps are to the second: a fast machine
    # could otherwise fetch the page again within the second the listing first missed it)
    time.sleep(1.1)
    for name, after, status in (("twice", ONE_SECOND, "live"), ("day", "1", "live"), ("down", ONE_SECOND, "down")):
        out[name] = work / name
        shutil.copytree(once, out[name])
        _crawl(work, out[name], 2, "s3", after, status)
    return out


def _unlisted_url() -> str:
    """The canonical URL of the article state 2 serves but lists nowhere."""
    from simnet.catalog import Catalog

    variant = _variant()
    index = variant.spec.unlisted_in_state2
    assert index is not None
    title = Catalog(variant.spec, 2).get(index).title
    (url,) = [t.canonical_url for t in variant_truth([variant], 2) if t.title == title]
    return url


def test_one_recrawl_without_it_is_not_enough(crawls: dict[str, Path]) -> None:
    assert _removed(crawls["once"]) == []


def test_missing_from_every_listing_longer_than_the_setting_removes_it(crawls: dict[str, Path]) -> None:
    removed = _removed(crawls["twice"])
    # only the unlisted article: the older ones the watermarked listings no longer showed stay
    assert [r["url"] for r in removed] == [_unlisted_url()]
    (record,) = removed
    evidence = record["removal"]
    assert evidence["reason"] == "vanished" and evidence["listings"]
    assert evidence["last_seen_in_listing"] < evidence["first_missed"] <= evidence["confirmed"]
    assert record["removed"] == evidence["first_missed"]
    assert record["last_seen"] > evidence["first_missed"]  # its page still answers: it is only unlisted
    feed = json.loads(_run(crawls["twice"], "changes", "--kind", "removed", "--json"))["changes"]
    assert [e["url"] for e in feed] == [record["url"]]


def test_not_removed_before_the_configured_time(crawls: dict[str, Path]) -> None:
    assert _removed(crawls["day"]) == []


def test_a_portal_down_removes_nothing(crawls: dict[str, Path]) -> None:
    assert _removed(crawls["down"]) == []


def test_reextract_reproduces_it(crawls: dict[str, Path], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(crawls["twice"], data)
    before, feed = _run(data, "export", "--removed"), _run(data, "changes", "--json")
    _run(data, "reextract")
    assert _run(data, "export", "--removed") == before
    assert _run(data, "changes", "--json") == feed


def test_listed_again_it_is_restored(crawls: dict[str, Path], tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(crawls["twice"], data)
    _crawl(tmp_path, data, 1, "s4", ONE_SECOND)  # state 1 lists it again (and has not the newest yet: 404)
    assert _unlisted_url() not in {r["url"] for r in _removed(data)}
    feed = json.loads(_run(data, "changes", "--json"))["changes"]
    kinds = [e["kind"] for e in feed if e["url"] == _unlisted_url()]
    assert kinds[-2:] == ["removed", "restored"]


def test_its_page_says_it_left_every_listing(crawls: dict[str, Path]) -> None:
    from archive.paths import DataDir
    from congan.web.app import WebConfig, create_app

    (record,) = _removed(crawls["twice"])
    client = create_app(WebConfig.build(DataDir(crawls["twice"]), "http://127.0.0.1:8090")).test_client()
    page = client.get(f"/articles/{record['id']}").get_data(as_text=True)
    assert "Đã gỡ" in page and "không còn trong danh mục nào" in page
    assert record["removal"]["listings"][0] in page and "HTTP" not in page.split('id="removed-notice"')[1][:400]
