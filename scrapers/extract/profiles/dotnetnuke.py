"""Extraction profile: DotNetNuke portals (``DesktopModules/cmsview``).

Articles come two ways: the AngularJS page (``/tin-tuc/...``), whose HTML view repeats the
fields, and the JSON API ``/DesktopModules/cmsview/api/NewsContent/getbyid?id=N`` (content
type application/json), whose key names vary between installations: every known spelling
is listed, first found wins.
"""

from __future__ import annotations

from . import JsonFields, Profile

PROFILE = Profile(
    name="dotnetnuke",
    title=(".news-detail h1", ".cmsview-detail h1", ".tieude", "h1.title", "h1"),
    summary=(".news-detail .sapo", ".cmsview-detail .summary", ".tomtat", ".sapo", ".summary"),
    published=(".news-detail .date", ".cmsview-detail .date", ".ngaydang", ".date"),
    author=(".news-detail .author", ".cmsview-detail .author", ".tacgia", ".author"),
    category=(".news-detail .category", ".breadcrumb a", ".breadcrumb li"),
    tags=(".tags a",),
    body=(".news-detail .content", ".cmsview-detail .content", ".noidung", ".content"),
    noise=(".sapo", ".summary", ".date", ".author"),
    json=JsonFields(
        record=("d", "data", "Data", "result", "Result", "item", "Item", ""),
        title=("Title", "TieuDe", "Name", "Headline"),
        summary=("Summary", "TomTat", "MoTa", "Description", "Sapo"),
        body_html=("Content", "NoiDung", "Body", "Detail", "ChiTiet", "Html"),
        published=("PublishDate", "PublishedDate", "NgayDang", "NgayXuatBan", "CreatedDate", "CreateDate", "Date"),
        modified=("ModifiedDate", "LastModifiedOnDate", "NgayCapNhat", "UpdatedDate"),
        author=("Author", "TacGia", "AuthorName", "CreatedByName"),
        category=("CategoryName", "ChuyenMuc", "Category.Name", "Category", "CatName"),
        tags=("Tags", "Keywords", "TuKhoa"),
        image=("Image", "ImageUrl", "AnhDaiDien", "Thumbnail"),
        url=("Url", "Link", "FriendlyUrl"),
        attachments=("Attachments", "Files", "TepDinhKem"),
    ),
)
