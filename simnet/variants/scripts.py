"""The portal's own JavaScript, served at ``SCRIPT_PATH`` to variants whose content is filled in
by scripts (JSON listings, "Xem thêm" fragments, shell articles), so that a real browser shows
what a reader sees: ``$.getJSON``/``$.get`` (a jQuery-like subset), ``loadNews``/``loadMore``
(the JSON listing, with this portal's own parameter and field names), the "Xem thêm" handler
(fetches ``data-url``, appends the fragment, the next button included) and ``render`` (fills a
shell article from the detail API). Plain ES5, no dependency, nothing outside the portal."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .style import Style

SCRIPT_PATH = "/scripts/portal.js"

_JS = r"""(function(){
var F = %(fields)s;
function qs(o){
  var p = [];
  for (var k in o) { if (o.hasOwnProperty(k)) p.push(encodeURIComponent(k) + '=' + encodeURIComponent(o[k])); }
  return p.join('&');
}
function get(url, params, cb, asJson){
  var q = params ? qs(params) : '';
  var x = new XMLHttpRequest();
  x.open('GET', url + (q ? (url.indexOf('?') < 0 ? '?' : '&') + q : ''), true);
  x.onload = function(){ cb(asJson ? JSON.parse(x.responseText || 'null') : x.responseText); };
  x.send();
}
function esc(s){return String(s).replace(/&/g,'&amp;').replace(/</g,'&lt;').replace(/"/g,'&quot;');}
window.$ = window.jQuery = {
  getJSON: function(u, p, cb){ get(u, p, cb, true); },
  get: function(u, p, cb){ get(u, p, cb, false); }
};
var state = null;
window.loadNews = function(api, params){
  state = {api: api, params: params, done: false};
  var box = document.querySelector('[data-api]');
  get(api, params, function(d){
    var rows = (d && d[F.list]) || [];
    if (String(params[F.page]) === '1') box.innerHTML = '';
    for (var i = 0; i < rows.length; i++) {
      var link = '<a href="' + esc(rows[i][F.url]) + '">' + esc(rows[i][F.title]) + '</a>';
      box.insertAdjacentHTML('beforeend', '<div class="item">' + link + '</div>');
    }
    if (!rows.length) state.done = true;
  }, true);
};
window.loadMore = function(){
  if (!state || state.done) return;
  state.params[F.page] = parseInt(state.params[F.page], 10) + 1;
  loadNews(state.api, state.params);
};
window.render = function(d){
  var it = d && d.Data; if (!it) return;
  var h = document.querySelector('h1'); if (h) h.textContent = it.Title;
  var c = document.querySelector('[ng-bind-html]'); if (c) c.innerHTML = it.Content;
};
document.addEventListener('click', function(e){
  var b = e.target.closest ? e.target.closest('a.btn-more[data-url]') : null;
  if (!b) return;
  e.preventDefault();
  var list = document.querySelector('ul.' + F.listClass);
  get(b.getAttribute('data-url'), null, function(h){
    var holder = b.closest('li.more') || b;
    holder.parentNode.removeChild(holder);
    if (h && list) list.insertAdjacentHTML('beforeend', h);
  }, false);
});
})();
"""


def needs_script(style: Style) -> bool:
    return style.link_mode in ("json", "more") or style.shell


def portal_script(style: Style) -> str:
    list_f, url_f, title_f, _ = style.api_fields
    fields = {"list": list_f, "url": url_f, "title": title_f, "page": style.api_page, "listClass": style.list_class}
    return _JS % {"fields": json.dumps(fields)}
