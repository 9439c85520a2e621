"""The frontier in Redis, shared by several crawl processes (one or many machines).

Same interface and guarantees as ``archive.control.frontier.SqliteFrontier``; every operation is one
atomic Lua script, so there is nothing to commit and a crashed worker loses nothing: its
leases are re-queued by :meth:`RedisFrontier.recover` once its heartbeat key has expired
(``HEARTBEAT_SECONDS`` after its last call). Keys, under ``congan:frontier:<crawl_id>:``::

    next_id              counter of entry ids
    seen                 set of fingerprints
    entry:<id>           hash: host, priority, url, payload, attempts
    pending:<host>       sorted set of entry ids, score = -priority * 2**40 + id
    hosts                hash: host -> number of pending entries
    leases               hash: entry id -> worker id
    worker:<worker id>   heartbeat (expires)
    done                 counter of acked entries

Use: ``-s CONGAN_FRONTIER_URL=redis://127.0.0.1:6379/0`` (``scrapers.crawl.frontier_scheduler``).
Needs the ``redis`` package (``pip install 'congan-archive[redis]'``).
"""

from __future__ import annotations

import logging
import os
import socket
import time
from typing import Any

from archive.control.frontier import Frontier, FrontierCounts, FrontierEntry, FrontierError

logger = logging.getLogger(__name__)

#: a worker that made no call for this long is considered gone (its leases re-queued); the
#: scheduler calls ``commit()`` every few seconds, which renews the heartbeat
HEARTBEAT_SECONDS = 20
ID_SPAN = 2**40

ADD = """
local prefix, fingerprint = KEYS[1], ARGV[1]
if fingerprint ~= '' and redis.call('SADD', prefix .. 'seen', fingerprint) == 0 then return 0 end
local id = redis.call('INCR', prefix .. 'next_id')
local host, priority = ARGV[2], tonumber(ARGV[3])
redis.call('HSET', prefix .. 'entry:' .. id, 'host', host, 'priority', priority,
           'url', ARGV[4], 'payload', ARGV[5], 'attempts', 0)
redis.call('ZADD', prefix .. 'pending:' .. host, -priority * tonumber(ARGV[6]) + id, id)
redis.call('HINCRBY', prefix .. 'hosts', host, 1)
return id
"""

LEASE = """
local prefix, host, worker = KEYS[1], ARGV[1], ARGV[2]
if host == '' then
  local best, best_score = nil, nil
  for _, h in ipairs(redis.call('HKEYS', prefix .. 'hosts')) do
    local top = redis.call('ZRANGE', prefix .. 'pending:' .. h, 0, 0, 'WITHSCORES')
    if top[2] and (best_score == nil or tonumber(top[2]) < best_score) then best, best_score = h, tonumber(top[2]) end
  end
  if best == nil then return nil end
  host = best
end
local popped = redis.call('ZPOPMIN', prefix .. 'pending:' .. host)
if popped[1] == nil then return nil end
local id = popped[1]
if redis.call('HINCRBY', prefix .. 'hosts', host, -1) <= 0 then redis.call('HDEL', prefix .. 'hosts', host) end
redis.call('HSET', prefix .. 'leases', id, worker)
local attempts = redis.call('HINCRBY', prefix .. 'entry:' .. id, 'attempts', 1)
local entry = redis.call('HMGET', prefix .. 'entry:' .. id, 'host', 'priority', 'url', 'payload')
return {id, entry[1], entry[2], entry[3], entry[4], attempts}
"""

ACK = """
local prefix, id = KEYS[1], ARGV[1]
if redis.call('HDEL', prefix .. 'leases', id) == 0 then return 0 end
redis.call('DEL', prefix .. 'entry:' .. id)
redis.call('INCR', prefix .. 'done')
return 1
"""

REQUEUE = """
local prefix, id = KEYS[1], ARGV[1]
if redis.call('HDEL', prefix .. 'leases', id) == 0 then return 0 end
local entry = redis.call('HMGET', prefix .. 'entry:' .. id, 'host', 'priority')
redis.call('ZADD', prefix .. 'pending:' .. entry[1], -tonumber(entry[2]) * tonumber(ARGV[2]) + tonumber(id), id)
redis.call('HINCRBY', prefix .. 'hosts', entry[1], 1)
return 1
"""


