"""Access rules: block or exclude a URL or URL prefix, optionally for a date range.

Takedown requests happen; archivists answer them with a rule, kept in
``DataDir.access_rules`` (``access/rules.json``). The same rules hold everywhere:

- replay: ``archive.replay.config`` turns them into a pywb ACL file (``.aclj``);
- search and export: ``AccessRules.load(data_dir).allows(url, timestamp)``.

Kinds follow pywb: ``exclude`` makes a capture disappear as if it had never been made (not
listed, not replayed, not searchable); ``block`` keeps it listed in replay's capture list
but refuses to show it (HTTP 451), and hides it from search and export.

Matching follows pywb too, so that replay and search agree: URLs compare by their SURT key
(``http://www.congan.hanoi.gov.vn/a`` and ``https://congan.hanoi.gov.vn/a`` are the same URL);
the most specific rule wins (an exact-URL rule, else the longest matching prefix), and only
that rule decides. A rule with a date range applies to captures made inside the range;
outside it the capture is allowed.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import surt

from .atomic import write_json_atomic
from .errors import DataDirError, UserInputError
from .paths import DataDir
from .times import TIMESTAMP_RE, VN_TZ, parse_timestamp14

logger = logging.getLogger(__name__)

RULES_VERSION = 1
KINDS = ("block", "exclude")
MATCHES = ("exact", "prefix")

_DAY_FIRST = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO_DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")


# -- dates ------------------------------------------------------------------------------


def parse_rule_date(text: str, option: str) -> str:
    """Normalise a ``--since``/``--until`` value.

    Accepts ``YYYY-MM-DD``, day-first ``DD/MM/YYYY`` (a day in Asia/Ho_Chi_Minh) or an ISO
    8601 date-time (``+07:00`` assumed when it has no offset). Returns ``YYYY-MM-DD`` for a
    day, else an ISO date-time with its offset.
    """
    value = text.strip()
    match = _DAY_FIRST.match(value)
    try:
        if match:
            day, month, year = (int(part) for part in match.groups())
            return date(year, month, day).isoformat()
        if _ISO_DAY.match(value):
            return date.fromisoformat(value).isoformat()
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise UserInputError(
            f"{option} {text!r} is not a date: use YYYY-MM-DD, DD/MM/YYYY or an ISO date-time"
        ) from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=VN_TZ)
    return moment.isoformat()


def range_start(value: str) -> datetime:
    """The first instant a normalised rule date covers."""
    if _ISO_DAY.match(value):
        return datetime.combine(date.fromisoformat(value), time(0), tzinfo=VN_TZ)
    return datetime.fromisoformat(value)


def range_end(value: str) -> datetime:
    """The first instant after what a normalised ``until`` covers (days are inclusive)."""
    if _ISO_DAY.match(value):
        return datetime.combine(date.fromisoformat(value) + timedelta(days=1), time(0), tzinfo=VN_TZ)
    return datetime.fromisoformat(value) + timedelta(microseconds=1)


def capture_time(timestamp: datetime | str) -> datetime:
    """A capture time as an aware datetime.

    Strings are WARC/CDXJ timestamps (``YYYYMMDDhhmmss``, UTC, may be shortened) or ISO 8601;
    naive datetimes are taken as UTC, as WARC dates are.
    """
    if isinstance(timestamp, datetime):
        return timestamp if timestamp.tzinfo else timestamp.replace(tzinfo=UTC)
    text = timestamp.strip()
    if TIMESTAMP_RE.match(text):
        try:
            return parse_timestamp14(text)
        except ValueError:
            raise UserInputError(f"timestamp {timestamp!r} is not a valid YYYYMMDDhhmmss") from None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise UserInputError(f"timestamp {timestamp!r} is neither YYYYMMDDhhmmss nor ISO 8601") from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# -- URL keys ---------------------------------------------------------------------------


def url_key(url: str) -> str:
    """The SURT key pywb uses for a URL (``vn,gov,hanoi,congan)/tin-tuc``).

    Also the key of a prefix: a bare host becomes ``host)/`` (the whole host), and a prefix
    with a path covers everything that starts with it (``/tin-tuc`` covers ``/tin-tuc-moi``),
    as pywb's prefix rules do. SURT drops a trailing slash, so the prefix ``/tin-tuc/`` also
    covers the page ``/tin-tuc`` itself (and ``/tin-tuc-moi``: wider, never narrower)."""
    value = url.strip()
    if "://" not in value:
        value = "http://" + value
    key: str = surt.surt(value)
    return key


# -- rules ------------------------------------------------------------------------------


@dataclass(frozen=True)
class AccessRule:
    """One rule. ``target`` is the URL or prefix as the archivist typed it."""

    id: int
    target: str
    match: str  # "exact" | "prefix"
    kind: str  # "block" | "exclude"
    since: str | None = None  # normalised: YYYY-MM-DD or ISO date-time
    until: str | None = None
    reason: str | None = None
    created: str | None = None

    def __post_init__(self) -> None:
        if self.match not in MATCHES:
            raise UserInputError(f"rule match {self.match!r} must be one of {', '.join(MATCHES)}")
        if self.kind not in KINDS:
            raise UserInputError(f"--kind {self.kind!r} must be one of {', '.join(KINDS)}")
        if self.since and self.until and range_start(self.since) >= range_end(self.until):
            raise UserInputError(f"--since {self.since} is after --until {self.until}: swap them")

    @property
    def key(self) -> str:
        """The SURT key the rule is filed under (pywb ACL key without the exact suffix)."""
        return url_key(self.target)

    def covers_url(self, key: str) -> bool:
        return key == self.key if self.match == "exact" else key.startswith(self.key)

    def covers_time(self, timestamp: datetime | str | None) -> bool:
        """Whether a capture made at ``timestamp`` falls in the rule's date range.

        Without a timestamp a dated rule is taken to apply (search and export hide what
        they cannot prove is outside a takedown)."""
        if not self.since and not self.until:
            return True
        if timestamp is None:
            return True
        moment = capture_time(timestamp)
        if self.since and moment < range_start(self.since):
            return False
        return not (self.until and moment >= range_end(self.until))

    def to_json(self) -> dict[str, object]:
        return asdict(self)


@dataclass(frozen=True)
class AccessRules:
    """The rule set of one data directory (immutable; ``add``/``remove`` return a new one)."""

    rules: tuple[AccessRule, ...] = ()
    path: Path | None = None

    @classmethod
    def load(cls, data_dir: DataDir | Path | str) -> AccessRules:
        """The rules of a data directory (none when the file does not exist yet)."""
        path = _rules_path(data_dir)
        if not path.exists():
            return cls((), path)
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            rules = tuple(AccessRule(**item) for item in raw.get("rules", []))
        except (OSError, ValueError, TypeError) as exc:
            raise DataDirError(
                f"cannot read access rules {path}: {exc}; fix or delete the file, then re-add the rules"
            ) from None
        return cls(rules, path)

    def save(self) -> Path:
        """Write the rules atomically; returns the path written."""
        if self.path is None:
            raise DataDirError("these access rules have no file: load them with AccessRules.load(data_dir)")
        payload = {"version": RULES_VERSION, "rules": [rule.to_json() for rule in self.rules]}
        return write_json_atomic(self.path, payload)

    def add(
        self,
        target: str,
        *,
        prefix: bool = False,
        kind: str = "exclude",
        since: str | None = None,
        until: str | None = None,
        reason: str | None = None,
    ) -> tuple[AccessRules, AccessRule]:
        """A rule set with one more rule; a rule for the same URL/prefix is replaced
        (pywb applies one rule per key, so two could not both hold)."""
        target = target.strip()
        if not target:
            raise UserInputError("give a URL or URL prefix to add a rule for")
        match = "prefix" if prefix else "exact"
        rule = AccessRule(
            id=max((r.id for r in self.rules), default=0) + 1,
            target=target,
            match=match,
            kind=kind,
            since=parse_rule_date(since, "--since") if since else None,
            until=parse_rule_date(until, "--until") if until else None,
            reason=reason,
            created=datetime.now(VN_TZ).replace(microsecond=0).isoformat(),
        )
        kept = []
        for old in self.rules:
            if old.match == rule.match and old.key == rule.key:
                rule = replace(rule, id=old.id)
                logger.info("access rule %s for %s replaced", old.id, old.target)
            else:
                kept.append(old)
        kept.append(rule)
        return replace(self, rules=tuple(sorted(kept, key=lambda r: r.id))), rule

    def remove(self, target: str, *, prefix: bool = False) -> tuple[AccessRules, AccessRule]:
        """A rule set without the rule given by its id or its URL/prefix."""
        target = target.strip()
        if target.isdigit():
            found = [r for r in self.rules if r.id == int(target)]
        else:
            match = "prefix" if prefix else "exact"
            key = url_key(target)
            found = [r for r in self.rules if r.match == match and r.key == key]
        if not found:
            hint = "" if prefix or target.isdigit() else " (a prefix rule needs --prefix)"
            raise UserInputError(f"no access rule for {target!r}{hint}: see `congan access list`")
        return replace(self, rules=tuple(r for r in self.rules if r is not found[0])), found[0]

    def rule_for(self, url: str) -> AccessRule | None:
        """The rule that decides for ``url``: the exact rule, else the longest prefix."""
        key = url_key(url)
        best: AccessRule | None = None
        for rule in self.rules:
            if not rule.covers_url(key):
                continue
            if rule.match == "exact":
                return rule
            if best is None or len(rule.key) > len(best.key):
                best = rule
        return best

    def allows(self, url: str, timestamp: datetime | str | None = None) -> bool:
        """Whether a capture of ``url`` made at ``timestamp`` may be shown and searched."""
        rule = self.rule_for(url)
        return rule is None or not rule.covers_time(timestamp)

    def __iter__(self) -> Iterator[AccessRule]:
        return iter(self.rules)

    def __len__(self) -> int:
        return len(self.rules)


def _rules_path(data_dir: DataDir | Path | str) -> Path:
    if isinstance(data_dir, DataDir):
        return data_dir.access_rules
    return DataDir(Path(data_dir)).access_rules
