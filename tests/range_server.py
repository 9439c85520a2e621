"""A static file server on 127.0.0.1 that answers byte ranges (``Range: bytes=a-b``, ``a-``,
``-n``) with 206 and ``Content-Range``, as ReplayWeb.page needs to read a WACZ in place
(Python's ``http.server`` always sends the whole file). One range per request; anything else
is a whole-file 200. Also records every request path, for the tests to inspect."""

from __future__ import annotations

import os
import re
import threading
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

RANGE = re.compile(r"bytes=(\d*)-(\d*)$")
#: service workers and modules must be served as JavaScript; a WACZ is a zip
TYPES = {".js": "text/javascript", ".mjs": "text/javascript", ".wacz": "application/wacz",
         ".html": "text/html; charset=utf-8", ".json": "application/json"}


def byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """(first, last) byte, inclusive, of a single ``Range`` header; None for the whole file.
    Raises ValueError for a range that does not fit the file (416)."""
    match = RANGE.match((header or "").strip())
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        start, end = max(size - int(last), 0), size - 1
    else:
        start = int(first)
        end = min(int(last), size - 1) if last else size - 1
    if start >= size or start > end:
        raise ValueError(header)
    return start, end


class RangeHandler(SimpleHTTPRequestHandler):
    server: RecordingServer

    def guess_type(self, path: str | os.PathLike[str]) -> str:
        return TYPES.get(Path(path).suffix) or super().guess_type(path)

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def end_headers(self) -> None:
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def send_head(self) -> Any:
        self._range: tuple[int, int] | None = None
        self.server.requests.append((self.command, self.path, self.headers.get("Range")))
        path = Path(self.translate_path(self.path))
        if path.is_dir() or not path.is_file():
            return super().send_head()
        size = path.stat().st_size
        try:
            wanted = byte_range(self.headers.get("Range"), size)
        except ValueError:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return None
        if wanted is None:
            return super().send_head()
        start, end = wanted
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self._range = (start, end)
        return path.open("rb")

    def copyfile(self, source: Any, outputfile: Any) -> None:
        part = self._range
        if part is None:
            super().copyfile(source, outputfile)
            return
        start, end = part
        source.seek(start)
        left = end - start + 1
        while left > 0:
            chunk = source.read(min(left, 1 << 16))
            if not chunk:
                break
            outputfile.write(chunk)
            left -= len(chunk)


class RecordingServer(ThreadingHTTPServer):
    daemon_threads = True
    requests: list[tuple[str, str, str | None]]


class RangeServer:
    """``with RangeServer(directory) as server: server.url("/index.html")``"""

    def __init__(self, directory: os.PathLike[str] | str) -> None:
        self.httpd = RecordingServer(("127.0.0.1", 0), partial(RangeHandler, directory=str(directory)))
        self.httpd.requests = []
        self._thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_port}"

    @property
    def requests(self) -> list[tuple[str, str, str | None]]:
        """(method, path, Range header) of every request so far."""
        return list(self.httpd.requests)

    def url(self, path: str) -> str:
        return self.base_url + path

    def __enter__(self) -> RangeServer:
        self._thread.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, tb: TracebackType | None) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
        self._thread.join(5)


def main(argv: list[str] | None = None) -> None:
    """``python tests/range_server.py DIRECTORY [PORT]``: serve a directory on 127.0.0.1 by hand
    (docs/replay.md), until Ctrl-C."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    directory, port = args[0], int(args[1]) if len(args) > 1 else 8099
    httpd = RecordingServer(("127.0.0.1", port), partial(RangeHandler, directory=directory))
    httpd.requests = []
    print(f"serving {directory} on http://127.0.0.1:{port}/ (byte ranges answered); Ctrl-C stops")
    try:
        httpd.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()


if __name__ == "__main__":
    main()
