"""Extraction profile: ASP.NET WebForms portals (``ContentPlaceHolder1_*`` controls).

Often windows-1258, declared by a ``<meta http-equiv>`` only; the date is a label with the
day only; the lead is ``p.sapo`` inside the content panel; captions in ``div.chuthich``;
the author signs the last paragraph ("Lan Hương - Công an tỉnh"); files in ``.attach``."""

from __future__ import annotations

from . import Profile

PROFILE = Profile(
    name="webforms",
    title=("#ContentPlaceHolder1_lblTitle", "h1.title-detail", "[id$='lblTitle']"),
    summary=("#ContentPlaceHolder1_pnContent .sapo", ".content-detail .sapo", "[id$='lblSapo']"),
    published=("#ContentPlaceHolder1_lblDate", "[id$='lblDate']", ".date"),
    author=("[id$='lblAuthor']",),
    category=(".breadcrumb a",),
    body=("#ContentPlaceHolder1_pnContent", ".content-detail", "[id$='pnContent']"),
    attachments=(".attach",),
    image_caption=(".chuthich", "figcaption", ".caption", ".image_desc"),
    noise=(".sapo",),
)
