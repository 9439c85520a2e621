"""Web pages and endpoints of issue 15: the change feed (page, Atom, JSON), removed articles
("Đã gỡ" list and badge), and the diff between two versions of an article.

A Flask blueprint registered by ``congan.web.app.create_app``; everything it shows comes
from the corpus store (``archive.corpus``: ``events``, ``removals``, ``versions``) and
``archive.corpus.diff``. Articles hidden by the access rules are left out as in search.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import Blueprint, Response, abort, g, jsonify, render_template, request

from archive.access import AccessRules
from archive.corpus import CorpusStore
from archive.corpus.changes import CHANGE_KINDS, KIND_LABELS, ChangeEvent, atom_feed
from archive.corpus.diff import diff_versions
from archive.corpus.export import parse_user_date
from archive.corpus.removals import Removal
from archive.errors import UserInputError
from archive.paths import DataDir
from archive.search.results import replay_link

#: most events one page or feed shows (newest kept)
FEED_LIMIT = 500


def _day(name: str) -> date | None:
    value = request.args.get(name)
    return parse_user_date(value, name) if value else None


def _has_corpus(data: DataDir) -> bool:
    return (data.corpus_dir / "articles.jsonl").exists()


def removals_of(data: DataDir) -> dict[str, Removal]:
    """Articles removed now (empty without a corpus)."""
    if not _has_corpus(data):
        return {}
    with CorpusStore.open(data) as store:
        return store.removals()


def blueprint(data: DataDir, replay_base: str) -> Blueprint:
    pages = Blueprint("changes", __name__)

    def events() -> list[ChangeEvent]:
        kinds = tuple(k for k in request.args.getlist("kind") if k)
        unknown = [k for k in kinds if k not in CHANGE_KINDS]
        if unknown:
            raise UserInputError(f"kind {unknown[0]!r}: use one of {', '.join(CHANGE_KINDS)}")
        since, until = _day("since"), _day("until")
        if not _has_corpus(data):
            return []
        access = AccessRules.load(data)
        with CorpusStore.open(data) as store:
            found = store.events(since=since, until=until, site=request.args.get("site") or None, kinds=kinds)
        allowed = [e for e in found if access.allows(e.url, e.at)]
        return allowed[-FEED_LIMIT:]

    def removal_of(ident: str) -> Removal | None:
        """The takedown of an article, for the "Đã gỡ" badge (read once per request)."""
        if "congan_removals" not in g:
            g.congan_removals = removals_of(data)
        found: Removal | None = g.congan_removals.get(ident)
        return found

    @pages.app_context_processor
    def _removed_badges() -> dict[str, Any]:
        return {"removal_of": removal_of, "KIND_LABELS": KIND_LABELS}

    @pages.get("/changes")
    def changes_page():  # type: ignore[no-untyped-def]
        try:
            found = events()
        except UserInputError as exc:
            return render_template("changes.html", events=[], error=str(exc), args=request.args), 400
        return render_template("changes.html", events=list(reversed(found)), error=None, args=request.args)

    @pages.get("/changes.atom")
    def changes_atom():  # type: ignore[no-untyped-def]
        try:
            found = events()
        except UserInputError as exc:
            return Response(str(exc) + "\n", status=400, mimetype="text/plain")
        base = request.host_url.rstrip("/")
        body = atom_feed(found, feed_url=request.url, article_base=base, replay_base=replay_base)
        return Response(body, mimetype="application/atom+xml")

    @pages.get("/api/changes")
    def api_changes():  # type: ignore[no-untyped-def]
        try:
            found = events()
        except UserInputError as exc:
            return jsonify({"error": str(exc)}), 400
        return jsonify({"changes": [
            e.to_json() | {"replay_url": replay_link(e.replay_url, replay_base)} for e in found
        ]})

    @pages.get("/removed")
    def removed_page():  # type: ignore[no-untyped-def]
        removed = removals_of(data)
        records = []
        if removed:
            access = AccessRules.load(data)
            with CorpusStore.open(data) as store:
                for ident in sorted(removed, key=lambda i: removed[i].removed, reverse=True):
                    record = store.get(ident)
                    if record is not None and access.allows(record.url, record.capture.timestamp):
                        records.append(record)
        return render_template("removed.html", records=records)

    @pages.get("/articles/<article_id>/diff")
    def diff_page(article_id: str):  # type: ignore[no-untyped-def]
        if not _has_corpus(data):
            abort(404)
        with CorpusStore.open(data) as store:
            versions = store.versions(article_id)
        if len(versions) < 2 or not AccessRules.load(data).allows(versions[-1].url, versions[-1].capture.timestamp):
            abort(404)
        by_number = {v.version: v for v in versions}
        try:
            new = int(request.args.get("to") or versions[-1].version)
            old = int(request.args.get("from") or new - 1)
        except ValueError:
            abort(400)
        if old not in by_number or new not in by_number or old >= new:
            abort(404)
        change = diff_versions(by_number[old], by_number[new])
        if request.args.get("format") == "json":
            return jsonify(change.to_json())
        return render_template("diff.html", diff=change, versions=versions)

    return pages
