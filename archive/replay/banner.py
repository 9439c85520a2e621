"""What the Vietnamese replay banner (``templates/custom_banner.html``) needs from pywb's side.

Like ``launch.py``, this runs in pywb's own venv (``launch.py`` imports it from its folder):
stdlib, jinja2 and babel only, nothing from the project. ``install`` adds to pywb's Jinja
environment:

- the filter ``vn_datetime``: a 14-digit UTC capture timestamp as ``dd/mm/yyyy HH:MM`` in
  Vietnam time (Asia/Ho_Chi_Minh);
- the filter ``ascii_html``: non-ASCII text as character references. pywb puts its head
  insert into the page as latin-1 text while the page itself is decoded with its charset
  (its own banner keeps to ASCII with ``_Q``), so Vietnamese in the banner must be ASCII;
- the global ``congan_captures()``: every capture of the replayed URL (timestamp, status),
  oldest first, from pywb's own CDX API (so access rules hold);
- the global ``congan_article_url(url)``: the article's page in ``congan serve`` when the
  corpus knows the URL (canonical or alias; read-only from ``corpus/index.sqlite3``), else None.

``compile_catalogs`` turns the ``.po`` catalogs beside this file into the ``.mo`` files pywb's
i18n loads (``locales_root_dir``), with Babel, before pywb starts.
"""

from __future__ import annotations

import io
import json
import logging
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

logger = logging.getLogger(__name__)

VN_ZONE = "Asia/Ho_Chi_Minh"
#: Vietnam has kept UTC+7 without daylight saving since 1975: the fallback without tzdata
VN_OFFSET = timezone(timedelta(hours=7))


def vn_datetime(timestamp: str) -> str:
    """``20260701023000`` (UTC) -> ``01/07/2026 09:30`` (Vietnam time)."""
    digits = "".join(ch for ch in str(timestamp) if ch.isdigit())[:14].ljust(14, "0")
    moment = datetime.strptime(digits, "%Y%m%d%H%M%S").replace(tzinfo=UTC)
    try:
        from zoneinfo import ZoneInfo

        zone: tzinfo = ZoneInfo(VN_ZONE)
    except Exception:  # no tz database: the fixed offset is exact for Vietnam
        zone = VN_OFFSET
    return moment.astimezone(zone).strftime("%d/%m/%Y %H:%M")


def ascii_html(text: str) -> str:
    """Rendered HTML with every non-ASCII character as ``&#N;`` (same page, ASCII bytes)."""
    from markupsafe import Markup

    return Markup(str(text).encode("ascii", "xmlcharrefreplace").decode("ascii"))


def cdx_query(
    app: Any, environ: dict[str, Any], coll: str, params: list[tuple[str, str]]
) -> list[dict[str, Any]] | None:
    """Lines of pywb's CDX API (``/<coll>/cdx``, JSON output) asked through the app itself;
    None when it does not answer 200."""
    query = urlencode([*params, ("output", "json")])
    path = f"/{coll}/cdx"
    inner = {
        key: value for key, value in environ.items()
        if key.startswith(("SERVER_", "wsgi.", "REMOTE_")) or key == "HTTP_HOST"
    }
    inner.update({
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "SCRIPT_NAME": "", "QUERY_STRING": query,
        "REQUEST_URI": f"{path}?{query}", "wsgi.input": io.BytesIO(b""), "CONTENT_LENGTH": "0",
    })
    held: dict[str, str] = {}

    def hold(status: str, headers: object, exc_info: object = None) -> Callable[[bytes], object]:
        held["status"] = status
        return _no_write

    result = app(inner, hold)
    try:
        body = b"".join(result)
    finally:
        close = getattr(result, "close", None)
        if close is not None:
            close()
    if not held.get("status", "").startswith("200"):
        return None
    return [json.loads(line) for line in body.decode("utf-8", "replace").splitlines() if line.strip()]


def _no_write(_data: bytes) -> object:
    raise RuntimeError("write() is not supported for inner requests")


class ArticleLinks:
    """Replayed URL -> its article page in ``congan serve`` (corpus lookup index, read-only)."""

    def __init__(self, corpus_index: Path | None, serve_url: str) -> None:
        self.corpus_index = corpus_index
        self.serve_url = serve_url.rstrip("/")

    def __call__(self, url: str) -> str | None:
        if not self.corpus_index or not self.serve_url or not self.corpus_index.exists():
            return None
        try:
            with sqlite3.connect(f"file:{self.corpus_index}?mode=ro", uri=True, timeout=2) as db:
                row = db.execute(
                    "SELECT id FROM articles WHERE url = ? UNION ALL SELECT id FROM aliases WHERE alias = ? LIMIT 1",
                    (url, url),
                ).fetchone()
        except sqlite3.Error as exc:
            logger.warning("banner: cannot read the corpus index %s: %s", self.corpus_index, exc)
            return None
        return f"{self.serve_url}/articles/{quote(row[0], safe='')}" if row else None


def install(app: Any, jinja_env: Any, *, corpus_index: Path | None, serve_url: str) -> None:
    """Add the banner's filter and globals to pywb's jinja2 Environment."""
    from jinja2 import pass_context

    @pass_context
    def congan_captures(context: Any) -> list[dict[str, str]]:
        cdx = context.get("cdx") or {}
        env = context.get("env") or {}
        coll = context.get("coll")
        if not cdx.get("url") or not coll:
            return []
        try:
            lines = cdx_query(app, env, coll, [("url", cdx["url"]), ("fl", "timestamp,status")]) or []
        except Exception:  # the banner must never break the replayed page
            logger.exception("banner: capture list of %s failed", cdx.get("url"))
            return []
        seen: dict[str, dict[str, str]] = {}
        for line in lines:
            seen.setdefault(str(line.get("timestamp")), {"timestamp": str(line.get("timestamp")),
                                                          "status": str(line.get("status") or "-")})
        return sorted(seen.values(), key=lambda capture: capture["timestamp"])

    jinja_env.filters["vn_datetime"] = vn_datetime
    jinja_env.filters["ascii_html"] = ascii_html
    jinja_env.globals["congan_captures"] = congan_captures
    jinja_env.globals["congan_article_url"] = ArticleLinks(corpus_index, serve_url)


def compile_catalogs(source: Path, target: Path) -> list[str]:
    """``<source>/<locale>/LC_MESSAGES/messages.po`` -> the same under ``target`` as ``.mo``;
    the locales compiled."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    locales = []
    for po_path in sorted(source.glob("*/LC_MESSAGES/messages.po")):
        locale = po_path.parent.parent.name
        with po_path.open("rb") as fh:
            catalog = read_po(fh, locale=locale)
        mo_path = target / locale / "LC_MESSAGES" / "messages.mo"
        mo_path.parent.mkdir(parents=True, exist_ok=True)
        tmp = mo_path.with_suffix(".mo.tmp")
        with tmp.open("wb") as fh:
            write_mo(fh, catalog)
        tmp.replace(mo_path)
        locales.append(locale)
    return locales
