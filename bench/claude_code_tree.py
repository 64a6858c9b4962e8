"""Benchmark: `billpath price-log` on a year-sized Claude Code log tree, side by side with ccusage.

Run: .venv/bin/python bench/claude_code_tree.py [--files 14000] [--mb 180] [--dir /tmp/billpath-cc-tree]
                                               [--ccusage PATH] [--runs 2]

The tree is made from the sample in examples/claude-code (four session files in three projects: a
first-party session with a subagent file that replays one parent message, a Bedrock session and a
Vertex session). Each copy gets fresh message ids (prefix kept: msg_01 / msg_bdrk_ / msg_vrtx_),
request ids, uuids and session ids, the same mapping across a session and its subagent file (so the
replay still matches its parent). Each file is padded to the target size with one more user line
holding a tool result (the bulk of real logs is tool output), which carries no usage.

The true total is known exactly: copies x the sample's hand-worked total ($0.3178). The script checks
billpath's total against it to the last digit and prints wall time and peak RSS of the whole command
(`billpath price-log TREE --format json`: start-up, reading, pricing, re-pricing). Where ccusage is
installed (`npm install ccusage@18`, or pass --ccusage), it runs `ccusage daily --offline --json` on
the same tree (CLAUDE_CONFIG_DIR) and prints its time, peak RSS and total beside billpath's.
Targets (issue 14): <= 3 s and <= 500 MB peak RSS on the 2-core machine, exact.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import subprocess
import sys
import time
import uuid
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SAMPLE = ROOT / "examples" / "claude-code" / "projects"
SAMPLE_TOTAL = Decimal("0.3178")
BIN = Path(sys.executable).parent / "billpath"
IDS = re.compile(
    r'"(msg_(?:bdrk_|vrtx_)?01[A-Za-z0-9]+|req_[A-Za-z0-9_]+|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})"'
)
PROJECTS = 40  # project directories per sample project (a year of work: a few dozen repositories)
FILLER_LINE = "    total = (subtotal * (1 + tax)).quantize(CENT, ROUND_HALF_UP)  # order {n}\n"


def _groups() -> list[list[Path]]:
    """Sample files that share ids (a session and its subagent files), one list per session."""
    groups: dict[str, list[Path]] = {}
    for f in sorted(SAMPLE.rglob("*.jsonl")):
        session = next(p for p in [f.stem, *[q.name for q in f.parents]] if len(p) == 36 and p.count("-") == 4)
        groups.setdefault(session, []).append(f)
    return list(groups.values())


def _fresh(text: str, mapping: dict[str, str]) -> str:
    def swap(m: re.Match) -> str:
        old = m.group(1)
        if old not in mapping:
            if old.startswith("msg_"):
                prefix = old[: old.index("01") + 2]
                mapping[old] = prefix + uuid.uuid4().hex[:22]
            elif old.startswith("req_"):
                mapping[old] = "req_" + uuid.uuid4().hex[:24]
            else:
                mapping[old] = str(uuid.uuid4())
        return f'"{mapping[old]}"'

    return IDS.sub(swap, text)


def _padding(size: int, session: str) -> str:
    body, n = [], 0
    while sum(map(len, body)) < size:
        body.append(FILLER_LINE.format(n=n))
        n += 1
    line = {
        "parentUuid": None,
        "isSidechain": False,
        "userType": "external",
        "sessionId": session,
        "type": "user",
        "uuid": str(uuid.uuid4()),
        "timestamp": "2026-11-16T09:30:00.000Z",
        "message": {
            "role": "user",
            "content": [{"tool_use_id": "toolu_01pad", "type": "tool_result", "content": "".join(body)}],
        },
    }
    return json.dumps(line, separators=(",", ":")) + "\n"


def make_tree(target: Path, files: int, megabytes: int) -> int:
    """Write the tree (or reuse it if it matches); return how many copies of the sample it holds."""
    groups = _groups()
    per_copy = sum(len(g) for g in groups)
    copies = max(1, files // per_copy)
    stamp = target / ".bench-tree"
    want = f"{copies} {megabytes} {PROJECTS}"
    if stamp.exists() and stamp.read_text() == want:
        return copies
    if target.exists():
        shutil.rmtree(target)
    texts = [[(f.relative_to(SAMPLE), f.read_text()) for f in g] for g in groups]
    avg = megabytes * 1_000_000 // (copies * per_copy)
    for c in range(copies):
        for group in texts:
            mapping: dict[str, str] = {}
            for rel, text in group:
                new = _fresh(text, mapping)
                session = mapping.get(next(p for p in [rel.stem, *[q.name for q in rel.parents]] if len(p) == 36), "")
                new += _padding(max(0, avg - len(new) - 400), session)
                parts = list(rel.parts)
                parts[0] = f"{parts[0]}-{c % PROJECTS:02d}"  # copies spread over a few dozen projects
                parts = [mapping.get(p, p) for p in parts[:-1]] + [mapping.get(rel.stem, rel.stem) + ".jsonl"]
                out = target / "projects" / Path(*parts)
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(new)
    stamp.write_text(want)
    return copies


def measure(cmd: list[str], env: dict | None = None) -> tuple[float, float, str, float]:
    """(wall seconds, peak RSS in MB of the child, stdout, CPU seconds) of one command run to completion.

    CPU seconds (user + system) are reported too: on a shared machine the wall time includes waiting
    for a core, the CPU time does not.
    """
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    before, cpu0 = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    t0 = time.perf_counter()
    out = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    seconds = time.perf_counter() - t0
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    peak, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime - cpu0
    if out.returncode != 0:
        raise SystemExit(f"{cmd[0]} failed ({out.returncode}): {out.stderr.strip()[:500]}")
    if peak <= before:
        print("  (peak RSS of this run is not above an earlier child's; figure is an upper bound)")
    return seconds, peak / 1024, out.stdout, cpu


def tree_size(target: Path) -> tuple[int, int]:
    files = [p for p in (target / "projects").rglob("*.jsonl")]
    return len(files), sum(p.stat().st_size for p in files)


def ccusage_total(stdout: str) -> Decimal | None:
    try:
        doc = json.loads(stdout)
    except json.JSONDecodeError:
        return None
    totals = doc.get("totals") if isinstance(doc, dict) else None
    if isinstance(totals, dict):
        for key in ("totalCost", "costUSD", "cost"):
            if key in totals:
                return Decimal(str(totals[key]))
    return None


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--files", type=int, default=14_000)
    ap.add_argument("--mb", type=int, default=180)
    ap.add_argument("--dir", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "billpath-cc-tree")
    ap.add_argument("--ccusage", help="path of a ccusage 18 executable (default: `ccusage` on PATH)")
    ap.add_argument("--runs", type=int, default=2, help="timed runs of billpath (the first reads a cold cache)")
    args = ap.parse_args()

    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    t0 = time.perf_counter()
    copies = make_tree(args.dir, args.files, args.mb)
    n, size = tree_size(args.dir)
    print(f"tree: {args.dir}/projects: {n:,} files, {size / 1e6:.1f} MB ({copies:,} copies of the sample)", end="")
    print(f", ready in {time.perf_counter() - t0:.1f} s")
    expected = SAMPLE_TOTAL * copies
    print(f"true total: {copies:,} x ${SAMPLE_TOTAL} = ${expected}")

    for run in range(1, args.runs + 1):
        secs, rss, out, cpu = measure([str(BIN), "price-log", str(args.dir / "projects"), "--format", "json"])
        doc = json.loads(out)
        total = Decimal(doc["total_usd"])
        exact = "exact" if total == expected else f"WRONG by {total - expected}"
        counts = f"{doc['rows_total']:,} rows ({doc['rows_priced']:,} priced)"
        print(f"billpath run {run}: {secs:.2f} s wall ({cpu:.2f} s CPU), peak RSS {rss:.0f} MB, ", end="")
        print(f"total ${total} ({exact}), {counts}")

    ccusage = args.ccusage or shutil.which("ccusage")
    if not ccusage:
        print("ccusage: not installed (npm install ccusage@18, then pass --ccusage PATH): not measured")
        return
    env = {**os.environ, "CLAUDE_CONFIG_DIR": str(args.dir)}
    secs, rss, out, cpu = measure([ccusage, "daily", "--offline", "--json"], env)
    total = ccusage_total(out)
    shown = (
        "unreadable" if total is None else f"${total} ({(total - expected) / expected * 100:+.1f}% vs the true total)"
    )
    print(f"ccusage daily --offline: {secs:.2f} s wall ({cpu:.2f} s CPU), peak RSS {rss:.0f} MB, total {shown}")


if __name__ == "__main__":
    main()
