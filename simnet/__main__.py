"""``python -m simnet serve [--port 0] [--state 1|2] [--scale N] [--access-log PATH] [--no-https]``
``python -m simnet serve --variants FAMILY:SEED,... [--registry PATH] [--dead-portal]`` (variant portals)."""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from pathlib import Path

from .server import SimNet


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m simnet", description="The simulated portal network (127.0.0.1 only)."
    )
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="serve until SIGTERM/SIGINT")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=0)
    serve.add_argument("--state", type=int, choices=(1, 2), default=1)
    serve.add_argument("--scale", type=int, default=None, help="articles per portal (benchmarks)")
    serve.add_argument("--access-log", type=Path, default=None)
    serve.add_argument("--no-https", dest="https", action="store_false",
                       help="leave out the HTTPS portals (for clients that only set http_proxy)")
    serve.add_argument("--variants", metavar="FAMILY:SEED,...", help="serve variant portals instead (simnet.variants)")
    serve.add_argument("--registry", type=Path, default=None,
                       help="with --variants: write a registry CSV for `congan crawl -s CONGAN_REGISTRY=PATH`")
    serve.add_argument("--dead-portal", action="store_true", help="with --variants: add a 503 Retry-After: 3600 portal")
    serve.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING)

    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    if args.variants:
        from .variants import VariantSimNet, dead_spec, parse_variants, write_registry
        try:
            variants = parse_variants(args.variants)
        except ValueError as exc:
            parser.error(str(exc))
        extras = (dead_spec(),) if args.dead_portal else ()
        if args.registry:
            write_registry(variants, args.registry, extras=extras)
        net: SimNet = VariantSimNet(variants, state=args.state, access_log=args.access_log, port=args.port,
                                    extras=extras)
    else:
        net = SimNet(state=args.state, scale=args.scale, access_log=args.access_log, host=args.host, port=args.port,
                     https=args.https)
    with net:
        print(f"simnet listening on {net.url}", flush=True)
        stop.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
