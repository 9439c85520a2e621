"""The simulated network as data: one ``SiteSpec`` per portal, its faults and its second state.

Adding a portal means adding a ``SiteSpec`` here (and, for a new CMS family, a module under
``simnet/portals/``). simnet/README.md documents every entry.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CRAWLER_NOTE = "robots_disallowed in the access log is computed with the requesting User-Agent"


@dataclass(frozen=True)
class Fault:
    """A misbehaviour bound to one URL of one portal.

    ``path`` is the path+query as requested (origin form); ``article`` instead names an article
    index, resolved to its canonical path by the portal. ``hits`` bounds first-hit faults.
    """

    kind: str
    path: str | None = None
    article: int | None = None
    hits: int = 1
    target: str | None = None  # redirect target path (old_url, redirect_loop)


@dataclass(frozen=True)
class SiteSpec:
    domain: str
    province: str
    cms: str  # module name under simnet.portals
    status: str = "live"  # live | redirects_to:<domain> | down
    articles: int = 12
    categories: tuple[int, ...] = (0, 1)  # indices into content.CATEGORIES
    seed: str = ""
    id_base: int = 1000
    id_stride: int = 7
    page_size: int = 5
    gzip: bool = False
    chunked: bool = False
    nfd: bool = False
    robots: str | None = None  # None -> /robots.txt is 404
    faults: tuple[Fault, ...] = ()
    extra_links: tuple[tuple[str, str], ...] = ()  # (path, text) linked from every page footer
    new_in_state2: int = 0
    edited_in_state2: int | None = None  # article index whose title/body change in state 2
    deleted_in_state2: int | None = None  # article index answered 410 in state 2
    #: article index still served in state 2 but gone from every listing, sitemap, feed and API
    unlisted_in_state2: int | None = None
    fixed_dates: tuple[tuple[int, str], ...] = field(default=())  # (index, "YYYY-MM-DD HH:MM")
    scheme: str = "http"
    certificate: str | None = None  # tls.SELF_SIGNED | tls.MISSING_INTERMEDIATE for https portals
    unit: str = "Công an tỉnh"  # how the portal names its force ("Công an thành phố" for cities)
    group_id: int = 10181  # Liferay site group id (in /documents/<group>/... URLs)
    oversized_article: int | None = None  # article index that links the 50 MB PDF

    @property
    def base(self) -> str:
        return f"{self.scheme}://{self.domain}"

    @property
    def title(self) -> str:
        return f"{self.unit} {self.province}"


SITES: tuple[SiteSpec, ...] = (
    SiteSpec(
        domain="congan.hanoi.gov.vn",
        province="Hà Nội",
        cms="dnn",
        articles=16,
        unit="Công an thành phố",
        categories=(0, 1, 3),
        id_base=51230,
        id_stride=13,
        chunked=True,
        new_in_state2=1,
        faults=(
            Fault(
                "first_503", path="/DesktopModules/cmsview/api/NewsContent/listnew?CategoryId=2&PageIndex=2&PageSize=5"
            ),
        ),
    ),
    SiteSpec(
        domain="congan.sonla.gov.vn",
        province="Sơn La",
        cms="wordpress",
        articles=16,
        categories=(0, 2),
        id_base=2210,
        id_stride=3,
        gzip=True,
        new_in_state2=2,
        deleted_in_state2=15,
        robots=(
            "User-agent: *\nAllow: /wp-admin/admin-ajax.php\nDisallow: /wp-admin/\n"
            "Disallow: /tim-kiem/\nDisallow: /wp-content/uploads/private/\n\n"
            "User-agent: GPTBot\nDisallow: /\n\n"
            "Sitemap: http://congan.sonla.gov.vn/wp-sitemap.xml\n"
        ),
        extra_links=(("/wp-admin/", "Đăng nhập"), ("/tim-kiem/?s=ma+tuy", "Tìm kiếm")),
    ),
    SiteSpec(
        domain="congan.laichau.gov.vn",
        province="Lai Châu",
        cms="nukeviet",
        articles=14,
        categories=(1, 4),
        id_base=3401,
        id_stride=5,
        chunked=True,
        new_in_state2=1,
        edited_in_state2=13,
        robots="User-agent: *\nDisallow: /admin/\nDisallow: /search/\nDisallow: /users/\n",
        faults=(Fault("first_500", article=4),),
        extra_links=(("/search/?q=an+ninh", "Tìm kiếm"), ("/users/login/", "Đăng nhập")),
    ),
    SiteSpec(
        domain="congan.quangngai.gov.vn",
        province="Quảng Ngãi",
        cms="liferay",
        articles=12,
        categories=(0, 2),
        id_base=9231653,
        id_stride=11,
        group_id=8878324,
        oversized_article=3,
    ),
    SiteSpec(
        domain="congan.thuathienhue.gov.vn",
        province="Thừa Thiên Huế",
        cms="joomla",
        articles=12,
        categories=(0, 3),
        id_base=1814,
        id_stride=2,
        chunked=True,
        nfd=True,
        robots="User-agent: *\nDisallow: /administrator/\nDisallow: /cache/\nDisallow: /tmp/\n",
        faults=(Fault("gone", path="/index.php?option=com_content&view=article&id=1700&catid=8&Itemid=101"),),
        extra_links=(
            ("/index.php?option=com_content&view=article&id=1700&catid=8&Itemid=101", "Thông báo tuyển sinh (đã gỡ)"),
        ),
    ),
    SiteSpec(
        domain="congan.langson.gov.vn",
        province="Lạng Sơn",
        cms="webforms",
        articles=14,
        categories=(2, 0),
        id_base=9688,
        id_stride=4,
        faults=(Fault("first_503", article=2),),
    ),
    SiteSpec(
        domain="congan.laocai.gov.vn",
        province="Lào Cai",
        cms="vnpt",
        articles=16,
        categories=(0, 1, 5),
        id_base=7700,
        id_stride=9,
        gzip=True,
        fixed_dates=((12, "2024-05-02 08:50"),),
        faults=(
            Fault("first_429", path="/Ajax/ArticleList?cat=1&page=2"),
            Fault("reset_first", article=6),
        ),
        extra_links=(("/tin-tuc/bai-viet-khong-ton-tai-999999", "Bài viết cũ"),),
    ),
    SiteSpec(
        domain="congan.vinhphuc.gov.vn",
        province="Vĩnh Phúc",
        cms="custom",
        articles=6,
        categories=(0,),
        id_base=560,
        id_stride=1,
        page_size=6,
        robots="User-agent: *\nCrawl-delay: 1\nDisallow: /quan-tri/\n",
        extra_links=(("/quan-tri/dang-nhap.htm", "Quản trị"),),
    ),
    SiteSpec(
        domain="congan.danang.gov.vn",
        province="Đà Nẵng",
        cms="generic",
        articles=12,
        unit="Công an thành phố",
        categories=(0, 4),
        id_base=88100,
        id_stride=17,
        gzip=True,
        robots="User-agent: *\nDisallow: /bao-cao-noi-bo/\n",
        faults=(
            Fault("slow", article=5),
            Fault("old_url", path="/tin-cu/88117.html", article=1),
            Fault("redirect_loop", path="/vong-lap/a", target="/vong-lap/b"),
            Fault("redirect_loop", path="/vong-lap/b", target="/vong-lap/a"),
            Fault("broken_gzip", path="/gioi-thieu.html"),
        ),
        extra_links=(
            ("/tin-cu/88117.html", "Tin cũ"),
            ("/vong-lap/a", "Liên hệ"),
            ("/gioi-thieu.html", "Giới thiệu"),
            ("/lich-cong-tac?thang=2024-03", "Lịch công tác"),
            ("/bao-cao-noi-bo/2024.html", "Báo cáo nội bộ"),
        ),
    ),
    SiteSpec(
        domain="congan.daklak.gov.vn",
        province="Đắk Lắk",
        cms="liferay",
        articles=4,
        categories=(0,),
        id_base=31500,
        id_stride=3,
        scheme="https",
        certificate="self_signed",
    ),
    SiteSpec(
        domain="congan.camau.gov.vn",
        province="Cà Mau",
        cms="generic",
        articles=4,
        categories=(1,),
        id_base=7679,
        id_stride=2,
        scheme="https",
        certificate="missing_intermediate",
        gzip=True,
    ),
    SiteSpec(
        domain="congan.quangnam.gov.vn",
        province="Quảng Nam",
        cms="redirect",
        status="redirects_to:congan.danang.gov.vn",
        articles=0,
    ),
    SiteSpec(domain="congan.backan.gov.vn", province="Bắc Kạn", cms="down", status="down", articles=0),
)

#: Real portals linked from the block but not simulated: answered 502 "not simulated".
NOT_SIMULATED: tuple[str, ...] = ("congan.caobang.gov.vn", "congan.hagiang.gov.vn")

#: Outside the network: linked from every page, answered 502 and logged out_of_network.
OUTSIDE_HOSTS: tuple[str, ...] = ("bocongan.gov.vn", "cand.com.vn", "www.facebook.com", "facebook.com")

#: Dates of the network (Asia/Ho_Chi_Minh): articles span these, state 2 continues after.
FIRST_DATE = "2017-09-19 07:30"
LAST_DATE = "2025-06-28 16:00"


def network(https: bool = True) -> tuple[SiteSpec, ...]:
    """The portals of a network run; ``https=False`` leaves out the HTTPS ones (see README)."""
    return tuple(s for s in SITES if https or s.scheme == "http")


def site(domain: str) -> SiteSpec | None:
    for spec in SITES:
        if spec.domain == domain:
            return spec
    return None
