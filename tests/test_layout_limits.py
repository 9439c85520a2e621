"""Code-shape limits the quality gates hold (issue 11): small modules, typed packages."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("archive", "scrapers", "spiders", "congan", "simnet")
#: a module over this many lines is split (docs/DESIGN.md, STYLE.md: 100-300 is the norm)
MAX_MODULE_LINES = 400


def _line_count(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


@pytest.mark.parametrize("package", PACKAGES)
def test_no_module_is_over_400_lines(package: str) -> None:
    modules = sorted((ROOT / package).rglob("*.py"))
    assert modules, f"no modules found under {package}/"
    too_long = {
        str(path.relative_to(ROOT)): lines
        for path in modules
        if (lines := _line_count(path)) > MAX_MODULE_LINES
    }
    assert too_long == {}, f"split these modules (over {MAX_MODULE_LINES} lines): {too_long}"


def test_the_line_counter_counts_lines(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("a = 1\n" * (MAX_MODULE_LINES + 1), encoding="utf-8")
    assert _line_count(sample) == MAX_MODULE_LINES + 1
    sample.write_text("a = 1", encoding="utf-8")  # no final newline: still one line
    assert _line_count(sample) == 1


@pytest.mark.parametrize("package", PACKAGES)
def test_every_package_is_marked_typed_and_ships_the_marker(package: str) -> None:
    assert (ROOT / package / "py.typed").is_file(), f"{package}/py.typed is missing (PEP 561)"
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "py.typed" in config["tool"]["setuptools"]["package-data"]["*"]
    included = config["tool"]["setuptools"]["packages"]["find"]["include"]
    assert any(package.startswith(pattern.rstrip("*")) for pattern in included)


def test_ci_runs_the_lint_gates_before_the_tests() -> None:
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    lint = makefile.split("\nlint:", 1)[1].split("\n\n", 1)[0]
    assert "ruff check ." in lint
    assert "mypy" in lint
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci.index("make lint") < ci.index("make test")
