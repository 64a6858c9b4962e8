"""SIGINT and SIGTERM against a real `billpath price-log` that is spilling to disk.

The log is generated here, large enough (and DuckDB's memory small enough) that DuckDB creates its
spill directory; the signal is sent once that directory exists, i.e. mid-run. SIGINT ends with
"billpath: interrupted" and exit 130, SIGTERM with "billpath: terminated" and exit 143; both leave no
spill directory behind.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "billpath"
LINE = (
    '{"timestamp": "2026-06-01T00:00:00Z", "model": "gpt-5.5", "channel": "openai", '
    '"input_tokens": 1000, "output_tokens": 500}\n'
)


def _default_signals() -> None:
    # A child of a non-interactive shell's background job inherits SIGINT ignored; a user's terminal does not.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(scope="module")
def big_log(tmp_path_factory) -> Path:
    """Three 400,000-row files (three files, not one named thrice: inputs are de-duplicated): DuckDB spills
    while the first is read, so the signal lands with two more still to read, never after the run ended."""
    d = tmp_path_factory.mktemp("big")
    for n in range(3):
        (d / f"big{n}.jsonl").write_text(LINE * 400_000)
    return d


def _run_and_signal(tmp_path: Path, log: Path, sig: signal.Signals):
    """Start price-log, send `sig` once DuckDB's spill directory exists; (stdout, stderr, exit code, spill dir)."""
    tmp_path.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "TMPDIR": str(tmp_path), "BILLPATH_DUCKDB_MEMORY": "16MB"}
    env.pop("BILLPATH_DUCKDB_TEMP", None)
    proc = subprocess.Popen(
        [str(BIN), "price-log", str(log), "--format", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=_default_signals,
    )
    spill = tmp_path / f"billpath-duckdb-{proc.pid}"
    deadline = time.monotonic() + 240
    while not spill.exists() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.02)
    if not spill.exists():
        proc.kill()
        pytest.fail("DuckDB never made its spill directory: the run ended before the signal could be sent")
    proc.send_signal(sig)
    try:
        out, err = proc.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail(f"billpath did not stop on {sig.name}")
    return out, err, proc.returncode, spill


@pytest.mark.parametrize(
    ("sig", "code", "message"), [(signal.SIGINT, 130, "interrupted"), (signal.SIGTERM, 143, "terminated")]
)
def test_signal_mid_run_is_one_line_and_cleans_the_spill_dir(tmp_path, big_log, sig, code, message):
    for attempt in range(3):
        out, err, rc, spill = _run_and_signal(tmp_path / str(attempt), big_log, sig)
        assert not spill.exists(), sorted(p.name for p in spill.iterdir())
        if rc == 0:  # the signal came after the result was out: not this test's case, run again
            assert out and not err, (out[:200], err)
            continue
        assert not out, out[:200]
        assert (rc, err) == (code, f"billpath: {message}\n")
        return
    pytest.fail("the run finished before the signal three times: the log is too small to be signalled mid-run")
