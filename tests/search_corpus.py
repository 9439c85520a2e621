"""A small Vietnamese corpus for the search and web tests (SPEC §7 records).

Hand-written articles with the cases the tests need (tone placements, đ, a merged
province, a hostile title), plus a stream from simnet's generator for pagination and
facet totals.
"""

from __future__ import annotations

from typing import Any

from simnet.content import CATEGORIES, generate_article


def _record(id_: str, site: str, province: str, province_2025: str, title: str, body: str, *,
            summary: str = "", published: str | None = None, category: str | None = None,
            version: int = 1, **extra: Any) -> dict[str, Any]:
    url = f"https://{site}/tin-tuc/{id_}.html"
    timestamp = (published or "2025-01-01").replace("-", "")[:8] + "010203"
    record = {
        "id": id_,
        "schema_version": 1,
        "url": url,
        "aliases": [],
        "site": site,
        "province": province,
        "province_2025": province_2025,
        "title": title,
        "summary": summary,
        "published": published,
        "modified": None,
        "author": extra.pop("author", "Minh Hòa"),
        "category": category,
        "tags": extra.pop("tags", ["an ninh"]),
        "body": body,
        "body_html": "<p>" + body + "</p>",
        "images": extra.pop("images", [{"url": f"https://{site}/img/{id_}.jpg", "caption": "Ảnh minh họa"}]),
        "attachments": [],
        "content_hash": "sha256:" + id_,
        "version": version,
        "first_seen": "2025-01-01T01:02:03Z",
        "last_seen": "2025-01-01T01:02:03Z",
        "capture": {
            "timestamp": timestamp,
            "warc_file": "congan-20250101010203-00000.warc.gz",
            "offset": 0,
            "length": 1000,
            "record_id": f"<urn:uuid:{id_}>",
            "replay_url": f"/congan/{timestamp}/{url}",
        },
        "extraction": {"adapter": "generic", "method": "test", "software_version": "0"},
    }
    record.update(extra)
    return record


def handmade() -> list[dict[str, Any]]:
    return [
        _record(
            "hb-matuy", "congan.hoabinh.gov.vn", "Hòa Bình", "Phú Thọ",
            "Công an tỉnh Hòa Bình triệt phá đường dây ma túy",
            "Đại tá Nguyễn Văn Quý chỉ đạo lực lượng phối hợp bắt giữ 5 đối tượng.\n\n"
            "Tang vật gồm 2 bánh heroin. Vụ việc đang được điều tra mở rộng.",
            summary="Lực lượng Công an tỉnh bắt giữ nhóm đối tượng mua bán ma túy.",
            published="2024-03-05T08:00:00+07:00", category="Phòng chống tội phạm",
        ),
        _record(
            "th-thuy", "conganthanhhoa.gov.vn", "Thanh Hóa", "Thanh Hóa",
            "Thanh Hoá: tuần tra đường thuỷ, giữ hoà bình trên sông",
            "Cảnh sát đường thuỷ tăng cường tuần tra. Các chiến sĩ đều khoẻ mạnh.\n\n"
            "Lực lượng phối hợp với chính quyền giữa hai huyện.",
            published="2023-06-10", category="An ninh trật tự",
        ),
        _record(
            "hg-hoa", "congan.hagiang.gov.vn", "Hà Giang", "Tuyên Quang",
            "Trao hoa chúc mừng chiến sĩ mới",
            "Đoàn thanh niên trao hoa cho các tân binh. Buổi lễ ấm áp.",
            published="2025-02-01T09:30:00+07:00", category="Xây dựng lực lượng",
        ),
        _record(
            "hn-sohoa", "congan.hanoi.gov.vn", "Hà Nội", "Hà Nội",
            "Đẩy mạnh số hóa hồ sơ thủ tục hành chính",
            "Công an thành phố số hóa hơn 1.000 hồ sơ mỗi ngày, phục vụ người dân.",
            published="2025-08-01T10:00:00+07:00", category="Cải cách hành chính",
        ),
        _record(
            "tq-script", "congan.tuyenquang.gov.vn", "Tuyên Quang", "Tuyên Quang",
            "Cảnh báo <script>window.__pwned = 1</script> lừa đảo qua mạng",
            "Thủ đoạn mới: <img src=x onerror=\"window.__pwned=2\"> kẻ gian gửi đường link giả mạo "
            "để chiếm đoạt tài sản.",
            published="2025-09-15T07:00:00+07:00", category="Cảnh báo thủ đoạn",
        ),
        _record(
            "dn-cobac", "congan.danang.gov.vn", "Đà Nẵng", "Đà Nẵng",
            "Đà Nẵng bắt quả tang nhóm đánh bạc, tổ chức cờ bạc",
            "Công an quận phát hiện nhóm đối tượng đánh bạc ăn tiền. Số tiền thu giữ 20 triệu đồng.",
            published="2024-11-20T15:45:00+07:00", category="Phòng chống tội phạm",
        ),
        _record(
            "qn-anninh", "congan.quangnam.gov.vn", "Quảng Nam", "Đà Nẵng",
            "Bảo đảm an ninh trật tự dịp lễ hội",
            "Lực lượng công an bảo đảm an ninh trật tự, an toàn giao thông.",
            published="2024-02-10T06:00:00+07:00", category="An ninh trật tự",
        ),
        _record(
            "qn-tratu", "congan.quangnam.gov.vn", "Quảng Nam", "Đà Nẵng",
            "Trật tự giao thông và an ninh nông thôn",
            "Giữ trật tự đô thị; an ninh nông thôn được bảo đảm.",
            published="2025-05-05", category="Trật tự an toàn giao thông",
        ),
        _record(
            "nodate", "congan.hanoi.gov.vn", "Hà Nội", "Hà Nội",
            "Thông báo tuyển sinh không ghi ngày",
            "Thông báo về việc tuyển sinh vào các trường Công an nhân dân.",
            published=None, category="Thông báo",
        ),
        _record(
            "plain-cong", "congan.hanoi.gov.vn", "Hà Nội", "Hà Nội",
            "Bai viet khong dau: cong an phuong",
            "Noi dung khong dau cua cong an phuong Hoan Kiem.",
            published="2022-04-04", category="Thông báo",
        ),
    ]


SIM_SITES = (
    ("congan.hoabinh.gov.vn", "Hòa Bình", "Phú Thọ"),
    ("congan.laocai.gov.vn", "Lào Cai", "Lào Cai"),
    ("congan.yenbai.gov.vn", "Yên Bái", "Lào Cai"),
)


def generated(count: int = 45) -> list[dict[str, Any]]:
    """``count`` articles from simnet's text generator over three portals."""
    out = []
    for i in range(count):
        art = generate_article(i, seed="search-tests")
        site, province, p2025 = SIM_SITES[i % len(SIM_SITES)]
        out.append(_record(
            f"gen-{i:03d}", site, province, p2025, art.title, art.body, summary=art.summary,
            published=f"{2019 + i % 6}-{1 + i % 12:02d}-{1 + i % 27:02d}T08:00:00+07:00",
            category=CATEGORIES[art.category][1], tags=list(art.tags), author=art.author,
        ))
    return out


def corpus() -> list[dict[str, Any]]:
    return handmade() + generated()
