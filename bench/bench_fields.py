"""Field table of extraction (issue 14): freshly seeded variants of every CMS family, rendered in
memory (no crawl), extracted with profiles off (the generic path alone) and on (each family's
profile), scored against the variant truth with ``simnet.scoring.field_ok``.

    .venv/bin/python bench/bench_fields.py [--seeds 5] [--misses 20]

Seeds are fresh unless ``CONGAN_VARIANT_SEEDS`` names them (``tests/variant_pages.py``); they
are printed so a run can be repeated. Prints, per family and in total, the share of articles
whose field is exact (body: token F1 >= 0.95), the first misses, and ends with
``RESULT off_min=<share> on_min=<share> articles=<n>`` (the lowest share of any field, issue 14:
>= the thresholds of ``tests/test_extract_variants.py`` off, 1.00 on); asserts nothing.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from variant_pages import VariantPage, draw_variants, seeds_line, variant_pages  # noqa: E402

from scrapers.extract import extract_article  # noqa: E402
from simnet.scoring import FIELDS, field_ok  # noqa: E402
from simnet.variants.families import FAMILIES  # noqa: E402


def record_of(page: VariantPage, profile: str) -> dict[str, object]:
    """The article as the scoring reads it."""
    a = extract_article(page.body, page.url, headers=page.headers, profile=profile)
    return {
        "title": a.title, "published": a.published, "author": a.author, "category": a.category, "body": a.body,
        "images": [{"url": i.url} for i in a.images], "attachments": [{"url": x.url} for x in a.attachments],
    }


def table(pages: list[VariantPage], profiles: bool) -> tuple[dict[str, dict[str, float]], list[str]]:
    """Share of exact fields per family (and ``all``), and the misses."""
    ok: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(FIELDS, 0))
    count: dict[str, int] = defaultdict(int)
    misses = []
    for page in pages:
        family = page.variant.family
        record = record_of(page, FAMILIES[family].adapter if profiles else "generic")
        count[family] += 1
        count["all"] += 1
        for name in FIELDS:
            if field_ok(name, record, page.truth):
                ok[family][name] += 1
                ok["all"][name] += 1
            else:
                wanted = getattr(page.truth, name)
                misses.append(f"{page.variant.label} {page.url} {name}: got {str(record[name])[:70]!r} "
                              f"want {str(wanted)[:70]!r}")
    shares = {family: {n: ok[family][n] / count[family] for n in FIELDS} for family in count}
    return shares, misses


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=5, help="fresh variants per family")
    parser.add_argument("--misses", type=int, default=20, help="misses printed per mode")
    args = parser.parse_args()
    variants = draw_variants(per_family=args.seeds)
    print(seeds_line(variants))
    pages = variant_pages(variants)
    print(f"{len(pages)} articles, {len(variants)} variants")
    lows = {}
    for profiles in (False, True):
        shares, misses = table(pages, profiles)
        mode = "profiles on" if profiles else "profiles off"
        print(f"\n{mode:14} " + " ".join(f"{n[:11]:>11}" for n in FIELDS))
        for family in [*sorted(k for k in shares if k != "all"), "all"]:
            print(f"{family:14} " + " ".join(f"{shares[family][n]:11.3f}" for n in FIELDS))
        for line in misses[: args.misses]:
            print(f"  miss ({mode}) {line}")
        if len(misses) > args.misses:
            print(f"  ... {len(misses) - args.misses} more misses")
        lows[profiles] = min(shares["all"].values())
    print(f"\nRESULT off_min={lows[False]:.3f} on_min={lows[True]:.3f} articles={len(pages)}")


if __name__ == "__main__":
    main()
