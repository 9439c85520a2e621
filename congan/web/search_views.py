"""The search page and what hangs off it: the timeline and province charts of the current
query, numbered pages, and the export of the whole result set (CSV, JSONL, XLSX with the
columns of ``congan export``)."""

from __future__ import annotations

import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, Response, abort, render_template, request
from markupsafe import Markup

from archive.errors import ArchiveError, UserInputError
from archive.search.export import RECORD_FORMATS, write_records
from archive.search.index import SearchIndex
from archive.search.query import SORTS, Query
from archive.search.results import SearchResults
from archive.search.sync import open_index
from archive.times import VN_TZ

from .charts import Bar, bar_rows, column_chart
from .wording import UNAVAILABLE, month_label, vietnamese

PAGE_SIZE = 20
#: pages shown around the current one in the pager
PAGER_SPAN = 2
#: hits read to draw the timeline (beyond: the months of the first ones)
TIMELINE_HITS = 50_000
#: province bars shown per chart
PROVINCE_BARS = 15
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def query_from_args(args: Any, *, limit: int = PAGE_SIZE) -> Query:
    """The Query of a request's parameters (q, site, province, category, since, until,
    sort, page, limit, facets); UserInputError names a bad one."""
    try:
        page = int(args.get("page") or 1)
        limit = int(args.get("limit") or limit)
    except ValueError:
        raise UserInputError("page and limit must be whole numbers") from None
    return Query.build(
        args.get("q", ""),
        sites=args.getlist("site"),
        provinces=args.getlist("province"),
        categories=args.getlist("category"),
        since=args.get("since") or None,
        until=args.get("until") or None,
        sort=args.get("sort") or "relevance",
        limit=limit,
        page=page,
        facets=(args.get("facets") or "1").lower() not in ("0", "false", "no"),
        removed=(args.get("removed") or "").lower() in ("1", "true", "yes"),
    )


def page_numbers(page: int, pages: int) -> list[int | None]:
    """The pages the pager links: first, last, and those near ``page``; None is a gap."""
    wanted = {1, pages, *range(page - PAGER_SPAN, page + PAGER_SPAN + 1)}
    shown: list[int | None] = []
    for number in sorted(n for n in wanted if 1 <= n <= pages):
        previous = shown[-1] if shown else None
        if previous is not None and number - previous > 1:
            shown.append(None)
        shown.append(number)
    return shown


@dataclass(frozen=True)
class Pictures:
    timeline: Markup
    provinces: Markup
    provinces_2025: Markup


def months_of(index: SearchIndex, query: Query) -> list[tuple[str, int]]:
    """Articles per month (``YYYY-MM``) of the query, every month between the first and the last."""
    counts: Counter[str] = Counter()
    for hit in index.iter_hits(query, limit=TIMELINE_HITS):
        if hit.published and len(hit.published) >= 7:
            counts[hit.published[:7]] += 1
    if not counts:
        return []
    first, last = min(counts), max(counts)
    year, month = int(first[:4]), int(first[5:7])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        key = f"{year:04d}-{month:02d}"
        months.append((key, counts.get(key, 0)))
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def pictures(index: SearchIndex, query: Query, results: SearchResults, link: Callable[..., str]) -> Pictures:
    months = months_of(index, query)
    timeline = column_chart(
        [Bar(month_label(m), n, link(since=month_label(m), until=month_label(m)) if n else None,
             f"{month_label(m)}: {n} bài") for m, n in months],
        chart_id="timeline", caption="Số bài theo tháng (bấm vào một tháng để lọc)",
    )

    def provinces(name: str, caption: str, chart_id: str) -> Markup:
        values = [v for v in results.facets.get(name, ()) if v.value][:PROVINCE_BARS]
        chosen = request.args.getlist("province")
        return bar_rows(
            [Bar(v.value or "", v.count, link(province=[*chosen, v.value]), f"{v.value}: {v.count} bài")
             for v in values],
            chart_id=chart_id, caption=caption,
        )

    return Pictures(
        timeline=timeline,
        provinces=provinces("province", "Theo tỉnh, thành trước 2025", "provinces"),
        provinces_2025=provinces("province_2025", "Theo đơn vị từ 1/7/2025", "provinces-2025"),
    )


def register(app: Flask, data: Any, link: Callable[..., str]) -> None:
    @app.get("/")
    def search_page() -> tuple[str, int]:
        error, results, status, charts, past_end = None, None, 200, None, False
        try:
            query = query_from_args(request.args)
            with open_index(data) as index:
                results = index.search(query)
                if results.total:
                    charts = pictures(index, query, results, link)
            past_end = bool(results.total) and query.page > results.pages
        except UserInputError as exc:
            error, status = vietnamese(str(exc)), 400
        except ArchiveError:
            error, status = UNAVAILABLE, 503
        pager = page_numbers(results.query.page, results.pages) if results and results.pages > 1 else []
        return render_template(
            "search.html", results=results, error=error, args=request.args, sorts=SORTS, charts=charts,
            pager=pager, past_end=past_end,
        ), status

    @app.get("/export.<fmt>")
    def export(fmt: str) -> Response | tuple[str, int]:
        if fmt not in RECORD_FORMATS:
            abort(404)
        try:
            query = query_from_args(request.args)
            text, binary = io.StringIO(), io.BytesIO()
            with open_index(data) as index:
                write_records(index, query, fmt, text=text, binary=binary)
        except UserInputError as exc:
            return render_template("error.html", message=vietnamese(str(exc))), 400
        except ArchiveError:
            return render_template("error.html", message=UNAVAILABLE), 503
        body = binary.getvalue() if fmt == "xlsx" else text.getvalue().encode("utf-8")
        name = f"congan-{datetime.now(VN_TZ):%Y%m%d-%H%M}.{fmt}"
        return Response(body, mimetype=MEDIA_TYPES[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})
