"""Where coding agents keep their logs on this machine: `price-log --source claude-code|codex|gemini-cli`.

Only local directories are read; nothing is uploaded or fetched. The locations are the agents' own
defaults and their environment overrides:

- Claude Code: every path in `CLAUDE_CONFIG_DIR` (one, or a comma-separated list), else
  `~/.claude` and `~/.config/claude`; the logs are under `projects/` in each.
- Codex CLI: `${CODEX_HOME:-~/.codex}/sessions` and `archived_sessions`.
- Gemini CLI: `${GEMINI_DATA_DIR:-~/.gemini}/tmp/<project>/chats`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from billpath.usage.columns import LogError
from billpath.usage.paths import data_suffix

SOURCES = ("claude-code", "codex", "gemini-cli")


@dataclass(frozen=True)
class Found:
    source: str
    searched: tuple[Path, ...]  # every default location looked at
    dirs: tuple[Path, ...]  # those that exist and hold log files


def _home() -> Path:
    return Path(os.environ.get("HOME") or Path.home())


def candidates(source: str) -> list[Path]:
    """The directories `source` keeps its logs in, by its own rules (existing or not)."""
    env = os.environ
    if source == "claude-code":
        configured = [p.strip() for p in env.get("CLAUDE_CONFIG_DIR", "").split(",") if p.strip()]
        roots = [Path(p).expanduser() for p in configured] or [_home() / ".claude", _home() / ".config" / "claude"]
        return [r / "projects" for r in roots]
    if source == "codex":
        home = Path(env["CODEX_HOME"]).expanduser() if env.get("CODEX_HOME") else _home() / ".codex"
        return [home / "sessions", home / "archived_sessions"]
    if source == "gemini-cli":
        base = Path(env["GEMINI_DATA_DIR"]).expanduser() if env.get("GEMINI_DATA_DIR") else _home() / ".gemini"
        return sorted(p for p in (base / "tmp").glob("*/chats") if p.is_dir()) or [base / "tmp"]
    raise LogError(f"unknown source {source!r}; use one of: {', '.join(SOURCES)}")


def find(source: str) -> Found:
    """The default log directories of `source` that exist and hold files; a LogError if there are none."""
    searched = candidates(source)
    suffixes = (".json", ".jsonl") if source == "gemini-cli" else (".jsonl",)
    dirs = [d for d in searched if d.is_dir() and any(data_suffix(p) in suffixes for p in d.rglob("*") if p.is_file())]
    if not dirs:
        raise LogError(f"no {source} logs found (looked in: {', '.join(str(d) for d in searched)})")
    return Found(source, tuple(searched), tuple(dirs))
