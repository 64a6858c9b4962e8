"""Which files a price-log run reads: each argument (a file, a directory, a glob) to real files, each once.

A file is identified by its device and inode (what every spelling and symlink of it resolves to), so a
file named twice, through a symlink, or inside a directory also named is read once, and the run says
so. Directories are walked with symlinks followed but each real directory entered once, so a symlink
loop cannot repeat a file or run away. Globs are matched by the same walk (not `glob.glob`, which
follows loops). FIFOs, devices and sockets are refused (reading one would hang or never end).
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from billpath.usage.columns import LogError

DATA_SUFFIXES = (".parquet", ".csv", ".jsonl", ".ndjson", ".json")
COMPRESSED_SUFFIXES = (".gz", ".gzip")  # read by content (`readers.base.open_data`); the name is only for walks


def data_suffix(path: str | Path) -> str:
    """The data file's own suffix, lower case: `usage.csv.gz` -> `.csv` (a gzip file is walked as what it holds)."""
    p = Path(path)
    if p.suffix.lower() in COMPRESSED_SUFFIXES:
        p = p.with_suffix("")
    return p.suffix.lower()


MAGIC = re.compile(r"[*?[]")


@dataclass
class Resolved:
    """The files to read, in order, and what was merged or skipped (for the run's notes)."""

    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _key(path: str) -> tuple[int, int]:
    st = os.stat(path)
    return st.st_dev, st.st_ino


def _unreadable(path: str, exc: OSError) -> LogError:
    return LogError(f"{path}: cannot read: {exc.strerror or exc}")


def _walk(root: str, notes: list[str]) -> Iterator[str]:
    """Every file under `root` (symlinks followed, each real directory once), sorted within each directory."""
    seen: set[tuple[int, int]] = set()
    stack = [root]
    while stack:
        d = stack.pop()
        try:
            key = _key(d)
        except OSError:
            continue  # a dangling symlink
        if key in seen:
            notes.append(f"{d}: a directory already read (a symlink loop or a second link): not read again")
            continue
        seen.add(key)
        try:
            with os.scandir(d) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            raise _unreadable(d, exc) from None
        subdirs = []
        for e in entries:
            try:
                is_dir = e.is_dir()
                is_file = e.is_file()
            except OSError:
                continue
            if is_dir:
                subdirs.append(e.path)
            elif is_file:
                yield e.path
        stack.extend(reversed(subdirs))


def _split_pattern(pattern: str) -> tuple[str, list[str]]:
    """A glob's literal leading directory and its remaining components."""
    parts = pattern.split("/")
    root: list[str] = []
    while parts and not MAGIC.search(parts[0]) and len(parts) > 1:
        root.append(parts.pop(0))
    if not root:
        return ".", parts
    base = "/".join(root) or "/"
    return base, parts


def _component(pat: str, name: str) -> bool:
    if name.startswith(".") and not pat.startswith("."):
        return False  # as the shell and glob: `*` does not match hidden names
    return fnmatch.fnmatchcase(name, pat)


def _match(pats: list[str], names: list[str]) -> bool:
    if not pats:
        return not names
    if pats[0] == "**":
        return any(
            _match(pats[1:], names[i:]) for i in range(len(names) + 1) if all(not n.startswith(".") for n in names[:i])
        )
    return bool(names) and _component(pats[0], names[0]) and _match(pats[1:], names[1:])


def _glob(pattern: str, notes: list[str]) -> list[str]:
    root, pats = _split_pattern(pattern)
    if not os.path.isdir(root):
        return []
    out = []
    for path in _walk(root, notes):
        rel = os.path.relpath(path, root).split(os.sep)
        if _match(pats, rel):
            out.append(path if root != "." or pattern.startswith("./") else os.path.relpath(path, "."))
    return out


def _files_of(arg: str, notes: list[str]) -> list[str]:
    if os.path.isdir(arg):
        files = [p for p in _walk(arg, notes) if data_suffix(p) in DATA_SUFFIXES]
        if not files:
            raise LogError(f"{arg}: no .parquet, .csv, .jsonl or .json files in this directory")
        return files
    if os.path.lexists(arg):
        return [arg]
    if MAGIC.search(arg):
        files = _glob(arg, notes)
        if not files:
            raise LogError(f"{arg}: no file matches this pattern")
        return files
    raise LogError(f"{arg}: no such file or directory")


def resolve(args: list[str]) -> Resolved:
    """The files `args` name, each real file once (the first spelling kept), with notes on what merged."""
    out = Resolved()
    first: dict[tuple[int, int], str] = {}
    repeats: dict[str, list[str]] = {}
    for arg in args:
        for path in _files_of(arg, out.notes):
            try:
                key = _key(path)
            except OSError as exc:
                if not os.path.exists(path):
                    raise LogError(f"{path}: a broken symlink (it points nowhere)") from None
                raise _unreadable(path, exc) from None
            if key in first:
                repeats.setdefault(first[key], []).append(path)
                continue
            first[key] = path
            out.files.append(Path(path))
    for kept, others in repeats.items():
        also = ", ".join(sorted(set(others) - {kept})) or kept
        times = len(others) + 1
        out.notes.append(f"{kept}: named {times} times (as {also}): read once")
    return out
