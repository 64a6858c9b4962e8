"""The console script ends without tearing the interpreter down (`billpath.cli.run`), and loses nothing by it:
the whole output, the exit code, the exit handlers, the ordinary exit where a thread still runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent / "billpath"
ROOT = Path(__file__).resolve().parent.parent


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([str(BIN), *args], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_a_large_answer_arrives_whole_through_a_pipe() -> None:
    out = _run("models", "--format", "json")
    assert out.returncode == 0
    assert len(json.loads(out.stdout)["models"]) > 1000  # parses: nothing cut off at the end


@pytest.mark.parametrize(("args", "code"), [(("price-log", "no-such.csv"), 1), (("compare", "--bogus"), 2)])
def test_the_exit_code_and_its_message_are_kept(args: tuple[str, ...], code: int) -> None:
    out = _run(*args)
    assert out.returncode == code and out.stderr.startswith("billpath: ")


def _script(body: str) -> subprocess.CompletedProcess:
    head = "import atexit, sys, threading\nfrom billpath.cli import run\n"
    code = f"{head}{body}\nsys.argv = ['billpath', 'channels']\nrun()"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)


def test_exit_handlers_run() -> None:
    out = _script("atexit.register(lambda: print('handler ran', file=sys.stderr))")
    assert out.returncode == 0 and "handler ran" in out.stderr and out.stdout


def test_a_running_thread_gets_the_ordinary_exit() -> None:
    """A non-daemon thread still working when the command returns: the process waits for it, as Python does."""
    body = (
        "import time\nthreading.Thread(target=lambda: (time.sleep(0.5), print('thread done', file=sys.stderr))).start()"
    )
    out = _script(body)
    assert out.returncode == 0 and "thread done" in out.stderr
