"""Replay over HTTP: pywb started from its own venv on a free port of 127.0.0.1, serving
WARCs written here with warcio (two "crawls" six weeks apart) and indexed with cdxj-indexer.

One pywb for the whole module. Access-rule tests change the rules of the running server
(pywb reads the ACL file on every lookup) and remove them again.
"""

from __future__ import annotations

import gzip
import io
import json
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from archive.access import AccessRules
from archive.errors import UserInputError
from archive.paths import DataDir
from archive.replay.config import acl_path, write_acl
from archive.replay.server import ReplayServer, ReplayStartError

SITE = "http://congan.hanoi.gov.vn"
ARTICLE = f"{SITE}/tin-tuc/dieu-tra.html"
GZIP_PAGE = f"{SITE}/tin-tuc/canh-bao.html"
LOGO = f"{SITE}/img/logo.png"
CSS = f"{SITE}/css/site.css"
OLD_URL = f"{SITE}/cu.html"
SECRET = f"{SITE}/bi-mat/ho-so.html"
T1, T2 = "20250710030000", "20250820030000"

TITLE_V1 = "Công an tỉnh Hà Nội điều tra vụ lừa đảo qua mạng"
TITLE_V2 = "Đại tá Nguyễn Văn Đức thông tin kết quả điều tra"
# a small PNG-like payload with every byte value, so any re-encoding would show
LOGO_BYTES = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4


def _page(title: str) -> bytes:
    return (
        "<!DOCTYPE html><html lang=\"vi\"><head><meta charset=\"utf-8\">"
        f"<title>{title}</title><link rel=\"stylesheet\" href=\"/css/site.css\"></head>"
        f"<body><h1>{title}</h1><p>Người dân cần cảnh giác với thủ đoạn giả danh cơ quan công an.</p>"
        "<a href=\"/tin-tuc/canh-bao.html\">Cảnh báo</a> <img src=\"/img/logo.png\" alt=\"logo\"></body></html>"
    ).encode()


class _Warc:
    """Writes request/response pairs (and revisits) of one crawl into one WARC file."""

    def __init__(self, path: Path, when: str) -> None:
        self.fh = open(path, "wb")  # noqa: SIM115 - closed by close()
        self.writer = WARCWriter(self.fh, gzip=True, warc_version="1.1")
        self.date = f"{when[:4]}-{when[4:6]}-{when[6:8]}T{when[8:10]}:{when[10:12]}:{when[12:14]}Z"

    def _request(self, url: str, concurrent_to: str) -> None:
        path = url.split("/", 3)[3]
        headers = StatusAndHeaders(f"GET /{path} HTTP/1.1", [("Host", "congan.hanoi.gov.vn")], is_http_request=True)
        self.writer.write_record(self.writer.create_warc_record(
            url, "request", http_headers=headers,
            warc_headers_dict={"WARC-Date": self.date, "WARC-Concurrent-To": concurrent_to},
        ))

    def response(self, url: str, status: str, headers: list[tuple[str, str]], body: bytes) -> None:
        record_id = f"<urn:uuid:{uuid.uuid4()}>"
        http = StatusAndHeaders(status, [*headers, ("Content-Length", str(len(body)))], protocol="HTTP/1.1")
        self.writer.write_record(self.writer.create_warc_record(
            url, "response", payload=io.BytesIO(body), http_headers=http,
            warc_headers_dict={"WARC-Date": self.date, "WARC-Record-ID": record_id, "WARC-IP-Address": "127.0.0.1"},
        ))
        self._request(url, record_id)

    def revisit(self, url: str, digest: str, refers_to_date: str, headers: list[tuple[str, str]]) -> None:
        http = StatusAndHeaders("200 OK", headers, protocol="HTTP/1.1")
        record = self.writer.create_revisit_record(url, digest, url, refers_to_date, http_headers=http,
                                                   warc_headers_dict={"WARC-Date": self.date})
        self.writer.write_record(record)

    def close(self) -> None:
        self.fh.close()