class RedisFrontier(Frontier):
    def __init__(self, url: str, crawl_id: str, *, worker: str | None = None, client: Any = None) -> None:
        try:
            import redis
        except ImportError:
            raise FrontierError(
                "a redis:// frontier needs the redis package: pip install 'congan-archive[redis]'"
            ) from None
        self.client = client or redis.Redis.from_url(url)
        self.prefix = f"congan:frontier:{crawl_id}:"
        self.worker = worker or f"{socket.gethostname()}:{os.getpid()}:{time.time_ns()}"
        try:
            self.client.ping()
        except redis.RedisError as exc:
            raise FrontierError(
                f"cannot reach the frontier at {url}: {exc}; start Redis or use the SQLite frontier"
            ) from None
        self._add = self.client.register_script(ADD)
        self._lease = self.client.register_script(LEASE)
        self._ack = self.client.register_script(ACK)
        self._requeue = self.client.register_script(REQUEUE)
        self._beat()

    def _beat(self) -> None:
        self.client.set(f"{self.prefix}worker:{self.worker}", "1", ex=HEARTBEAT_SECONDS)

    def add(self, payload: bytes, *, url: str, host: str, priority: int = 0, fingerprint: bytes | None = None) -> bool:
        fp = "" if fingerprint is None else fingerprint.hex()
        return bool(self._add(keys=[self.prefix], args=[fp, host, int(priority), url, payload, ID_SPAN]))

    def lease(self, host: str | None = None) -> FrontierEntry | None:
        self._beat()
        row = self._lease(keys=[self.prefix], args=[host or "", self.worker])
        if not row:
            return None
        ident, host_b, priority, url, payload, attempts = row
        return FrontierEntry(
            id=int(ident),
            host=host_b.decode(),
            priority=int(priority),
            url=url.decode(),
            payload=payload,
            attempts=int(attempts),
        )

    def ack(self, entry_id: int) -> None:
        if not self._ack(keys=[self.prefix], args=[entry_id]):
            logger.warning("frontier: ack of entry %s which is not leased", entry_id)

    def release(self, entry_id: int) -> None:
        self._requeue(keys=[self.prefix], args=[entry_id, ID_SPAN])

    def recover(self) -> int:
        """Re-queue the leases of workers whose heartbeat expired (and none of a live one)."""
        self._beat()
        recovered = 0
        alive: dict[str, bool] = {}
        for ident, raw_owner in self.client.hgetall(f"{self.prefix}leases").items():
            owner = _text(raw_owner)
            if owner == self.worker:
                continue
            if owner not in alive:
                alive[owner] = bool(self.client.exists(f"{self.prefix}worker:{owner}"))
            if not alive[owner]:
                recovered += self._requeue(keys=[self.prefix], args=[int(ident), ID_SPAN])
        return recovered

    def pending_hosts(self) -> dict[str, int]:
        hosts = self.client.hgetall(f"{self.prefix}hosts")
        return {_text(host): int(n) for host, n in hosts.items() if int(n) > 0}

    def counts(self) -> FrontierCounts:
        pending = sum(self.pending_hosts().values())
        return FrontierCounts(
            pending=pending,
            leased=int(self.client.hlen(f"{self.prefix}leases")),
            done=int(self.client.get(f"{self.prefix}done") or 0),
            seen=int(self.client.scard(f"{self.prefix}seen")),
        )

    def commit(self) -> None:
        self._beat()  # every call is already durable in Redis

    def close(self) -> None:
        self.client.delete(f"{self.prefix}worker:{self.worker}")

    def drop(self) -> None:
        """Delete every key of this crawl's frontier (tests, finished crawls)."""
        for key in self.client.scan_iter(match=f"{self.prefix}*", count=1000):
            self.client.delete(key)


def _text(value: bytes | str) -> str:
    """A Redis reply as text (the client returns bytes unless told to decode)."""
    return value.decode() if isinstance(value, bytes) else value
