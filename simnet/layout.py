"""HTML pieces every simulated portal shares: the "Liên kết công an các tỉnh" block, footers,
share buttons, figures. Portals compose them into their own page shells."""

from __future__ import annotations

from html import escape

from .sites import NOT_SIMULATED, SITES, SiteSpec

LINKS_TITLE = "Liên kết công an các tỉnh"

#: Out-of-network links on every page (http, so a crawler that follows them is caught and logged).
OUTSIDE_LINKS: tuple[tuple[str, str], ...] = (
    ("http://bocongan.gov.vn/", "Cổng thông tin điện tử Bộ Công an"),
    ("http://cand.com.vn/", "Báo Công an nhân dân"),
)

_NOT_SIMULATED_NAMES = {"congan.caobang.gov.vn": "Cao Bằng", "congan.hagiang.gov.vn": "Hà Giang"}


def network_links(sites: tuple[SiteSpec, ...] = SITES) -> list[tuple[str, str]]:
    """(url, label) of every portal in the block, in a fixed order."""
    links = [(s.base, s.title) for s in sites]
    links += [(f"http://{d}", f"Công an tỉnh {_NOT_SIMULATED_NAMES[d]}") for d in NOT_SIMULATED]
    return links


def links_block(current: str, *, as_select: bool = False, sites: tuple[SiteSpec, ...] = SITES) -> str:
    links = [(u, t) for u, t in network_links(sites) if u.split("://", 1)[1] != current]
    if as_select:
        options = "".join(f'<option value="{u}">{escape(t)}</option>' for u, t in links)
        return (
            f'<div class="box-lienket"><h3>{LINKS_TITLE}</h3>'
            f'<select name="lienket" onchange="window.open(this.value)">'
            f'<option value="">-- {LINKS_TITLE} --</option>{options}</select></div>'
        )
    items = "".join(f'<li><a href="{u}" target="_blank">{escape(t)}</a></li>' for u, t in links)
    return f'<div class="lien-ket"><h3>{LINKS_TITLE}</h3><ul>{items}</ul></div>'


def footer(spec: SiteSpec) -> str:
    extra = "".join(f'<a href="{escape(p)}">{escape(t)}</a> | ' for p, t in spec.extra_links)
    outside = " | ".join(f'<a href="{u}" target="_blank">{escape(t)}</a>' for u, t in OUTSIDE_LINKS)
    return (
        f'<footer><p class="quick">{extra}</p><p class="outside">{outside}</p>'
        f"<p>© Bản quyền thuộc {escape(spec.title)}. Ghi rõ nguồn khi phát hành lại thông tin từ website "
        f"này.</p></footer>"
    )


def share_buttons(url: str) -> str:
    return (
        '<div class="share"><span>Chia sẻ:</span>'
        f'<a class="fb" href="http://www.facebook.com/sharer/sharer.php?u={escape(url)}">Facebook</a>'
        '<a class="print" href="javascript:window.print()">In bài</a></div>'
    )


def view_counter(index: int) -> str:
    return f'<span class="views">Lượt xem: {(index * 97) % 3000 + 120}</span>'


def paragraphs(paras: tuple[str, ...] | list[str]) -> str:
    return "".join(f"<p>{escape(p)}</p>" for p in paras)


def figure(url: str, caption: str) -> str:
    return (
        f'<figure class="image"><img src="{escape(url)}" alt="{escape(caption)}"><figcaption>'
        f'{escape(caption)}</figcaption></figure>'
    )


def table_figure(url: str, caption: str) -> str:
    """Image with caption in a table, the way CKEditor-based CMSs publish it."""
    return (
        '<table class="image" align="center"><tbody>'
        f'<tr><td><img src="{escape(url)}" alt="{escape(caption)}" width="600"></td></tr>'
        f'<tr><td class="image_desc"><em>{escape(caption)}</em></td></tr></tbody></table>'
    )


def related(items: list[tuple[str, str]], title: str = "Tin liên quan") -> str:
    if not items:
        return ""
    lis = "".join(f'<li><a href="{escape(u)}">{escape(t)}</a></li>' for u, t in items)
    return f'<div class="related"><h4>{title}</h4><ul>{lis}</ul></div>'
