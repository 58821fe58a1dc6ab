"""The README and the data dictionary stay true to the code."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from crawler.core import store
from scoring.cli import cli
from scoring.dictionary import TABLES

ROOT = Path(__file__).resolve().parent.parent


def commands(group, prefix=()):
    for name, cmd in group.commands.items():
        path = (*prefix, name)
        if hasattr(cmd, "commands"):
            yield from commands(cmd, path)
        yield path


def test_readme_shows_every_command_with_an_example():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    examples = re.findall(r"`(egovrank [^`]+)`", readme)
    missing = [
        " ".join(path)
        for path in commands(cli)
        if not any(f"{e} ".startswith(f"egovrank {' '.join(path)} ") for e in examples)
    ]
    assert missing == []


def test_readme_names_the_two_setup_commands_and_ci_calls_the_test_one():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    assert "make test" in (ROOT / ".ci" / "run").read_text()


def test_data_dictionary_doc_is_generated_and_covers_the_schema(tmp_path):
    result = CliRunner().invoke(cli, ["db", "dictionary"])
    assert result.exit_code == 0
    doc = (ROOT / "docs" / "data-dictionary.md").read_text(encoding="utf-8")
    assert doc.strip() == result.output.strip(), (
        "run `egovrank db dictionary > docs/data-dictionary.md`"
    )
    db = store.connect(tmp_path / "schema.db")
    for table in db.table_names():
        described = TABLES.get(table, ("", {}))[1]
        assert set(db[table].columns_dict) <= set(described), table


def test_criteria_doc_is_generated_from_the_registry():
    result = CliRunner().invoke(cli, ["criteria"])
    assert result.exit_code == 0, result.output
    doc = (ROOT / "docs" / "criteria.md").read_text(encoding="utf-8")
    assert doc == result.output, "run `egovrank criteria > docs/criteria.md`"
    assert "| info.budget | sections | crawl | `crawler.criteria.sections.section` |" in doc
