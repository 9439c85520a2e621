"""pywb's configuration, generated from the data directory.

``write_config`` writes ``DataDir.replay_dir/config.yaml``: one pywb collection per
``collections/<c>/`` (its ``indexes/`` of sorted CDXJ and its ``archive/`` of WARCs, as the
crawler writes them) and the access rules as a pywb ACL file (``acl/access-rules.aclj``).
The file is JSON, which is YAML too, so the project needs no YAML library.

``write_acl`` rewrites only the ACL file; pywb reads it on every lookup, so a rule added
with ``congan access add`` holds in a replay server that is already running.

pywb speaks Vietnamese: its own templates through its i18n support (``locales: [vi]``, the
catalog ``i18n/vi/LC_MESSAGES/messages.po`` beside this module, compiled into
``replay/i18n/`` by ``launch.py`` with Babel), and the replay banner is ours
(``templates/custom_banner.html``, copied into ``replay/templates/`` where pywb looks first).

One limit of pywb's ACL format: a rule carries at most one date bound (``before`` or
``after``). A rule with both ``--since`` and ``--until`` is written with its ``--since``
bound only, so replay hides matching captures from ``--since`` on (more than the range,
never less); search and export apply the exact range.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from ..access import AccessRule, AccessRules, range_end, range_start
from ..atomic import write_atomic
from ..errors import UserInputError
from ..paths import DEFAULT_COLLECTION, DataDir
from ..times import timestamp14

logger = logging.getLogger(__name__)

ACL_FILE = "access-rules.aclj"
#: the project's pywb templates (the banner) and translation catalogs (.po), beside this module
TEMPLATES = Path(__file__).with_name("templates")
CATALOGS = Path(__file__).with_name("i18n")
#: the language of pywb's pages and banner
LOCALE = "vi"
#: pywb marks an exact-URL ACL key with this suffix (pywb AccessChecker.EXACT_SUFFIX)
EXACT_SUFFIX = "###"


@dataclass(frozen=True)
class ReplayConfig:
    """What was generated: the config file, the ACL file, the collections served."""

    config_path: Path
    acl_path: Path
    collections: tuple[str, ...]
    #: where launch.py compiles the catalogs and pywb loads them (``locales_root_dir``)
    locales_dir: Path | None = None


def acl_line(rule: AccessRule) -> str:
    """One pywb ACL line (``<surt key>[###] - {json}``) for a rule."""
    key = rule.key + (EXACT_SUFFIX if rule.match == "exact" else "")
    fields: dict[str, str] = {"access": rule.kind, "url": rule.target}
    if rule.since:
        # pywb: rule applies when capture > after; captures have whole seconds
        fields["after"] = timestamp14(range_start(rule.since) - timedelta(seconds=1))
    elif rule.until:
        # pywb: rule applies when capture < before
        end = range_end(rule.until)
        if end.microsecond:
            end = end.replace(microsecond=0) + timedelta(seconds=1)
        fields["before"] = timestamp14(end)
    return f"{key} - {json.dumps(fields, ensure_ascii=False)}"


def acl_text(rules: AccessRules) -> str:
    """The whole ACL file: lines sorted in reverse, as pywb's binary search expects."""
    lines = sorted((acl_line(rule) for rule in rules), key=lambda line: line.encode("utf-8"), reverse=True)
    return "".join(line + "\n" for line in lines)


def acl_path(data: DataDir) -> Path:
    return data.replay_dir / "acl" / ACL_FILE


def write_acl(data: DataDir, rules: AccessRules | None = None) -> Path:
    """(Re)write the pywb ACL file from the access rules."""
    rules = rules if rules is not None else AccessRules.load(data)
    path = acl_path(data)
    write_atomic(path, acl_text(rules))
    logger.debug("wrote %s access rules to %s", len(rules), path)
    return path


def served_collections(data: DataDir, wanted: str = DEFAULT_COLLECTION) -> tuple[str, ...]:
    """Every collection of the data directory that has an ``indexes/`` folder; ``wanted``
    must be one of them."""
    found = sorted(
        path.name for path in data.collections.glob("*") if (path / "indexes").is_dir()
    ) if data.collections.is_dir() else []
    if wanted not in found:
        known = ", ".join(found) if found else "none yet"
        raise UserInputError(
            f"no collection {wanted!r} in {data.root} (collections: {known}); "
            "crawl first (congan crawl) or pass --collection"
        )
    return tuple(found)


def locales_dir(data: DataDir) -> Path:
    return data.replay_dir / "i18n"


def pywb_config(data: DataDir, collections: tuple[str, ...], acl: Path) -> dict[str, object]:
    """pywb's settings: fixed collections, unframed replay with banner, memento on, in Vietnamese."""
    return {
        "locales": [LOCALE],
        "default_locale": LOCALE,
        "locales_root_dir": str(locales_dir(data)),
        "debug": False,
        "enable_auto_colls": False,
        "framed_replay": False,
        "enable_memento": True,
        # an inexact timestamp redirects to the closest capture's own address
        "redirect_to_exact": True,
        "collections": {
            name: {
                "index_paths": str(data.index_dir(name)) + os.sep,
                "archive_paths": str(data.warc_dir(name)) + os.sep,
                "acl_paths": [str(acl)],
                "default_access": "allow",
            }
            for name in collections
        },
    }


def write_config(data: DataDir, collection: str = DEFAULT_COLLECTION) -> ReplayConfig:
    """Write ``replay/config.yaml`` and the ACL file for the data directory."""
    collections = served_collections(data, collection)
    acl = write_acl(data)
    config_path = data.replay_dir / "config.yaml"
    text = json.dumps(pywb_config(data, collections, acl), ensure_ascii=False, indent=2) + "\n"
    write_atomic(config_path, text)
    templates = data.replay_dir / "templates"
    templates.mkdir(parents=True, exist_ok=True)
    for template in TEMPLATES.glob("*.html"):
        shutil.copyfile(template, templates / template.name)
    return ReplayConfig(config_path=config_path, acl_path=acl, collections=collections,
                        locales_dir=locales_dir(data))
