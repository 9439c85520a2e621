"""Writing a file so that readers see the old content or the new, never half of it.

The content goes to a temporary file beside the target (same directory, so same file
system), which then replaces the target with :func:`os.replace` (atomic on POSIX). A crash
or kill -9 in the middle leaves the old file intact and at worst a hidden ``.*.tmp`` file.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any


def write_atomic(path: Path, content: str | bytes) -> Path:
    """Replace ``path`` with ``content`` (text is written as UTF-8) in one step; returns ``path``.

    Creates the parent directory if needed."""
    path.parent.mkdir(parents=True, exist_ok=True)
    data = content.encode("utf-8") if isinstance(content, str) else content
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def write_json_atomic(path: Path, data: Any) -> Path:
    """Replace ``path`` with ``data`` as indented UTF-8 JSON (diacritics kept, not escaped)."""
    return write_atomic(path, json.dumps(data, ensure_ascii=False, indent=2) + "\n")
