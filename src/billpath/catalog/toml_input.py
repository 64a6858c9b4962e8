"""A user's TOML file (a `--prices` overlay, a scenarios file) read within limits, every failure one line.

`tomllib` takes time far worse than linear in a long dotted key (a 340 KB key: 45 s and 9.6 GB) and
raises RecursionError on deep nesting, ValueError on a 5,000-digit integer, and reads a FIFO forever.
So the file is checked before it is parsed: a regular file, at most `MAX_BYTES`, UTF-8, no dotted key
with more than `MAX_KEY_PARTS` parts and no nesting deeper than `MAX_DEPTH` (one linear scan).
"""

from __future__ import annotations

import os
import stat
import tomllib
from pathlib import Path

from billpath.errors import CatalogError

MAX_BYTES = 1 << 20
MAX_DEPTH = 32
MAX_KEY_PARTS = 32


class TomlInputError(CatalogError):
    """A user's TOML file that cannot be used; the message names the file and what is wrong (a CatalogError,
    as invalid TOML always was: the web answers 422 for it)."""


def _check_shape(text: str, path: Path) -> None:
    """One pass outside strings and comments: nesting depth and the parts of each dotted key."""
    depth = dots = i = 0
    n = len(text)
    line = 1
    while i < n:
        ch = text[i]
        if ch == "\n":
            line += 1
            dots = 0
        elif ch == "#":
            end = text.find("\n", i)
            i = n if end < 0 else end
            continue
        elif ch in "\"'":
            quote = ch * 3 if text.startswith(ch * 3, i) else ch
            j = i + len(quote)
            while True:
                k = text.find(quote, j)
                if k < 0:
                    return  # an unterminated string: tomllib says where
                if ch == '"' and _escaped(text, k):
                    j = k + 1
                    continue
                break
            line += text.count("\n", i, k)
            i = k + len(quote)
            continue
        elif ch in "[{":
            depth += 1
            dots = 0
            if depth > MAX_DEPTH:
                raise TomlInputError(f"{path}: line {line}: nested more than {MAX_DEPTH} levels deep")
        elif ch in "]}":
            depth = max(0, depth - 1)
            dots = 0
        elif ch in "=,":
            dots = 0
        elif ch == ".":
            dots += 1
            if dots >= MAX_KEY_PARTS:
                raise TomlInputError(f"{path}: line {line}: a dotted key with more than {MAX_KEY_PARTS} parts")
        i += 1


def _escaped(text: str, k: int) -> bool:
    backslashes = 0
    while k - backslashes - 1 >= 0 and text[k - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1


def load_toml(path: Path | str, what: str = "TOML file") -> dict:
    """Parse the TOML file at `path` within the limits above; any problem is a one-line TomlInputError."""
    path = Path(path)
    try:
        st = os.stat(path)
        if stat.S_ISDIR(st.st_mode):
            raise TomlInputError(f"{what} {path}: a directory, not a file")
        if not stat.S_ISREG(st.st_mode):
            raise TomlInputError(f"{what} {path}: not a regular file (a FIFO or device); give a file")
        if st.st_size > MAX_BYTES:
            raise TomlInputError(f"{what} {path}: {st.st_size:,} bytes; at most {MAX_BYTES:,} are read")
        with path.open("rb") as f:
            raw = f.read(MAX_BYTES + 1)
    except OSError as exc:
        raise TomlInputError(f"cannot read {what} {path}: {exc.strerror or exc}") from None
    if len(raw) > MAX_BYTES:
        raise TomlInputError(f"{what} {path}: more than {MAX_BYTES:,} bytes")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise TomlInputError(f"{what} {path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    _check_shape(text, path)
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise TomlInputError(f"{path}: not valid TOML: {exc}") from None
    except (ValueError, RecursionError) as exc:  # e.g. an integer of thousands of digits
        raise TomlInputError(f"{path}: not valid TOML: {exc}") from None
