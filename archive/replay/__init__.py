"""Replay of the WARC collections with pywb, run from its own venv (never imported here).

- ``env``: pywb's isolated venv (pinned version), created by ``make setup`` or on first use;
- ``config``: pywb's config and ACL file generated from the data directory;
- ``launch``: the script pywb's interpreter runs (header guard + gevent server);
- ``server``: ``ReplayServer``, start/stop of that process;
- ``urls``: replay addresses for whoever links to a capture (and ``congan serve``'s, for the banner);
- ``banner``: the Vietnamese banner's helpers, run inside pywb (``templates/custom_banner.html``,
  catalogs in ``i18n/``).
"""
