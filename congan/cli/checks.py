"""Early checks of what the user typed, before anything is written: one line that says what
is wrong and, when a close known value exists, ``did you mean ...?``.

Known values come from the portal registry (``--site``, provinces) and from the search
index's facets (categories, sites and provinces of the archived articles). Comparisons
ignore case, diacritics, ``www.`` and the ``_``/space difference of ascii keys.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from urllib.parse import urlsplit

from archive.errors import UserInputError
from archive.paths import DataDir
from archive.search.normalise import fold, normalise

#: minimum similarity (difflib ratio) of a suggestion
CUTOFF = 0.6
#: magic numbers of files that are not a web page (``congan extract``)
BINARY_MAGIC = (b"%PDF", b"PK\x03\x04", b"\x89PNG", b"\xff\xd8\xff", b"GIF8", b"\x1f\x8b", b"\x7fELF")


def loose(value: str) -> str:
    """The form two spellings of one name share: ``Hòa Bình`` = ``hoa_binh`` = ``HOA BINH``."""
    return fold(normalise(value.replace("_", " "))).strip()


def suggestion(value: str, choices: Iterable[str]) -> str | None:
    """The known value closest to ``value``, if one is close enough."""
    known: dict[str, str] = {}
    for choice in choices:  # the first spelling of a name wins (the Vietnamese one)
        known.setdefault(loose(choice), choice)
    best = difflib.get_close_matches(loose(value), list(known), n=1, cutoff=CUTOFF)
    return known[best[0]] if best else None


def unknown(what: str, value: str, choices: Iterable[str], listing: str) -> UserInputError:
    hint = suggestion(value, choices)
    maybe = f"did you mean {hint}? " if hint else ""
    return UserInputError(f"unknown {what} {value!r}: {maybe}({listing} lists them)")


def check_sites(sites: Iterable[str], registry_path: str | None = None) -> tuple[str, ...]:
    """The registry domains of ``--site`` values (a host, a URL or an alias)."""
    from scrapers.portals.registry import load_registry

    registry = load_registry(registry_path or None)
    chosen = []
    for site in sites:
        portal = registry.get(site)
        if portal is None:
            raise unknown("portal", site, [p.domain for p in registry], "`congan sites list`")
        chosen.append(portal.domain)
    return tuple(chosen)


def check_seeds(seeds: Iterable[str]) -> None:
    for seed in seeds:
        parts = urlsplit(seed.strip())
        try:
            host = parts.hostname
        except ValueError:
            host = None
        if parts.scheme.lower() not in ("http", "https") or not host or " " in seed.strip():
            raise UserInputError(
                f"seed {seed!r} is not an http(s) URL: write it like https://congan.hanoi.gov.vn/"
            )


def check_filter(what: str, values: Iterable[str], choices: Iterable[str], listing: str) -> None:
    """Each of ``values`` must loosely equal one of ``choices``."""
    known = list(choices)
    loose_known = {loose(choice) for choice in known}
    for value in values:
        if loose(value) not in loose_known:
            raise unknown(what, value, known, listing)


def check_search_filters(data: DataDir, *, sites: Iterable[str] = (), provinces: Iterable[str] = (),
                         categories: Iterable[str] = ()) -> None:
    """``--site``/``--province``/``--category`` of search and export: values the archive knows."""
    sites, provinces, categories = list(sites), list(provinces), list(categories)
    if not (sites or provinces or categories):
        return
    from archive.search.query import Query
    from archive.search.sync import open_index

    with open_index(data) as index:
        facets = index.search(Query.build("", limit=1, facets=True)).facets

    def values(*names: str) -> list[str]:
        return [v.value for name in names for v in facets.get(name, ()) if v.value]

    listing = "`congan search \"\" --facets`"
    if sites:
        from scrapers.portals.registry import load_registry

        check_filter("portal", sites, values("site") + [p.domain for p in load_registry()], listing)
    registry_provinces = _registry_provinces()
    check_filter("province", provinces, values("province", "province_2025") + registry_provinces, listing)
    check_filter("category", categories, values("category"), listing)


def _registry_provinces() -> list[str]:
    from scrapers.portals.registry import load_registry

    found: list[str] = []
    for portal in load_registry():
        found += [portal.province_vi, portal.province_ascii, portal.province_2025, portal.province_2025_ascii]
    return [name for name in found if name]


def check_page_file(body: bytes, name: str) -> None:
    """``congan extract``: an empty or binary file is not a saved web page."""
    if not body.strip():
        raise UserInputError(f"{name} is empty: give a saved HTML page (or a portal's JSON answer)")
    head = body[:4096]
    if head.startswith(BINARY_MAGIC) or b"\x00" in head:
        raise UserInputError(f"{name} is not a web page (a binary file): give a saved HTML page")


def check_data_exists(data: DataDir) -> None:
    """Read commands need a data directory that a crawl (or ``congan demo``) filled."""
    if not data.root.is_dir():
        raise UserInputError(
            f"no data directory at {data.root}: crawl first (`congan crawl`), run `congan demo`, "
            "or point --data at an existing one"
        )
