"""serve (the HTTP API and calculator page) and report (a self-contained HTML report of a priced log)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from billpath.cli.app import app
from billpath.errors import UsageError

LOOPBACK = ("127.0.0.1", "localhost", "::1")


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option(help="Address to bind (loopback unless you mean otherwise).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    max_upload_mb: Annotated[float, typer.Option(help="Largest accepted upload, in MB.")] = 200,
    timeout: Annotated[float, typer.Option(metavar="SECONDS", help="Per-request time limit.")] = 120,
) -> None:
    """Serve the JSON API and the calculator page (http://127.0.0.1:8000/ by default)."""
    import uvicorn

    if max_upload_mb <= 0 or timeout <= 0:
        raise UsageError("--max-upload-mb and --timeout must be positive")
    _check_can_listen(host, port)
    # Workers are separate processes: they read their settings from the environment.
    os.environ["BILLPATH_MAX_UPLOAD_BYTES"] = str(int(max_upload_mb * 1024 * 1024))
    os.environ["BILLPATH_REQUEST_TIMEOUT"] = str(timeout)
    if host in LOOPBACK:  # refuse other Host headers: a web page elsewhere cannot rebind its name to us
        os.environ["BILLPATH_ALLOWED_HOSTS"] = ",".join(["127.0.0.1", "localhost", "::1", "[::1]"])
    else:
        os.environ.pop("BILLPATH_ALLOWED_HOSTS", None)
        typer.echo(f"billpath: warning: serving on {host}, not loopback: anyone who can reach it can use it", err=True)
    typer.echo(f"billpath: serving on http://{'[' + host + ']' if ':' in host else host}:{port}/", err=True)
    uvicorn.run(
        "billpath.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="warning",
        access_log=False,
        timeout_keep_alive=5,
        limit_concurrency=1000,
        server_header=False,
    )


def _check_can_listen(host: str, port: int) -> None:
    """A taken port or a wrong address is a one-line error (exit 1), not a server log line."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(infos[0][4])
    except OSError as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


@app.command("report")
def report_cmd(
    logs: Annotated[list[str], typer.Argument(metavar="LOG...", help="Usage files, directories or globs to price.")],
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the HTML report.")] = Path(
        "report.html"
    ),
    input_format: Annotated[
        str, typer.Option("--input-format", metavar="FORMAT", help="Log format (default: detected).")
    ] = "auto",
    at: Annotated[
        str | None, typer.Option(metavar="DATE", help="Prices for rows without a timestamp (default: today).")
    ] = None,
) -> None:
    """Write a self-contained HTML report of a priced usage log: the same figures as `price-log`, with charts."""
    from billpath.analysis.price_log import price_log
    from billpath.cli.app import parse_date
    from billpath.report.html import price_log_report

    payload = price_log(logs, input_format=input_format, at=parse_date("at", at)).to_dict()
    title = ", ".join(Path(p).name for p in logs)
    try:
        output.write_text(price_log_report(payload, title=title), encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"cannot write {output}: {exc.strerror}") from None
    typer.echo(
        f"wrote {output}: {payload['rows_total']:,} rows, ${payload['total_usd']} priced "
        f"({payload['rows_unpriced']:,} unpriced, {payload['rows_rejected']:,} rejected)",
        err=True,
    )
