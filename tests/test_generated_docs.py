"""Docs generated from code (docs/cli.md, the README's formats and channels tables) are current."""

from __future__ import annotations

import importlib.util
from pathlib import Path

SCRIPT = Path(__file__).resolve().parent.parent / "scripts" / "gen_docs.py"


def _gen_docs():
    spec = importlib.util.spec_from_file_location("gen_docs", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_docs_are_current():
    assert _gen_docs().main(["--check"]) == 0, "run `make docs` (python scripts/gen_docs.py) and commit"


def test_cli_reference_lists_every_command_and_option():
    import typer

    from billpath.cli import app

    text = _gen_docs().cli_reference()
    root = typer.main.get_command(app)
    for name, command in root.commands.items():
        for sub in getattr(command, "commands", {name: command}).values():
            for p in sub.params:
                if p.param_type_name == "option" and p.name != "help":
                    assert f"`{p.opts[0]}`" in text, (name, p.opts[0])
