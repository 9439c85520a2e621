"""What the web pages say: Vietnamese, plain words, one date style.

Messages of ``archive`` are written for the command line (English, option names); a page
shows their Vietnamese meaning instead (``vietnamese``), never an option or a command. The
JSON API keeps the original messages. Times on pages are ``dd/mm/yyyy HH:MM`` in Vietnam
time (``vn_datetime``); ISO 8601 is for the API only.
"""

from __future__ import annotations

import re
from datetime import datetime

from archive.times import VN_TZ

#: (pattern of an archive message, its Vietnamese wording with the pattern's groups)
MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), text)
    for pattern, text in (
        (r"^query is (\d+) characters long; shorten it to at most (\d+)",
         "Từ khóa dài {0} ký tự; hãy rút gọn còn tối đa {1} ký tự."),
        (r"^unbalanced quote", "Thiếu dấu ngoặc kép đóng: hãy thêm một dấu \" để kết thúc cụm từ."),
        (r"^too many words in the query; use at most (\d+)", "Từ khóa có quá nhiều từ; hãy dùng tối đa {0} từ."),
        (r"^the query only excludes words", "Từ khóa chỉ có từ loại trừ (dấu -): hãy thêm ít nhất một từ cần tìm."),
        (r"^OR must stand between two words", "Chữ OR phải đứng giữa hai từ, ví dụ: ma túy OR cờ bạc."),
        (r"^OR cannot join an exclusion", "Không dùng OR với từ loại trừ; muốn loại cả hai từ, hãy viết -a -b."),
        (r"^unknown sort", "Cách sắp xếp này không có; hãy chọn “Liên quan nhất” hoặc “Mới nhất”."),
        (r"^limit must be between 1 and (\d+)", "Số kết quả mỗi trang phải từ 1 đến {0}."),
        (r"^page must be 1 or more", "Số trang phải từ 1 trở lên."),
        (r"^page and limit must be whole numbers", "Số trang phải là một số nguyên, ví dụ 2."),
        (r"^--since (.+) is after --until (.+)$",
         "Ngày bắt đầu ({0}) sau ngày kết thúc ({1}): hãy đổi chỗ hai ngày."),
        (r"^cannot read the date '(.*)'",
         "Không hiểu ngày “{0}”: hãy viết theo dạng ngày/tháng/năm, ví dụ 05/03/2024."),
        (r"^the date '(.*)' does not exist", "Ngày “{0}” không có trên lịch: hãy kiểm tra ngày và tháng."),
    )
)
#: when the archive cannot be read (no search index yet, a damaged one)
UNAVAILABLE = ("Kho lưu trữ chưa sẵn sàng để tìm kiếm: chỉ mục tìm kiếm chưa được tạo hoặc đang hỏng. "
               "Hãy báo người quản trị kho lưu trữ để dựng lại chỉ mục.")
#: any other bad request
BAD_REQUEST = "Yêu cầu này không hợp lệ; hãy thử lại từ trang tìm kiếm."


def vietnamese(message: str) -> str:
    """The Vietnamese wording of a user error of ``archive`` (a generic one when unknown)."""
    for pattern, text in MESSAGES:
        found = pattern.search(message)
        if found:
            return text.format(*found.groups())
    return BAD_REQUEST


def vn_datetime(value: str | datetime | None) -> str:
    """``2024-03-05T01:00:00Z`` -> ``05/03/2024 08:00`` (Vietnam time); a bare day -> ``05/03/2024``."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        if len(value) == 10 and value[4] == "-":
            return f"{value[8:10]}/{value[5:7]}/{value[0:4]}"
        try:
            moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    else:
        moment = value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    return moment.astimezone(VN_TZ).strftime("%d/%m/%Y %H:%M")


def month_label(month: str) -> str:
    """``2024-03`` -> ``03/2024``."""
    return f"{month[5:7]}/{month[0:4]}"
