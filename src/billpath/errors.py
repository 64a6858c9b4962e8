"""Errors a user can act on. The CLI prints their message on one line and exits 1."""

from __future__ import annotations

import re
from collections.abc import Callable


class BillpathError(Exception):
    """Base of every error billpath reports to a user instead of a traceback."""


class UnknownModel(BillpathError):
    def __init__(self, message: str, suggestions: list[str] | tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.suggestions = list(suggestions)  # the closest known ids, for a page to offer


class UnknownChannel(BillpathError):
    pass


class CatalogError(BillpathError):
    pass


class UsageError(BillpathError):
    """Bad usage numbers (negative, non-numeric, inconsistent)."""


# ---- one wording of an error for clients that are not a shell (the HTTP API, MCP tools) ----
#
# Messages are written for the terminal: an option is its flag (`--input-tokens`), a command to run is
# in backticks (`billpath models --search TEXT`, `unzip`). A client of the HTTP API or of an MCP tool
# names its parameters as the query, form or JSON has them (the flag's name with underscores) and
# cannot run a command: `for_clients` rewords both, so every surface that is not a shell says the same.

_COMMAND = re.compile(r"`([^`]*)`")
_DROPPED = "\x00"  # where an advice the client cannot follow was
_FLAG = re.compile(r"(?<![\w-])--([a-z][a-z0-9]*(?:-[a-z0-9]+)*)(?:[ =]([A-Z][A-Z0-9_]*(?:=[A-Z][A-Z0-9_]*)?)\b)?")
SHELL_TOOLS = {"gunzip", "unzip", "bunzip2", "unxz", "unzstd", "iconv", "billpath"}  # said alone in backticks
_SHORT = re.compile(r"\s*\([^()]*(?<![\w-])-[a-zA-Z](?![\w-])[^()]*\)")
_CLAUSE = re.compile(r"(;\s+|:\s+|,\s+(?=or\b|and\b))")

# How a client reaches a billpath command: (command words, {parameter: value}) -> the words to say, or None
# (the client cannot: the advice is left out).
Commands = Callable[[tuple[str, ...], dict[str, str]], str | None]


def parameter(flag: str) -> str:
    """The name a client gives an option: `--input-tokens` -> `input_tokens`."""
    return flag.removeprefix("--").replace("-", "_")


def _no_commands(words: tuple[str, ...], params: dict[str, str]) -> str | None:
    return None


def _command(text: str, commands: Commands) -> str:
    words = text.split()
    if len(words) == 1 and words[0] not in SHELL_TOOLS:
        return words[0]  # a name in backticks (`arrivals`), not a command
    if len(words) < 2 or words[0] != "billpath":
        return _DROPPED  # a shell tool (unzip, iconv, rm): nothing a client can run
    names: list[str] = []
    params: dict[str, str] = {}
    rest = words[1:]
    while rest and not rest[0].startswith("-"):
        names.append(rest.pop(0))
    while rest:
        flag = rest.pop(0)
        params[parameter(flag)] = rest.pop(0) if rest and not rest[0].startswith("-") else "true"
    said = commands(tuple(names), params)
    return _DROPPED if said is None else said


def for_clients(message: str, commands: Commands = _no_commands) -> str:
    """`message` worded for a client that names parameters and cannot run commands.

    `--flag` becomes the parameter's name (`--column FIELD=HEADER`: `column=FIELD=HEADER`); a command in
    backticks becomes what `commands` says for it (an endpoint, a tool), or its clause is left out
    (`run `billpath catalog build``, `(unzip)`, `(-i/-o/-n for short)`): a client is never told to type
    something in a shell. A single name in backticks (`arrivals`) is kept, unquoted.
    """
    s = _COMMAND.sub(lambda m: _command(m.group(1), commands), message)
    if _DROPPED in s:
        s = re.sub(r"\s*\([^()]*" + _DROPPED + r"[^()]*\)", "", s)  # "(search with `billpath …`)"
        parts = _CLAUSE.split(s)
        kept = [parts[0]] if _DROPPED not in parts[0] else []
        for sep, part in zip(parts[1::2], parts[2::2], strict=True):
            if _DROPPED not in part:
                kept.append((sep if kept else "") + part)
        s = "".join(kept).replace(_DROPPED, "")
    s = _SHORT.sub("", s)  # "(-i/-o/-n for short)": a client has no short flags
    s = _FLAG.sub(lambda m: parameter(m.group(1)) + (f"={m.group(2)}" if m.group(2) else ""), s)
    s = re.sub(r"\s+", " ", s).strip()
    return re.sub(r"\s+([;,.)])", r"\1", s).rstrip(":;, ") or "invalid request"
