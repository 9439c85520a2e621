"""Wayback-style replay addresses, for whoever links to a capture (corpus, search, web UI).

``/<collection>/<14-digit timestamp><mode>/<url>`` replays a capture (the closest one when
the timestamp is inexact), ``/<collection>/*/<url>`` lists every capture of a URL, and the
``id_`` mode gives the capture's payload without rewriting. The server's address comes
from ``$CONGAN_REPLAY_URL`` when set, else what ``congan replay`` listens on by default.
"""

from __future__ import annotations

import os
import re

from ..errors import UserInputError
from ..paths import DEFAULT_COLLECTION

REPLAY_URL_ENV = "CONGAN_REPLAY_URL"
#: where ``congan serve`` runs, for links from replay back to an article's page
SERVE_URL_ENV = "CONGAN_SERVE_URL"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8090
DEFAULT_SERVE_PORT = 8080
RAW_MODE = "id_"
_TIMESTAMP = re.compile(r"^\d{1,14}$")
_MODE = re.compile(r"^([a-z]{2}_)?$")


def default_base() -> str:
    """The replay server's root URL, without a trailing slash."""
    return (os.environ.get(REPLAY_URL_ENV) or f"http://{DEFAULT_HOST}:{DEFAULT_PORT}").rstrip("/")


def default_serve_base() -> str:
    """``congan serve``'s root URL (``$CONGAN_SERVE_URL``, else its default address)."""
    return (os.environ.get(SERVE_URL_ENV) or f"http://{DEFAULT_HOST}:{DEFAULT_SERVE_PORT}").rstrip("/")


def replay_url(
    url: str,
    timestamp: str | None = None,
    *,
    collection: str = DEFAULT_COLLECTION,
    base: str | None = None,
    mode: str = "",
) -> str:
    """The replay address of ``url`` as captured at ``timestamp`` (latest when None)."""
    if timestamp is not None and not _TIMESTAMP.match(timestamp):
        raise UserInputError(f"replay timestamp {timestamp!r} must be digits (YYYYMMDDhhmmss)")
    if not _MODE.match(mode):
        raise UserInputError(f"replay mode {mode!r} must look like 'id_'")
    root = (base or default_base()).rstrip("/")
    selector = f"{timestamp or ''}{mode}"
    return f"{root}/{collection}/{selector + '/' if selector else ''}{url}"


def captures_url(url: str, *, collection: str = DEFAULT_COLLECTION, base: str | None = None) -> str:
    """The address of the list of every capture of ``url``."""
    root = (base or default_base()).rstrip("/")
    return f"{root}/{collection}/*/{url}"
