"""The `billpath` command: a thin typer app over the public API.

Each area registers its commands from its own module; heavy imports stay inside command bodies.
"""

from __future__ import annotations

import os
import sys

from billpath.cli import advice_cmds, catalog_cmds, core, log_cmds, mcp_cmds, web_cmds  # noqa: F401  (register commands)
from billpath.cli.app import app
from billpath.errors import BillpathError


def main() -> None:
    try:
        app()
    except BillpathError as exc:
        sys.stderr.write(f"billpath: error: {' '.join(str(exc).split())}\n")
        raise SystemExit(1) from None
    except KeyboardInterrupt:
        sys.stderr.write("billpath: interrupted\n")
        raise SystemExit(130) from None
    except Exception as exc:  # a bug: say so in one line; BILLPATH_DEBUG=1 shows the traceback
        if os.environ.get("BILLPATH_DEBUG"):
            raise
        sys.stderr.write(f"billpath: internal error: {type(exc).__name__}: {exc} (set BILLPATH_DEBUG=1 for details)\n")
        raise SystemExit(1) from None


__all__ = ["app", "main"]