def _build_collection(root: Path) -> DataDir:
    data = DataDir(root)
    data.ensure()
    html = [("Content-Type", "text/html; charset=utf-8")]
    first = _Warc(data.warc_dir() / "crawl-1.warc.gz", T1)
    first.response(ARTICLE, "200 OK", html, _page(TITLE_V1))
    first.response(GZIP_PAGE, "200 OK", [*html, ("Content-Encoding", "gzip")],
                   gzip.compress(_page("Cảnh báo thủ đoạn lừa đảo mới")))
    first.response(LOGO, "200 OK", [("Content-Type", "image/png")], LOGO_BYTES)
    first.response(CSS, "200 OK", [("Content-Type", "text/css")],
                   b"body { background: url(/img/logo.png); }")
    first.response(OLD_URL, "301 Moved Permanently", [("Location", "/tin-tuc/dieu-tra.html")], b"")
    first.response(SECRET, "200 OK", html, _page("Hồ sơ mật"))
    first.close()
    logo_digest = _payload_digest(data.warc_dir() / "crawl-1.warc.gz", LOGO)
    second = _Warc(data.warc_dir() / "crawl-2.warc.gz", T2)
    second.response(ARTICLE, "200 OK", html, _page(TITLE_V2))
    second.revisit(LOGO, logo_digest, first.date, [("Content-Type", "image/png")])
    second.close()
    for warc in sorted(data.warc_dir().glob("*.warc.gz")):
        out = data.index_dir() / (warc.name.removesuffix(".warc.gz") + ".cdxj")
        subprocess.run([str(Path(sys.executable).with_name("cdxj-indexer")), "--sort", "-o", str(out), str(warc)],
                       check=True)
    return data


def _payload_digest(warc: Path, url: str) -> str:
    from warcio.archiveiterator import ArchiveIterator

    with open(warc, "rb") as fh:
        for record in ArchiveIterator(fh):
            if record.rec_type == "response" and record.rec_headers.get_header("WARC-Target-URI") == url:
                return record.rec_headers.get_header("WARC-Payload-Digest")
    raise AssertionError(f"no response for {url}")


@pytest.fixture(scope="module")
def replay(tmp_path_factory: pytest.TempPathFactory):
    data = _build_collection(tmp_path_factory.mktemp("replay") / "data")
    with ReplayServer(data, port=0) as server:
        yield server


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        return None


def fetch(url: str, *, follow: bool = True, headers: dict[str, str] | None = None):
    """(status, headers, body bytes, final url) of a GET."""
    opener = urllib.request.build_opener() if follow else urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=30) as response:
            return response.status, response.headers, response.read(), response.url
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read(), url


# -- replay -------------------------------------------------------------------------------


def test_server_binds_loopback_only(replay: ReplayServer) -> None:
    assert replay.base_url.startswith("http://127.0.0.1:")
    config = json.loads(replay.config.config_path.read_text(encoding="utf-8"))
    assert list(config["collections"]) == ["congan"]


def test_page_replays_with_vietnamese_text_and_links_into_archive(replay: ReplayServer) -> None:
    status, headers, body, _ = fetch(replay.url_for(ARTICLE, T1))
    assert status == 200
    text = body.decode("utf-8")
    assert TITLE_V1 in text and "Người dân cần cảnh giác" in text
    assert f'href="/congan/{T1}/{GZIP_PAGE}"' in text
    assert f'src="/congan/{T1}im_/{LOGO}"' in text
    assert f'href="/congan/{T1}cs_/{CSS}"' in text
    assert headers.get("Memento-Datetime") == "Thu, 10 Jul 2025 03:00:00 GMT"


def test_image_and_css_replay_from_the_archive(replay: ReplayServer) -> None:
    status, headers, body, _ = fetch(f"{replay.base_url}/congan/{T1}im_/{LOGO}")
    assert status == 200 and headers.get_content_type() == "image/png"
    assert body == LOGO_BYTES
    status, _, css, _ = fetch(f"{replay.base_url}/congan/{T1}cs_/{CSS}")
    assert status == 200
    assert f"url(/congan/{T1}oe_/{LOGO})".encode() in css  # pywb's mode for CSS url()


