"""Helpers of the fault-injection tests (tests/test_faults_*.py): damage copies of a good data
directory the way disks and people do, and run ``congan`` on them as a user would."""

from __future__ import annotations

import json
import os
import random
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent


@dataclass(frozen=True)
class Run:
    returncode: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def congan(data: Path, *args: str, timeout: float = 300) -> Run:
    """``python -m congan --data DATA ARGS`` in a child process (its stderr is the user's)."""
    env = {k: v for k, v in os.environ.items() if k != "CONGAN_DATA"}
    existing = [p for p in env.get("PYTHONPATH", "").split(os.pathsep) if p]
    env["PYTHONPATH"] = os.pathsep.join([str(REPO), *existing])
    done = subprocess.run([sys.executable, "-m", "congan", "--data", str(data), *args], env=env, cwd=REPO,
                          capture_output=True, text=True, timeout=timeout)
    return Run(done.returncode, done.stdout, done.stderr)


def copy_data(source: Path, target: Path) -> Path:
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("frontier"))
    return target


def warcs(data: Path) -> list[Path]:
    return sorted((data / "collections" / "congan" / "archive").glob("*.warc.gz"), key=lambda p: p.stat().st_size)


def zero_range(path: Path, at: int, length: int) -> None:
    with path.open("r+b") as fh:
        fh.seek(at)
        fh.write(b"\0" * length)


def flip_bits(path: Path, count: int, seed: int) -> list[int]:
    """Flip one bit at ``count`` random offsets (past the first 4 kB: the warcinfo record)."""
    rng = random.Random(seed)
    data = bytearray(path.read_bytes())
    offsets = sorted(rng.sample(range(4096, len(data)), count))
    for offset in offsets:
        data[offset] ^= 1 << rng.randrange(8)
    path.write_bytes(bytes(data))
    return offsets


def corpus_lines(data: Path) -> list[bytes]:
    return (data / "corpus" / "articles.jsonl").read_bytes().splitlines(keepends=True)


def exported_ids(run: Run) -> set[str]:
    return {json.loads(line)["id"] for line in run.stdout.splitlines() if line.strip()}


def assert_no_traceback(run: Run) -> None:
    assert "Traceback" not in run.output, run.output[-3000:]


def assert_readable(text: str) -> None:
    """Nothing a terminal would show as garbage: no control characters, no raw bytes."""
    bad = [ch for ch in text if (ord(ch) < 32 and ch not in "\n\t") or "\x7f" <= ch <= "\xff"]
    assert not bad, (bad[:10], text[-2000:])
