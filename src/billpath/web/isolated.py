"""Price an upload in a child process, so a request that times out (or a client that goes away) stops the
work instead of leaving it running on a server thread.

The server awaits the child; when the request's task is cancelled (`billpath.web.safety.Timeout`, or the
server shutting down) the child is killed on the spot. At most `MAX_CHILDREN` run at once per worker
(the others wait their turn, inside the same time limit). The child prints one JSON object: the
`price_log(...).to_dict()` payload, or the error (class name and message) it raised.

Run as `python -m billpath.web.isolated FORMAT TERMS_JSON PATH...` (the server does; not a user command).
"""

from __future__ import annotations

import asyncio
import json
import os
import sys

from billpath import errors

MAX_CHILDREN = max(2, os.cpu_count() or 2)
_slots: asyncio.Semaphore | None = None


def _error(kind: str, message: str) -> errors.BillpathError:
    cls = getattr(errors, kind, None)
    if isinstance(cls, type) and issubclass(cls, errors.BillpathError):
        return cls(message)
    return errors.BillpathError(message)


def _terms_text(terms) -> str:
    """The purchase terms of a price-log request (`Workload` at/payment/credit_purchase) as JSON text."""
    values = {"at": terms.at, "payment": terms.payment, "credit_purchase": terms.credit_purchase}
    return json.dumps({k: None if v is None else str(v) for k, v in values.items()})


async def price_log_isolated(
    paths: list[str], input_format: str, terms=None, options: dict | None = None, plan: str | None = None
) -> dict:
    """`api.price_log(paths, terms, input_format=...).to_dict()` on the bundled catalog, computed in a child
    process killed on cancellation."""
    global _slots
    if _slots is None:
        _slots = asyncio.Semaphore(MAX_CHILDREN)
    async with _slots:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "billpath.web.isolated",
            input_format,
            _with_options(_terms_text(terms) if terms is not None else "{}", options),
            plan or "",  # `price-log --plan` ("" for none)
            *paths,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        try:
            out, err = await proc.communicate()
        except BaseException:  # cancelled (timed out, client gone, shutdown): stop the work now
            if proc.returncode is None:
                proc.kill()
            raise
    try:
        answer = json.loads(out)
    except ValueError:
        last = (err.decode(errors="replace").strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"price-log child exited {proc.returncode}: {last[:200]}") from None
    if "error" in answer:
        raise _error(answer["error"]["kind"], answer["error"]["message"])
    return answer["payload"]


def _with_options(terms_text: str, options: dict | None) -> str:
    """The log options (columns, since, until) ride along with the terms, under `_log`."""
    if not options:
        return terms_text
    data = json.loads(terms_text)
    data["_log"] = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in options.items()}
    return json.dumps(data)


def main(argv: list[str]) -> int:
    from datetime import date

    from billpath.api import price_log
    from billpath.catalog.store import load_catalog
    from billpath.usage.workload import Workload

    input_format, terms, plan, paths = argv[0], json.loads(argv[1]), argv[2] or None, argv[3:]
    log = terms.pop("_log", {})
    for k in ("since", "until"):
        log[k] = date.fromisoformat(log[k]) if log.get(k) else None
    try:
        workload = Workload.of(**terms)
        priced = price_log(paths, workload, input_format=input_format, catalog=load_catalog(), plan=plan, **log)
        answer = {"payload": priced.to_dict()}
    except errors.BillpathError as exc:
        kind = next(c.__name__ for c in type(exc).__mro__ if getattr(errors, c.__name__, None) is c)
        answer = {"error": {"kind": kind, "message": str(exc)}}
    sys.stdout.write(json.dumps(answer, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
