"""Portals of unknown CMS: the family is recognised from the home page when it can be."""

from __future__ import annotations

import pytest

from scrapers.discovery.fingerprint import fingerprint


@pytest.mark.parametrize(
    ("html", "headers", "family"),
    [
        ('<meta name="generator" content="WordPress 6.4.3">', {}, "wordpress"),
        ('<link rel="stylesheet" href="/wp-content/themes/newspaper/style.css">', {}, "wordpress"),
        ('<meta name="generator" content="NukeViet v4.5">', {}, "nukeviet"),
        ('<META NAME="GENERATOR" CONTENT="DotNetNuke">', {}, "dotnetnuke"),
        ('<script src="/DesktopModules/cmsview/js/service.js"></script>', {}, "dotnetnuke"),
        ('<meta name="generator" content="Joomla! - Open Source Content Management">', {}, "joomla"),
        ("<html></html>", {"Liferay-Portal": "Liferay Portal Community Edition 6.2"}, "liferay"),
        ("<a href=\"javascript:__doPostBack('ctl00$pager','')\">2</a>", {}, "webforms"),
        ('<ul class="ArticleList"><li>x</li></ul>', {}, "vnpt"),
        ("<html><body><article><h1>Tin</h1></article></body></html>", {"Server": "nginx"}, None),
        ("", {}, None),
        ("<<<<", {}, None),
    ],
)
def test_signatures(html, headers, family):
    assert fingerprint(html, headers) == family
