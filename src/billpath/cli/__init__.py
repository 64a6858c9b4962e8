"""The `billpath` command: a thin typer app over the public API.

Each area registers its commands from its own module; heavy imports stay inside command bodies.
Every way a run can end is one line on stderr: a user error (exit 1), a usage error (exit 2, click's
message without its box), an interrupt (SIGINT: "interrupted", exit 130), a SIGTERM ("terminated",
exit 143, the DuckDB spill directory removed), an internal error (exit 1).
"""

from __future__ import annotations

import os
import signal
import sys

from billpath.cli import advice_cmds, catalog_cmds, core, log_cmds, web_cmds  # noqa: F401  (register commands)
from billpath.cli.app import app
from billpath.errors import BillpathError


class Terminated(BaseException):
    """SIGTERM: unwinds like KeyboardInterrupt so every `finally` (DuckDB's close) runs."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated


def _click_error(name: str) -> type[BaseException]:
    import typer

    return next((c for c in typer.BadParameter.__mro__ if c.__name__ == name), Exception)


def _remove_spill() -> None:
    engine = sys.modules.get("billpath.engines.duckdb")
    if engine is not None:
        engine.remove_spill_dir()


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def main() -> None:
    signal.signal(signal.SIGTERM, _on_sigterm)
    import typer

    usage_error = _click_error("UsageError")
    try:
        app(standalone_mode=False, prog_name="billpath")
    except BillpathError as exc:
        sys.stderr.write(f"billpath: error: {_one_line(exc)}\n")
        raise SystemExit(1) from None
    except usage_error as exc:
        ctx = getattr(exc, "ctx", None)
        if type(exc).__name__ == "NoArgsIsHelpError" and ctx is not None:
            sys.stdout.write(ctx.get_help() + "\n")
            raise SystemExit(2) from None
        where = f" (see: {ctx.command_path} --help)" if ctx is not None else ""
        sys.stderr.write(f"billpath: usage error: {_one_line(exc.format_message())}{where}\n")
        raise SystemExit(2) from None
    except (KeyboardInterrupt, typer.Abort):
        sys.stderr.write("billpath: interrupted\n")
        raise SystemExit(130) from None
    except Terminated:
        sys.stderr.write("billpath: terminated\n")
        raise SystemExit(143) from None
    except Exception as exc:  # a bug: say so in one line; BILLPATH_DEBUG=1 shows the traceback
        if os.environ.get("BILLPATH_DEBUG"):
            raise
        message = _one_line(exc)[:500]
        sys.stderr.write(
            f"billpath: internal error: {type(exc).__name__}: {message} (set BILLPATH_DEBUG=1 for details)\n"
        )
        raise SystemExit(1) from None
    finally:
        _remove_spill()


__all__ = ["app", "main"]