def test_gzip_encoded_capture_is_decoded(replay: ReplayServer) -> None:
    status, _, body, _ = fetch(replay.url_for(GZIP_PAGE, T1))
    assert status == 200
    assert "Cảnh báo thủ đoạn lừa đảo mới" in body.decode("utf-8")


def test_revisit_resolves_to_the_original_payload(replay: ReplayServer) -> None:
    status, headers, body, _ = fetch(replay.url_for(LOGO, T2, mode="id_"))
    assert status == 200
    assert body == LOGO_BYTES
    assert headers.get("Memento-Datetime") == "Wed, 20 Aug 2025 03:00:00 GMT"


def test_redirect_capture_points_into_archive(replay: ReplayServer) -> None:
    status, headers, _, _ = fetch(replay.url_for(OLD_URL, T1), follow=False)
    assert status == 301
    assert headers["Location"].endswith(f"/congan/{T1}/{ARTICLE}")
    status, _, body, _ = fetch(replay.url_for(OLD_URL, T1))
    assert status == 200 and TITLE_V1 in body.decode("utf-8")


@pytest.mark.parametrize(
    ("asked", "expected_ts", "title"),
    [("20250716", T1, TITLE_V1), ("20250815120000", T2, TITLE_V2), ("2026", T2, TITLE_V2), ("2024", T1, TITLE_V1)],
)
def test_inexact_timestamp_goes_to_closest_capture(
    replay: ReplayServer, asked: str, expected_ts: str, title: str
) -> None:
    status, _, body, final = fetch(replay.url_for(ARTICLE, asked))
    assert status == 200
    assert final.endswith(f"/congan/{expected_ts}/{ARTICLE}")
    assert title in body.decode("utf-8")


def test_capture_list_of_a_url(replay: ReplayServer) -> None:
    status, _, page, _ = fetch(f"{replay.base_url}/congan/*/{ARTICLE}")
    assert status == 200 and b"<html" in page.lower()
    captures = _captures(replay, ARTICLE)
    assert [c["timestamp"] for c in captures] == [T1, T2]


def _captures(replay: ReplayServer, url: str) -> list[dict[str, str]]:
    status, _, body, _ = fetch(f"{replay.base_url}/congan/cdx?url={url}&output=json")
    assert status == 200
    return [json.loads(line) for line in body.decode("utf-8").splitlines() if line.strip()]


def test_raw_mode_returns_the_payload_unrewritten(replay: ReplayServer) -> None:
    status, _, body, _ = fetch(replay.url_for(ARTICLE, T1, mode="id_"))
    assert status == 200
    assert body == _page(TITLE_V1)


def test_uncaptured_url_is_not_found(replay: ReplayServer) -> None:
    status, _, _, _ = fetch(replay.url_for(f"{SITE}/khong-co.html", T1))
    assert status == 404


# -- access rules in replay -----------------------------------------------------------------


@pytest.fixture
def rules(replay: ReplayServer):
    """Access rules of the served data dir; cleared after the test (replay follows at once)."""
    yield replay.data
    AccessRules((), replay.data.access_rules).save()
    write_acl(replay.data)


def _apply(data: DataDir, *adds: dict) -> None:
    current = AccessRules.load(data)
    for add in adds:
        current, _ = current.add(**add)
    current.save()
    write_acl(data, current)


def test_excluded_url_disappears_from_replay_and_capture_list(replay: ReplayServer, rules: DataDir) -> None:
    _apply(rules, {"target": SECRET, "kind": "exclude", "reason": "yêu cầu gỡ bỏ"})
    assert fetch(replay.url_for(SECRET, T1))[0] == 404
    assert _captures(replay, SECRET) == []
    assert fetch(replay.url_for(ARTICLE, T1))[0] == 200


