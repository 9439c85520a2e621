"""Seeded generator of Vietnamese police-news text.

``generate_article(index, seed)`` is a pure function of its arguments: the same call gives the
same article on every machine. It is cheap (tens of microseconds), so benchmarks can make a
million articles, and the simulated portals build every page from it lazily.

Text is written NFC with the *new* tone placement ("hòa", "thủy"); ``old_style`` articles get
the old placement ("hoà", "thuỷ") as many portals still publish it. Both must survive the
pipeline exactly as published.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

CATEGORIES: tuple[tuple[str, str], ...] = (
    ("an-ninh-trat-tu", "An ninh trật tự"),
    ("phong-chong-toi-pham", "Phòng chống tội phạm"),
    ("cai-cach-hanh-chinh", "Cải cách hành chính"),
    ("xay-dung-luc-luong", "Xây dựng lực lượng"),
    ("canh-bao-thu-doan", "Cảnh báo thủ đoạn"),
    ("giao-thong", "Trật tự an toàn giao thông"),
)

RANKS = ("Đại tá", "Thượng tá", "Trung tá", "Thiếu tá", "Đại úy", "Thượng úy", "Thiếu tướng")
SURNAMES = ("Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô", "Dương")
MIDDLES = ("Văn", "Thị", "Đức", "Minh", "Quang", "Thanh", "Hữu", "Ngọc", "Xuân", "Thu")
GIVEN = ("Hùng", "Hương", "Tuấn", "Lan", "Dũng", "Thủy", "Hòa", "Quý", "Nghĩa", "Thắng", "Hải", "Yến")
PLACES = (
    "xã Tân Hòa", "phường Thủy Xuân", "thị trấn Mường Tè", "xã Phong Thủy", "phường Quyết Thắng",
    "xã Bình Hòa", "huyện Quỳnh Nhai", "phường Đông Kinh", "xã Nghĩa Đô", "thị xã Sa Pa",
)
UNITS = (
    "Phòng Cảnh sát hình sự", "Phòng An ninh mạng và phòng chống tội phạm sử dụng công nghệ cao",
    "Phòng Cảnh sát giao thông", "Công an huyện", "Phòng Cảnh sát điều tra tội phạm về ma túy",
    "Phòng Cảnh sát quản lý hành chính về trật tự xã hội", "Phòng Tham mưu",
)
CRIMES = (
    "lừa đảo chiếm đoạt tài sản qua mạng", "mua bán trái phép chất ma túy", "trộm cắp tài sản",
    "đánh bạc trực tuyến", "vận chuyển pháo nổ trái phép", "tổ chức đua xe trái phép",
    "cho vay lãi nặng", "khai thác khoáng sản trái phép",
)
TITLE_TEMPLATES = (
    "Triệt phá đường dây {crime} tại {place}",
    "{unit} bắt giữ đối tượng {crime}",
    "Cảnh báo thủ đoạn {crime} dịp cuối năm",
    "Công an tỉnh tổng kết công tác bảo đảm an ninh, trật tự năm {year}",
    "Đẩy mạnh cải cách hành chính, phục vụ nhân dân tại {place}",
    "Khởi tố {n} bị can về tội {crime}",
    "Tuyên truyền phòng cháy, chữa cháy cho hộ gia đình ở {place}",
    "Trao tặng nhà tình nghĩa cho gia đình chính sách tại {place}",
    "Ra quân cao điểm tấn công, trấn áp tội phạm hòa bình, an toàn dịp Tết",
    "Hướng dẫn người dân cài đặt, kích hoạt tài khoản định danh điện tử",
)
SUMMARY_TEMPLATES = (
    (
        "Ngày {day}/{month}, {unit} Công an tỉnh cho biết đã phát hiện, bắt giữ {n} đối tượng có hành vi "
        "{crime} tại {place}."
    ),
    (
        "Thực hiện kế hoạch của Ban Giám đốc, lực lượng Công an tỉnh đã triển khai đồng bộ nhiều giải pháp "
        "bảo đảm an ninh, trật tự trên địa bàn {place}."
    ),
    "Sáng {day}/{month}, {rank} {person} chủ trì hội nghị triển khai nhiệm vụ trọng tâm của lực lượng Công an tỉnh.",
    "Công an tỉnh khuyến cáo người dân nâng cao cảnh giác trước thủ đoạn {crime} đang diễn biến phức tạp.",
)
SENTENCES = (
    "Qua công tác nắm tình hình, {unit} phát hiện nhóm đối tượng có biểu hiện nghi vấn {crime} tại {place}.",
    "Ngay sau khi tiếp nhận tin báo, lực lượng chức năng đã khẩn trương xác minh, truy xét và làm rõ vụ việc.",
    "Tang vật thu giữ gồm {n} điện thoại di động, {m} xe mô tô cùng nhiều tài liệu liên quan.",
    "Tại cơ quan Công an, các đối tượng đã khai nhận toàn bộ hành vi phạm tội của mình.",
    (
        "{rank} {person}, Phó Giám đốc Công an tỉnh, đề nghị các đơn vị tiếp tục phối hợp chặt chẽ với "
        "chính quyền địa phương."
    ),
    "Hiện vụ việc đang được cơ quan Cảnh sát điều tra củng cố hồ sơ để xử lý theo quy định của pháp luật.",
    "Công an tỉnh khuyến cáo người dân không cung cấp thông tin cá nhân, mã OTP cho người lạ qua điện thoại.",
    "Phong trào toàn dân bảo vệ an ninh Tổ quốc tiếp tục được duy trì, góp phần giữ vững hòa bình ở cơ sở.",
    "Năm {year}, lực lượng Công an đã giải quyết {n} hồ sơ thủ tục hành chính trên môi trường điện tử.",
    "Các tổ công tác đã đến từng hộ gia đình tại {place} để hướng dẫn kích hoạt tài khoản định danh điện tử mức độ 2.",
    'Mô hình "Camera an ninh" do Ủy ban nhân dân xã phối hợp triển khai đã phát huy hiệu quả rõ rệt.',
    "Lực lượng Cảnh sát đường thủy tăng cường tuần tra, kiểm soát trên các tuyến sông trọng điểm.",
    "Buổi lễ diễn ra trang trọng, ấm áp với sự tham dự của đại diện cấp ủy, chính quyền và đông đảo nhân dân.",
    "Đây là kết quả của quá trình đấu tranh bền bỉ, sự phối hợp hòa quyện giữa các lực lượng nghiệp vụ.",
    "Qua kiểm tra sức khỏe, các chiến sĩ đều đủ điều kiện tham gia đợt huấn luyện tập trung.",
    "Tổng giá trị tài sản bị chiếm đoạt ước tính khoảng {n} tỷ đồng.",
    "Trước đó, người dân đã phản ánh về tình trạng mất an ninh, trật tự kéo dài tại {place}.",
    "Lực lượng Công an xã được bố trí về địa bàn đã kịp thời nắm bắt tâm tư, nguyện vọng của quần chúng.",
    "Hội nghị cũng đã quán triệt các chỉ thị, nghị quyết mới của Đảng ủy Công an Trung ương.",
    "Nhân dịp này, Giám đốc Công an tỉnh đã trao Giấy khen cho {m} tập thể và {n} cá nhân có thành tích xuất sắc.",
)
TAGS = ("an ninh", "tội phạm", "ma túy", "lừa đảo", "định danh điện tử", "giao thông", "phòng cháy", "Tết")
IMAGE_CAPTIONS = (
    "Lực lượng chức năng làm việc với các đối tượng tại hiện trường",
    "Tang vật thu giữ trong vụ án",
    "Quang cảnh hội nghị",
    "Cán bộ Công an hướng dẫn người dân làm thủ tục",
    "{rank} {person} phát biểu tại buổi lễ",
)
ATTACHMENT_TITLES = ("Kế hoạch số {n}/KH-CAT", "Thông báo số {n}/TB-CAT", "Quyết định số {n}/QĐ-CAT")

# New tone placement (as written above) -> old placement, applied to "old style" articles.
_OLD_STYLE = {
    "hòa": "hoà",
    "Hòa": "Hoà",
    "thủy": "thuỷ",
    "Thủy": "Thuỷ",
    "khỏe": "khoẻ",
    "Ủy": "Uỷ",
    "ủy": "uỷ",
    "úy": "uý",
}
_OLD_RE = re.compile("|".join(sorted(_OLD_STYLE, key=len, reverse=True)))

_SLUG_MAP = str.maketrans({"đ": "d", "Đ": "d"})


def slugify(text: str) -> str:
    """ASCII slug the way Vietnamese CMSs make them ("Công an tỉnh" -> "cong-an-tinh")."""
    ascii_text = unicodedata.normalize("NFD", text.translate(_SLUG_MAP))
    ascii_text = "".join(c for c in ascii_text if not unicodedata.combining(c)).lower()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")


@dataclass(frozen=True)
class GeneratedArticle:
    """The text of one article, before any portal dresses it up."""

    title: str
    summary: str
    paragraphs: tuple[str, ...]
    category: int  # index into CATEGORIES
    tags: tuple[str, ...]
    author: str | None
    captions: tuple[str, ...]  # one per image
    attachment_titles: tuple[str, ...]
    old_style: bool

    @property
    def slug(self) -> str:
        return slugify(self.title)

    @property
    def body(self) -> str:
        return "\n\n".join(self.paragraphs)


def _person(rng: random.Random) -> str:
    return f"{rng.choice(SURNAMES)} {rng.choice(MIDDLES)} {rng.choice(GIVEN)}"


def generate_article(index: int, seed: str = "congan", *, categories: int = len(CATEGORIES)) -> GeneratedArticle:
    """Article number ``index`` of the stream named ``seed``; category is ``index % categories``."""
    rng = random.Random(f"{seed}:{index}")
    slots = {
        "crime": rng.choice(CRIMES),
        "place": rng.choice(PLACES),
        "unit": rng.choice(UNITS),
        "rank": rng.choice(RANKS),
        "person": _person(rng),
        "n": rng.randint(2, 60),
        "m": rng.randint(1, 9),
        "year": rng.randint(2017, 2025),
        "day": rng.randint(1, 28),
        "month": rng.randint(1, 12),
    }
    # The first articles of a stream use each title template once; later ones carry a number,
    # so titles (and the slugs made from them) never repeat within a stream.
    template = rng.choice(TITLE_TEMPLATES)
    if index < len(TITLE_TEMPLATES):
        rotation = sum(seed.encode()) % len(TITLE_TEMPLATES)  # streams start on different titles
        title = TITLE_TEMPLATES[(index + rotation) % len(TITLE_TEMPLATES)].format(**slots)
    else:
        title = f"{template.format(**slots)} (số {index + 1})"
    summary = rng.choice(SUMMARY_TEMPLATES).format(**slots)
    pool = rng.sample(SENTENCES, len(SENTENCES))  # each sentence at most once per article
    paragraphs = []
    for _ in range(rng.randint(4, 8)):
        take = min(rng.randint(2, 3), len(pool))
        if take < 1:
            break
        paragraphs.append(" ".join(s.format(**slots) for s in pool[:take]))
        del pool[:take]
    author = None if rng.random() < 0.2 else f"{rng.choice(MIDDLES)} {rng.choice(GIVEN)}"
    captions = tuple(rng.choice(IMAGE_CAPTIONS).format(**slots) for _ in range(rng.randint(1, 2)))
    attachments = (rng.choice(ATTACHMENT_TITLES).format(n=rng.randint(10, 999)),) if index % 4 == 1 else ()
    tags = tuple(sorted(rng.sample(TAGS, 2)))
    old_style = index % 3 == 2
    if old_style:
        title, summary = _old(title), _old(summary)
        paragraphs = [_old(p) for p in paragraphs]
        captions = tuple(_old(c) for c in captions)
    return GeneratedArticle(
        title=title,
        summary=summary,
        paragraphs=tuple(paragraphs),
        category=index % categories,
        tags=tags,
        author=author,
        captions=captions,
        attachment_titles=attachments,
        old_style=old_style,
    )


def _old(text: str) -> str:
    return _OLD_RE.sub(lambda m: _OLD_STYLE[m.group(0)], text)
