"""Articles served as JSON (DotNetNuke ``cmsview`` ``getbyid?id=N`` and the like).

The profile's :class:`~.profiles.JsonFields` names the key paths of each field (dotted,
case-insensitive, tried in order); the body is HTML inside the JSON and goes through the
same body processing as a page.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from .profile import JsonFields

JSON_CONTENT_TYPES = ("application/json", "text/json", "+json")


#: the key names news APIs commonly use, for a JSON article no profile describes
GENERIC_JSON = JsonFields(
    record=("Data", "data", "Item", "item", "Article", "article", "Result", "result", "d", ""),
    title=("Title", "TieuDe", "Headline", "Name", "Subject"),
    summary=("Summary", "Sapo", "Description", "TomTat", "Lead", "Abstract"),
    body_html=("Content", "Body", "NoiDung", "ContentHtml", "Detail", "HtmlContent", "Text"),
    published=("PublishDate", "PublishedDate", "DatePublished", "NgayDang", "CreatedDate", "Date", "PostDate"),
    modified=("ModifiedDate", "UpdatedDate", "DateModified", "LastModified"),
    author=("Author", "TacGia", "AuthorName", "CreatedBy", "Writer"),
    category=("CategoryName", "Category.Name", "Category", "ChuyenMuc", "ZoneName", "Section"),
    tags=("Tags", "Keywords", "TuKhoa"),
    image=("Image", "Avatar", "Thumbnail", "ImageUrl", "AnhDaiDien"),
    url=("Url", "Link", "FriendlyUrl", "DetailUrl", "Href"),
    attachments=("Attachments", "Files", "TepDinhKem", "Documents"),
)


def looks_like_json(body: bytes, content_type: str | None) -> bool:
    if content_type and any(kind in content_type.lower() for kind in JSON_CONTENT_TYPES):
        return True
    head = body.lstrip()[:1]
    return head in (b"{", b"[")


def _lookup(obj: Any, path: str) -> Any:
    if not path:
        return obj
    for key in path.split("."):
        if isinstance(obj, list):
            if not key.isdigit() or int(key) >= len(obj):
                return None
            obj = obj[int(key)]
        elif isinstance(obj, dict):
            if key in obj:
                obj = obj[key]
            else:
                folded = {str(k).lower(): v for k, v in obj.items()}
                obj = folded.get(key.lower())
        else:
            return None
        if obj is None:
            return None
    return obj


def first(obj: Any, paths: tuple[str, ...]) -> Any:
    for path in paths:
        value = _lookup(obj, path)
        if value not in (None, "", [], {}):
            return value
    return None


@dataclass(frozen=True)
class JsonArticle:
    record: dict[str, Any]
    fields: JsonFields

    def get(self, name: str) -> Any:
        return first(self.record, getattr(self.fields, name))


def load_json_article(text: str, fields: JsonFields) -> JsonArticle | None:
    """The article object inside a JSON document, or None if it is not one."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    record = first(data, fields.record)
    if isinstance(record, list) and record:
        record = record[0]
    if not isinstance(record, dict):
        return None
    return JsonArticle(record=record, fields=fields)
