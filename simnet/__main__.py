"""``python -m simnet serve [--port 0] [--state 1|2] [--scale N] [--access-log PATH] [--no-https]``."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from .server import SimNet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m simnet", description="The simulated portal network (127.0.0.1 only).")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve until SIGTERM/SIGINT")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0)
    serve.add_argument("--state", type=int, choices=(1, 2), default=1)
    serve.add_argument("--scale", type=int, default=None, help="articles per portal (benchmarks)")
    serve.add_argument("--access-log", type=Path, default=None)
    serve.add_argument("--no-https", dest="https", action="store_false",
                       help="leave out the HTTPS portals (for clients that only set http_proxy)")
    serve.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    net = SimNet(state=args.state, scale=args.scale, access_log=args.access_log, host=args.host, port=args.port,
                 https=args.https)
    with net:
        print(f"simnet listening on {net.url}", flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
