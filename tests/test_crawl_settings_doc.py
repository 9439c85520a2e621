"""docs/settings.md and the code agree: every CONGAN_* / WARC_* / EXTRACT_* setting defined in
scrapers/settings.py is documented with its default, nothing else is documented, and every
such setting the code reads is defined (so its default lives in one place)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import scrapers.settings

REPO = Path(__file__).resolve().parent.parent
PREFIXED = re.compile(r"^(CONGAN|WARC|EXTRACT)_[A-Z0-9_]+$")
ROW = re.compile(r"^\| `(?P<name>[A-Z0-9_]+)` \| `(?P<default>.*)` \| (?P<meaning>.+) \|$")
READ = re.compile(r"settings(?:\.get\w*\(\s*|\[\s*)[\"'](?P<name>(?:CONGAN|WARC|EXTRACT)_[A-Z0-9_]+)[\"']")


def documented() -> dict[str, str]:
    rows = {}
    for line in (REPO / "docs" / "settings.md").read_text(encoding="utf-8").splitlines():
        match = ROW.match(line)
        if match:
            assert match["name"] not in rows, f"{match['name']} documented twice"
            assert match["meaning"].strip(), f"{match['name']} has no explanation"
            rows[match["name"]] = match["default"]
    return rows


def defined() -> dict[str, object]:
    return {name: getattr(scrapers.settings, name) for name in dir(scrapers.settings) if PREFIXED.match(name)}


def read_by_code() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for package in ("scrapers", "spiders", "congan", "archive"):
        for path in (REPO / package).rglob("*.py"):
            for match in READ.finditer(path.read_text(encoding="utf-8")):
                found.setdefault(match["name"], set()).add(str(path.relative_to(REPO)))
    return found


def test_every_defined_setting_is_documented_with_its_default() -> None:
    docs, code = documented(), defined()
    assert sorted(set(code) - set(docs)) == [], "defined in scrapers/settings.py but not in docs/settings.md"
    assert sorted(set(docs) - set(code)) == [], "documented but not defined in scrapers/settings.py"
    wrong = {name: (docs[name], code[name]) for name in docs if ast.literal_eval(docs[name]) != code[name]}
    assert wrong == {}, "docs/settings.md default differs from the code"


def test_every_setting_the_code_reads_is_defined() -> None:
    undefined = {name: sorted(paths) for name, paths in read_by_code().items() if name not in defined()}
    assert undefined == {}, "read with settings.get*() but not defined in scrapers/settings.py"


def test_the_user_agent_names_the_contact_url() -> None:
    from scrapy.settings import Settings

    from scrapers.crawl.addon import CrawlAddon

    settings = Settings()
    settings.setmodule("scrapers.settings", priority="project")
    settings.set("CONGAN_CONTACT_URL", "https://archive.example.org/contact", priority="cmdline")
    CrawlAddon().update_settings(settings)
    assert "+https://archive.example.org/contact" in settings["USER_AGENT"]
    assert settings["CONGAN_CRAWL_ID"]  # filled in
    settings = Settings()
    settings.setmodule("scrapers.settings", priority="project")
    settings.set("USER_AGENT", "mine/1.0", priority="cmdline")
    CrawlAddon().update_settings(settings)
    assert settings["USER_AGENT"] == "mine/1.0"


def test_polite_defaults() -> None:
    s = scrapers.settings
    assert s.ROBOTSTXT_OBEY and s.AUTOTHROTTLE_ENABLED
    assert s.CONCURRENT_REQUESTS_PER_DOMAIN == 2 and s.DOWNLOAD_DELAY >= 1
    assert s.DEFAULT_REQUEST_HEADERS["Accept-Encoding"] == "gzip, deflate"
    assert "contact" in s.CONGAN_USER_AGENT_TEMPLATE and s.CONGAN_CONTACT_URL in s.USER_AGENT
