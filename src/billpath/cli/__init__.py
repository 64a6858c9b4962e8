"""The `billpath` command: a thin typer app over the public API.

Each area registers its commands from its own module; heavy imports stay inside command bodies.
Every way a run can end is one line on stderr: a user error (exit 1), a usage error (exit 2, click's
message without its box), an interrupt (SIGINT: "interrupted", exit 130), a SIGTERM ("terminated",
exit 143, the DuckDB spill directory removed), an internal error (exit 1).
"""

from __future__ import annotations

import atexit
import copy
import os
import signal
import sys
import threading

from billpath.cli import advice_cmds, catalog_cmds, core, log_cmds, mcp_cmds, web_cmds  # noqa: F401  (register commands)
from billpath.cli.app import app
from billpath.errors import BillpathError


class Terminated(BaseException):
    """SIGTERM: unwinds like KeyboardInterrupt so every `finally` (DuckDB's close) runs."""


_SIGNALLED: list[int] = []  # signals received: whatever exception a library turns them into, they decide the exit


def _on_signal(signum, frame) -> None:
    _SIGNALLED.append(signum)
    raise KeyboardInterrupt if signum == signal.SIGINT else Terminated


def _install_handlers() -> None:
    signal.signal(signal.SIGTERM, _on_signal)
    if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not when the shell made us ignore it
        signal.signal(signal.SIGINT, _on_signal)


def _click_error(name: str) -> type[BaseException]:
    import typer

    return next((c for c in typer.BadParameter.__mro__ if c.__name__ == name), Exception)


def _remove_spill() -> None:
    engine = sys.modules.get("billpath.engines.duckdb")
    if engine is not None:
        engine.remove_spill_dir()


def _one_line(text: object) -> str:
    return " ".join(str(text).split())


def _fail(exc: BaseException) -> int:
    """The one line and the exit code for a run that ended with `exc`."""
    import typer

    if _SIGNALLED or isinstance(exc, KeyboardInterrupt | Terminated | typer.Abort):
        # DuckDB turns a signal into RuntimeError("Query interrupted"): the signal, not the exception, decides.
        first = _SIGNALLED[0] if _SIGNALLED else (signal.SIGTERM if isinstance(exc, Terminated) else signal.SIGINT)
        # Straight to the file descriptor and out: after a signal a library may leave Python's error state
        # or its buffered streams inconsistent, and nothing more is to be printed anyway.
        _remove_spill()
        os.write(2, b"billpath: terminated\n" if first == signal.SIGTERM else b"billpath: interrupted\n")
        os._exit(143 if first == signal.SIGTERM else 130)
    if isinstance(exc, BillpathError):
        sys.stderr.write(f"billpath: error: {_one_line(exc)}\n")
        return 1
    if isinstance(exc, _click_error("UsageError")):
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            sys.stdout.write(ctx.get_help() + "\n")
            return 2
        where = f" (see: {ctx.command_path} --help)" if ctx is not None else ""
        message = exc.format_message() if hasattr(exc, "format_message") else str(exc)  # click's UsageError has it
        sys.stderr.write(f"billpath: usage error: {_one_line(message)}{where}\n")
        return 2
    if isinstance(exc, SystemExit):
        return _exit_code(exc)
    if os.environ.get("BILLPATH_DEBUG"):
        raise exc
    message = _one_line(exc)[:500]
    sys.stderr.write(f"billpath: internal error: {type(exc).__name__}: {message} (set BILLPATH_DEBUG=1 for details)\n")
    return 1


def app_for(args: list[str]):
    """The app `args` run: one that holds only the command (or command group) `args` name first, or the whole
    app when the first argument names none (the group's help, `--version`, a misspelt command: click answers
    those from every command).

    typer turns every registered command into a click command, reading its signature and type hints, each time
    the app is called: 11 commands and a group took about 14 ms of a 6-row log's run, one takes under 2. A
    command's own parsing, help and errors never look at its siblings, so its output is the same either way.
    """
    from typer.main import get_command_name

    name = args[0] if args else ""
    if not name or name.startswith("-"):
        return app
    commands = [
        c for c in app.registered_commands if (c.name or get_command_name(getattr(c.callback, "__name__", ""))) == name
    ]
    groups = [g for g in app.registered_groups if g.name == name]
    if not commands and not groups:
        return app
    one = copy.copy(app)
    one.registered_commands, one.registered_groups = commands, groups
    return one


def main() -> None:
    _install_handlers()
    try:
        code = app_for(sys.argv[1:])(standalone_mode=False, prog_name="billpath")
        if _SIGNALLED or code == 130:  # typer turns KeyboardInterrupt into a silent `return 130`
            raise KeyboardInterrupt
        sys.stdout.flush()  # the result is out while a signal still gets its one line and exit code
    except BaseException as exc:
        code = _fail(exc)
    finally:
        _remove_spill()
    # The work is done and said: a signal from here on cannot lose output or end without a message.
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    if signal.getsignal(signal.SIGINT) is _on_signal:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    if isinstance(code, int) and code:
        raise SystemExit(code)


def run() -> None:
    """The console script: `main`, then out without tearing the interpreter down.

    Once the answer is written, freeing every module and object one by one (DuckDB's own teardown among them)
    only delays the prompt: about 50 ms of a small log's run. So the streams are flushed, the exit handlers
    run (`atexit`: whatever a library registered), and the process ends with `main`'s exit code. Every file
    billpath writes is closed by then (`with`); where a stream cannot be flushed or a non-daemon thread still
    runs, the ordinary exit takes over and reports as it always did.
    """
    try:
        main()
        code = 0
    except SystemExit as exc:
        code = _exit_code(exc)
    _exit_now(code)


def _exit_code(exc: SystemExit) -> int:
    return exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)


def _exit_now(code: int) -> None:
    run_exit_handlers = getattr(atexit, "_run_exitfuncs", None)
    others = [t for t in threading.enumerate() if t is not threading.main_thread() and not t.daemon and t.is_alive()]
    if run_exit_handlers is None or others:
        raise SystemExit(code)
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except Exception:  # a closed pipe: the ordinary exit says so
        raise SystemExit(code) from None
    run_exit_handlers()
    os._exit(code)


__all__ = ["app", "main", "run"]
