"""The README's command reference and quick start stay in step with the code."""

from __future__ import annotations

import re
from pathlib import Path

import click

from congan.cli.main import get_cli

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")


def leaf_commands(group: click.Group, prefix: tuple[str, ...] = ()) -> set[str]:
    found: set[str] = set()
    for name, command in group.commands.items():
        path = (*prefix, name)
        if isinstance(command, click.Group):
            found |= leaf_commands(command, path)
        else:
            found.add(" ".join(path))
    return found


def readme_commands() -> set[str]:
    section = README.split("## Commands", 1)[1].split("\n## ", 1)[0]
    rows = re.findall(r"^\| `congan ([a-z ]+?)(?: [A-Z\[\-]| *`)", section, flags=re.MULTILINE)
    return {row.strip() for row in rows}


def test_every_command_is_documented_and_every_documented_command_exists() -> None:
    in_code = leaf_commands(get_cli())
    in_readme = readme_commands()
    assert in_code - in_readme == set(), "commands missing from the README table"
    assert in_readme - in_code == set(), "README documents commands that do not exist"


def test_quick_start_commands_are_make_targets_and_ci_runs_the_test_one() -> None:
    quick = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    targets = re.findall(r"^make (\w+)", quick, flags=re.MULTILINE)
    assert targets == ["demo", "test"]
    makefile = (REPO / "Makefile").read_text(encoding="utf-8")
    for target in targets:
        assert re.search(rf"^{target}:", makefile, flags=re.MULTILINE), target
    assert "make test" in (REPO / ".ci" / "run").read_text(encoding="utf-8")


def test_documented_data_layout_matches_the_paths_module() -> None:
    from archive.paths import DataDir

    data = DataDir(Path("/d"))
    section = README.split("## The data directory", 1)[1].split("\n## ", 1)[0]
    for path in (data.corpus_dir, data.search_db, data.frontier_dir, data.digest_db, data.registry_db,
                 data.crawls_db, data.schedules_db, data.access_rules, data.crawls_dir, data.wacz_dir,
                 data.replay_dir, data.logs_dir):
        relative = str(path.relative_to("/d"))
        assert relative in section, relative
