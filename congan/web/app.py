"""Flask application factory and routes. Every page composes archive functions; the only
thing decided here is how to show them (docs/api.md for the JSON shapes). The search page
and its export live in ``search_views``, the crawl and portal pages in ``crawl_views``;
words and dates in ``wording``, charts in ``charts``.

Other parts may add pages: register routes on the app and an entry in ``NAV`` (the menu of
every page, in order)."""

from __future__ import annotations

import logging
import sqlite3
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlsplit

from flask import Flask, Response, abort, jsonify, render_template, request
from flask.typing import ResponseReturnValue

from archive.errors import ArchiveError, UserInputError
from archive.paths import DataDir
from archive.replay.urls import default_base, replay_url
from archive.search.results import FACETS, replay_link
from archive.search.sync import article_versions, open_index
from archive.storage_errors import storage_message

from . import crawl_views, search_views
from .search_views import PAGE_SIZE, query_from_args
from .wording import UNAVAILABLE, vn_datetime

logger = logging.getLogger(__name__)

#: query-string parameters of the search page and /api/search
LIST_PARAMS = ("site", "province", "category")
#: the menu of every page: (path, label); other parts append theirs
NAV: list[tuple[str, str]] = [
    ("/", "Tìm kiếm"),
    ("/changes", "Thay đổi"),
    ("/removed", "Đã gỡ"),
    ("/crawls", "Các đợt thu thập"),
    ("/portals", "Các cổng"),
]
__all__ = ["LIST_PARAMS", "NAV", "PAGE_SIZE", "WebConfig", "create_app", "query_from_args"]


@dataclass(frozen=True)
class WebConfig:
    data: DataDir
    replay_base: str  # origin of the replay server (congan replay), no trailing slash

    @classmethod
    def build(cls, data: DataDir, replay_base: str | None = None) -> WebConfig:
        base = (replay_base or default_base()).rstrip("/")
        parts = urlsplit(base)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise UserInputError(f"--replay-url {replay_base!r} must look like http://127.0.0.1:8090")
        return cls(data=data, replay_base=base)


def create_app(config: WebConfig) -> Flask:
    app = Flask(__name__)
    app.config["JSON_AS_ASCII"] = False
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    replay_origin = "{0.scheme}://{0.netloc}".format(urlsplit(config.replay_base))

    @app.after_request
    def _headers(response: Response) -> Response:  # archived text must never run as code here
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

    app.add_template_filter(vn_datetime, "vn_date")

    @app.context_processor
    def _helpers() -> dict[str, Any]:
        return {
            "link": link,
            "without": without,
            "FACETS": FACETS,
            "replay": lambda path: replay_link(path, config.replay_base),
            "nav": NAV,
            "export_link": lambda fmt: f"/export.{fmt}" + link(page=None)[1:],
        }

    from .changes import blueprint as changes_pages  # issue 15: feed, removed articles, diffs

    app.register_blueprint(changes_pages(config.data, config.replay_base))
    search_views.register(app, config.data, link)
    crawl_views.register(app, config.data, vn_datetime)

    @app.get("/articles/<article_id>")
    def article_page(article_id: str) -> ResponseReturnValue:
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

    @app.get("/api/search")
    def api_search() -> ResponseReturnValue:
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
    def api_article(article_id: str) -> ResponseReturnValue:
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
    def _not_found(_exc: Exception) -> ResponseReturnValue:
        if request.path.startswith("/api/"):
            return jsonify({"error": "not found"}), 404
        return render_template("error.html", message="Không tìm thấy trang hoặc bài viết này."), 404

    @app.errorhandler(ArchiveError)
    def _archive_error(exc: ArchiveError) -> ResponseReturnValue:
        if request.path.startswith("/api/"):
            return jsonify({"error": str(exc)}), 503
        return render_template("error.html", message=UNAVAILABLE), 503

    @app.errorhandler(sqlite3.DatabaseError)
    def _damaged(exc: sqlite3.DatabaseError) -> ResponseReturnValue:
        # a damaged (or full) index: the rebuild message, never a 500 with a traceback
        message = storage_message(exc, config.data.root) or (
            f"a database in {config.data.root} cannot be read ({exc}): run `congan index rebuild`"
        )
        if request.path.startswith("/api/"):
            return jsonify({"error": message}), 503
        logger.warning("%s", message)
        return render_template("error.html", message=UNAVAILABLE), 503

    return app


def _archived(url: str | None, timestamp: str | None, base: str) -> str | None:
    """The replay address of an image (never the live portal: no request leaves the archive)."""
    if not url:
        return None
    try:
        return replay_url(url, timestamp, base=base, mode="im_")
    except UserInputError:
        return replay_url(url, None, base=base, mode="im_")
