"""Which CSS selectors cannot match a page, known without running them.

Profiles try many selectors per field, and most miss on any one page; each miss is a walk
over the whole tree. A selector that needs a class, an id or an attribute value (``.sapo``, ``#content``,
``[class*='author']``, ``meta[property="og:title"]``) cannot match a page where no such
attribute contains that text, which one look at the page's attribute values tells
(:func:`may_match`). The test is
conservative: a selector it cannot read (a group, parentheses) is always run.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

from lxml import etree

_PARENS = re.compile(r"\([^()]*\)")
_BRACKETS = re.compile(r"\[[^\[\]]*\]")
#: ``[class*='x']``, ``[property="og:title"]``, ``[itemprop=x]``: the attribute must contain ``x``
_ATTR_NEEDS = re.compile(r"""\[\s*([a-zA-Z][\w-]*)\s*[*~^$|]?=\s*["']?([^"'\]]+?)["']?\s*\]""")
_CLASS_NEEDS = re.compile(r"\.(-?[_a-zA-Z\u00a0-\uffff][\w-]*)")
_ID_NEEDS = re.compile(r"#(-?[_a-zA-Z\u00a0-\uffff][\w-]*)")

@lru_cache(maxsize=64)
def _query(path: str) -> etree.XPath:
    """Attribute values as plain strings (no link back to their elements: far cheaper)."""
    return etree.XPath(path, smart_strings=False)


#: attributes looked up together
_NAMES = ("class", "id")


#: how many documents' attribute values are kept (the page, and the copy of its body block)
RECENT_PAGES = 4


class _RecentPages(threading.local):
    """The last documents looked at (per thread): each one's root element and the values of
    each attribute asked about (one string per attribute). Extraction goes back and forth
    between a page and the copy of its body block, so a few are kept; the last element
    asked about is remembered (most calls ask about the same one)."""

    def __init__(self) -> None:
        self.pages: list[tuple[etree._Element, dict[str, str]]] = []
        self.asked: etree._Element | None = None
        self.seen: dict[str, str] = {}
        self.page: etree._Element | None = None

    def _switch(self, root: etree._Element) -> None:
        self.asked = root
        top = root.getroottree().getroot()
        if top is self.page:
            return
        for page, seen in self.pages:
            if page is top:
                self.page, self.seen = page, seen
                return
        self.page, self.seen = top, {}
        self.pages = [(top, self.seen), *self.pages[: RECENT_PAGES - 1]]

    def values(self, root: etree._Element, attr: str) -> str:
        if root is not self.asked:
            self._switch(root)
        values = self.seen.get(attr)
        return values if values is not None else self._load(root, attr)

    def _load(self, root: etree._Element, attr: str) -> str:
        if attr not in self.seen:
            page = self.page if self.page is not None else root
            # one walk for both names: a class-or-id text is searched in both (still conservative)
            query = _query("//@class | //@id" if attr in _NAMES else f"//@{attr}")
            self.seen[attr] = "\n".join(query(page)).casefold()
            if attr in _NAMES:
                self.seen.update(dict.fromkeys(_NAMES, self.seen[attr]))
        return self.seen[attr]


_LAST = _RecentPages()


@lru_cache(maxsize=2048)
def needs(css: str) -> tuple[tuple[str, str], ...] | None:
    """``(attribute, text)`` pairs a match needs, or None when the selector is not read."""
    if "," in css or "(" in css:
        return None  # a group, or :not()/:nth-child(): run it
    found = [(attr.lower(), value.casefold()) for attr, value in _ATTR_NEEDS.findall(css)]
    bare = _BRACKETS.sub(" ", _PARENS.sub(" ", css))
    found += [("class", value.casefold()) for value in _CLASS_NEEDS.findall(bare)]
    found += [("id", value.casefold()) for value in _ID_NEEDS.findall(bare)]
    return tuple(found)


def may_match(root: etree._Element, css: str) -> bool:
    """False only when ``css`` cannot match anything in ``root``'s document (``root`` may be
    a part of it: what its document lacks, it lacks too)."""
    wanted = needs(css)
    if not wanted:
        return True  # nothing to test
    for attr, text in wanted:  # noqa: SIM110 (a loop: all() over a generator costs more, run per selector)
        if text not in _LAST.values(root, attr):
            return False
    return True