def test_blocked_prefix_is_refused_but_listed(replay: ReplayServer, rules: DataDir) -> None:
    _apply(rules, {"target": "congan.hanoi.gov.vn/bi-mat/", "prefix": True, "kind": "block"})
    assert fetch(replay.url_for(SECRET, T1))[0] == 451
    assert [c["timestamp"] for c in _captures(replay, SECRET)] == [T1]


def test_dated_exclusion_hides_only_captures_in_range(replay: ReplayServer, rules: DataDir) -> None:
    _apply(rules, {"target": ARTICLE, "kind": "exclude", "since": "01/08/2025"})
    status, _, body, final = fetch(replay.url_for(ARTICLE, T2))
    assert status == 200 and final.endswith(f"/congan/{T1}/{ARTICLE}")
    assert TITLE_V1 in body.decode("utf-8")
    assert [c["timestamp"] for c in _captures(replay, ARTICLE)] == [T1]


def test_client_cannot_choose_its_acl_user(replay: ReplayServer, rules: DataDir) -> None:
    _apply(rules, {"target": SECRET, "kind": "block"})
    # An operator-only rule that would let user "admin" through, were the header trusted.
    path = acl_path(rules)
    admin = f'vn,gov,hanoi,congan)/bi-mat/ho-so.html### - {{"access": "allow", "user": "admin", "url": "{SECRET}"}}\n'
    lines = sorted([*path.read_text(encoding="utf-8").splitlines(keepends=True), admin], reverse=True)
    path.write_text("".join(lines), encoding="utf-8")
    assert fetch(replay.url_for(SECRET, T1))[0] == 451
    for header in ("X-Pywb-ACL-User", "x-pywb-acl-user", "X_Pywb_ACL_User"):
        assert fetch(replay.url_for(SECRET, T1), headers={header: "admin"})[0] == 451


# -- start-up errors and the command ----------------------------------------------------------


def test_port_in_use_is_a_clear_error(replay: ReplayServer) -> None:
    port = int(replay.base_url.rsplit(":", 1)[1])
    with pytest.raises(ReplayStartError, match="is the port free"):
        ReplayServer(replay.data, port=port, log_path=replay.data.logs_dir / "busy.log").start()


def test_missing_collection_is_a_user_error(replay: ReplayServer) -> None:
    with pytest.raises(UserInputError, match="no collection 'autre'"):
        ReplayServer(replay.data, port=0, collection="autre").start()


def test_congan_replay_command_serves_until_stopped(replay: ReplayServer) -> None:
    command = [sys.executable, "-m", "congan.cli.main", "--data", str(replay.data.root), "replay", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = process.stdout.readline()
        assert line.startswith("replaying congan at http://127.0.0.1:"), line + process.stderr.read()
        base = line.split(" at ", 1)[1].split("/congan/", 1)[0]
        status, _, body, _ = fetch(f"{base}/congan/{T1}/{ARTICLE}")
        assert status == 200 and TITLE_V1 in body.decode("utf-8")
    finally:
        process.terminate()
        assert process.wait(timeout=15) == 0
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{base}/congan/{T1}/{ARTICLE}", timeout=5)


def test_pywb_does_not_outlive_a_killed_congan_replay(replay: ReplayServer) -> None:
    command = [sys.executable, "-m", "congan.cli.main", "--data", str(replay.data.root), "replay", "--port", "0"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    line = process.stdout.readline()
    base = line.split(" at ", 1)[1].split("/congan/", 1)[0]
    assert fetch(f"{base}/congan/{T1}id_/{ARTICLE}")[0] == 200
    process.kill()  # SIGKILL: no chance to stop pywb itself
    process.wait(timeout=15)
    process.stdout.close()
    for _ in range(50):
        try:
            urllib.request.urlopen(f"{base}/congan/", timeout=2).close()
        except OSError:  # refused, or reset while pywb goes down
            return
        time.sleep(0.1)
    pytest.fail(f"pywb still serves {base} after congan replay was killed")
