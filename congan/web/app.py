"""Flask application factory and routes. Every page composes archive functions; the only
thing decided here is how to show them (docs/api.md for the JSON shapes)."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask, abort, jsonify, render_template, request

from archive.control.history import CrawlHistory
from archive.errors import ArchiveError, UserInputError
from archive.paths import DataDir
from archive.replay.urls import default_base, replay_url
from archive.search.query import SORTS, Query
from archive.search.results import FACETS, replay_link
from archive.search.sync import article_versions, open_index
from archive.storage_errors import storage_message

logger = logging.getLogger(__name__)

#: query-string parameters of the search page and /api/search
LIST_PARAMS = ("site", "province", "category")
PAGE_SIZE = 20


@dataclass(frozen=True)
class WebConfig:
    data: DataDir
    replay_base: str  # origin of the replay server (congan replay), no trailing slash

    @classmethod
    def build(cls, data: DataDir, replay_base: str | None = None) -> "WebConfig":
        base = (replay_base or default_base()).rstrip("/")
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UserInputError(f"--replay-url {replay_base!r} must look like http://127.0.0.1:8090")
        return cls(data=data, replay_base=base)


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
    )


def create_app(config: WebConfig) -> Flask:
    app = Flask(__name__)
    app.config["JSON_AS_ASCII"] = False
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    replay_origin = "{0.scheme}://{0.netloc}".format(urlsplit(config.replay_base))

    @app.after_request
    def _headers(response):  # archived text must never run as code here
        response.headers["Content-Security-Policy"] = (
            "default-src 'none'; style-src 'self'; "
            f"img-src 'self' {replay_origin}; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
        )
        response.headers["X-Content-Type-Options"] = "nosniff"
        response.headers["Referrer-Policy"] = "no-referrer"
        return response

    def link(**changes: Any) -> str:
        """The search page URL with some parameters changed (None removes one)."""
        params = [(k, v) for k in request.args for v in request.args.getlist(k) if k not in changes]
        for name, value in changes.items():
            if value is None:
                continue
            for item in value if isinstance(value, (list, tuple)) else [value]:
                params.append((name, item))
        params = [(k, v) for k, v in params if v not in ("", None) and k != "page"] + (
            [("page", changes["page"])] if changes.get("page") else []
        )
        return "/?" + urlencode(params) if params else "/"

    def without(name: str, value: str) -> str:
        return link(**{name: [v for v in request.args.getlist(name) if v != value]})

    @app.template_filter("vn_date")
    def _vn_date(value: str | None) -> str:
        """``2024-03-05T08:00:00+07:00`` -> ``05/03/2024 08:00`` (day first, Vietnam time)."""
        if not value or len(value) < 10 or value[4] != "-":
            return value or ""
        day = f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
        return f"{day} {value[11:16]}" if len(value) >= 16 and value[10] == "T" else day

    @app.context_processor
    def _helpers() -> dict[str, Any]:
        return {
            "link": link,
            "without": without,
            "FACETS": FACETS,
            "replay": lambda path: replay_link(path, config.replay_base),
        }

    @app.get("/")
    def search_page():
        error, results, status = None, None, 200
        try:
            query = query_from_args(request.args)
            with open_index(config.data) as index:
                results = index.search(query)
        except UserInputError as exc:
            error, status = str(exc), 400
        except ArchiveError as exc:
            error, status = str(exc), 503
        return render_template(
            "search.html", results=results, error=error, args=request.args, sorts=SORTS,
        ), status

    @app.get("/articles/<article_id>")
    def article_page(article_id: str):
        with open_index(config.data) as index:
            versions = article_versions(config.data, index, article_id)
        if not versions:
            abort(404)
        record = versions[-1]
        images = [
            image.to_json() | {"archived": _archived(image.url, record.capture.timestamp, config.replay_base)}
            for image in record.images
        ]
        return render_template(
            "article.html", record=record, versions=list(reversed(versions)), images=images,
            paragraphs=[p for p in record.body.split("\n\n") if p.strip()],
        )

    @app.get("/crawls")
    def crawls_page():
        history = CrawlHistory(config.data)
        crawls = history.list(limit=200)
        reports = {c.crawl_id: history.report_of(c) for c in crawls}
        totals = {crawl_id: report.totals if report else None for crawl_id, report in reports.items()}
        return render_template("crawls.html", crawls=crawls, totals=totals)

    @app.get("/api/search")
    def api_search():
        try:
            query = query_from_args(request.args)
            with open_index(config.data) as index:
                results = index.search(query)
        except UserInputError as exc:
            return jsonify({"error": str(exc)}), 400
        except ArchiveError as exc:
            return jsonify({"error": str(exc)}), 503
        return jsonify(results.to_json(config.replay_base))

    @app.get("/api/articles/<article_id>")
    def api_article(article_id: str):
        try:
            with open_index(config.data) as index:
                versions = article_versions(config.data, index, article_id)
        except ArchiveError as exc:
            return jsonify({"error": str(exc)}), 503
        if not versions:
            return jsonify({"error": f"no article {article_id}"}), 404
        latest = versions[-1]
        return jsonify(latest.to_json() | {
            "replay_url": replay_link(latest.capture.replay_url, config.replay_base),
            "versions": [
                {
                    "version": v.version,
                    "content_hash": v.content_hash,
                    "first_seen": v.first_seen,
                    "last_seen": v.last_seen,
                    "title": v.title,
                    "replay_url": replay_link(v.capture.replay_url, config.replay_base),
                }
                for v in versions
            ],
        })

    @app.errorhandler(404)
    def _not_found(_exc):
        if request.path.startswith("/api/"):
            return jsonify({"error": "not found"}), 404
        return render_template("error.html", message="Không tìm thấy trang hoặc bài viết này."), 404

    @app.errorhandler(ArchiveError)
    def _archive_error(exc: ArchiveError):
        return render_template("error.html", message=str(exc)), 503

    @app.errorhandler(sqlite3.DatabaseError)
    def _damaged(exc: sqlite3.DatabaseError):
        # a damaged (or full) index: the rebuild message, never a 500 with a traceback
        message = storage_message(exc, config.data.root) or (
            f"a database in {config.data.root} cannot be read ({exc}): run `congan index rebuild`"
        )
        if request.path.startswith("/api/"):
            return jsonify({"error": message}), 503
        return render_template("error.html", message=message), 503

    return app


def _archived(url: str | None, timestamp: str | None, base: str) -> str | None:
    """The replay address of an image (never the live portal: no request leaves the archive)."""
    if not url:
        return None
    try:
        return replay_url(url, timestamp, base=base, mode="im_")
    except UserInputError:
        return replay_url(url, None, base=base, mode="im_")
