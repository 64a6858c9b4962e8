"""serve (the HTTP API and calculator page) and report (a self-contained HTML report of a priced log)."""

from __future__ import annotations

import contextlib
import math
import os
from pathlib import Path
from typing import Annotated

import typer

from billpath.cli.app import app
from billpath.errors import UsageError

LOOPBACK_NAMES = ("127.0.0.1", "localhost", "::1", "[::1]")


@app.command("serve")
def serve_cmd(
    host: Annotated[str, typer.Option(help="Address to bind (loopback unless you mean otherwise).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    workers: Annotated[int, typer.Option(min=1, max=64, help="Worker processes.")] = 1,
    max_upload_mb: Annotated[float, typer.Option(help="Largest accepted upload, in MB.")] = 200,
    timeout: Annotated[float, typer.Option(metavar="SECONDS", help="Per-request time limit.")] = 120,
    header_timeout: Annotated[
        float, typer.Option(metavar="SECONDS", help="Time a client has to send a request's headers.")
    ] = 10,
    idle_timeout: Annotated[
        float, typer.Option(metavar="SECONDS", help="Keep-alive: close a connection idle this long.")
    ] = 5,
) -> None:
    """Serve the JSON API and the calculator page (http://127.0.0.1:8000/ by default)."""
    import uvicorn

    max_upload_mb = bounded("--max-upload-mb", max_upload_mb, 1_000_000)
    timeout = bounded("--timeout", timeout, 86_400)
    header_timeout = bounded("--header-timeout", header_timeout, 3_600)
    idle_timeout = bounded("--idle-timeout", idle_timeout, 3_600)
    addresses = _check_can_listen(host, port)
    from billpath.catalog.store import load_catalog

    load_catalog()  # a broken local catalog update is a one-line error here, not a worker's traceback
    # Workers are separate processes: they read their settings from the environment.
    os.environ["BILLPATH_MAX_UPLOAD_BYTES"] = str(int(max_upload_mb * 1024 * 1024))
    os.environ["BILLPATH_REQUEST_TIMEOUT"] = str(timeout)
    os.environ["BILLPATH_HEADER_TIMEOUT"] = str(header_timeout)
    os.environ["BILLPATH_IDLE_TIMEOUT"] = str(idle_timeout)
    allowed = allowed_hosts(host, addresses)
    if allowed:  # refuse other Host headers: a web page elsewhere cannot rebind its name to us
        os.environ["BILLPATH_ALLOWED_HOSTS"] = ",".join(allowed)
    else:
        os.environ.pop("BILLPATH_ALLOWED_HOSTS", None)
        typer.echo(f"billpath: warning: serving on {host}, not loopback: anyone who can reach it can use it", err=True)
    _raise_open_files_limit()
    typer.echo(f"billpath: serving on http://{'[' + host + ']' if ':' in host else host}:{port}/", err=True)
    uvicorn.run(
        "billpath.web.app:create_app",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http="billpath.web.protocol:GuardedHttpProtocol",
        log_level="warning",
        access_log=False,
        timeout_keep_alive=int(max(1, idle_timeout)),
        limit_concurrency=None,  # requests are limited in the app; idle connections by the protocol
        server_header=False,
    )


def bounded(name: str, value: float, upper: float) -> float:
    """A positive, finite option value no larger than `upper` (nan and inf are one-line errors)."""
    if not math.isfinite(value) or value <= 0 or value > upper:
        raise UsageError(f"{name} must be a positive number of at most {upper:,g}, got {value}")
    return value


def allowed_hosts(host: str, addresses: list[str]) -> list[str]:
    """The Host allow-list for a server bound to `addresses` (what `host` resolved to): the loopback names
    and the spelling given when every address is loopback, however written (`127.0.0.01`, `127.1`,
    `::ffff:127.0.0.1`, `LOCALHOST.`); none (any Host) when the server is reachable from elsewhere."""
    import ipaddress

    def loopback(text: str) -> bool:
        ip = ipaddress.ip_address(text.split("%")[0])
        mapped = getattr(ip, "ipv4_mapped", None)
        return (mapped or ip).is_loopback

    if not addresses or not all(loopback(a) for a in addresses):
        return []
    spelled = host.lower().rstrip(".")
    names = [*LOOPBACK_NAMES, *addresses, *(f"[{a}]" for a in addresses if ":" in a), spelled, spelled + "."]
    return list(dict.fromkeys(n for n in names if n))


def _raise_open_files_limit() -> None:
    """Many idle clients should meet the protocol's idle-first eviction, not the process's file limit."""
    import resource

    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    want = 65536 if hard == resource.RLIM_INFINITY else min(hard, 65536)
    if soft != resource.RLIM_INFINITY and soft < want:
        with contextlib.suppress(ValueError, OSError):
            resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))


def _check_can_listen(host: str, port: int) -> list[str]:
    """Every address `host` binds to; a taken port or a wrong address is a one-line error (exit 1)."""
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as s:
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(infos[0][4])
    except (OSError, UnicodeError) as exc:
        raise UsageError(f"cannot listen on {host}:{port}: {getattr(exc, 'strerror', None) or exc}") from None
    return sorted({info[4][0] for info in infos})


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
