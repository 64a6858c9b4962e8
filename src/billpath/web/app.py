"""The HTTP API and the calculator page: a thin FastAPI layer over the functions the CLI calls.

Every /api answer is the `to_dict()` (or listing payload) of the same function the matching CLI
command prints with `--format json`, so the page, the API and the terminal never disagree.
"""

from __future__ import annotations

import inspect
import json
import os
import re
import tempfile
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal, get_args

from fastapi import Depends, FastAPI, File, Form, Query, Request, UploadFile
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route
from starlette.staticfiles import StaticFiles

from billpath import __version__
from billpath.catalog.subscriptions import plan_ids as _plan_ids
from billpath.errors import BillpathError, CatalogError, UnknownChannel, UnknownModel, UsageError, for_clients
from billpath.usage.readers import FORMATS
from billpath.usage.workload import FIELDS, PAYMENTS, PRICE_LOG_HELP, TERMS, Field, Workload
from billpath.web import schemas
from billpath.web.safety import (
    PROBLEM,
    BodyLimit,
    HeadAsGet,
    InFlightLimit,
    ResultCache,
    SecurityHeaders,
    Timeout,
    problem_body,
)

STATIC = Path(__file__).parent / "static"
JSON = "application/json"

# Query numbers: plain digits with an optional fraction. Bounded so Decimal arithmetic stays exact
# (28 significant digits) for any accepted workload.
COUNT = r"^\d{1,12}(\.\d{1,4})?$"
SHARE = r"^(0(\.\d{1,6})?|1(\.0{1,6})?)$"
REQUESTS = r"^0*[1-9]\d{0,11}(\.\d{1,4})?$"
LOG_FORMATS = Literal[FORMATS]  # type: ignore[valid-type]  # the readers' own list: one place to add a format
# `price-log --plan`: the schema lists them; "" (the default) is no plan (a multipart form has no null)
PLAN_IDS = Literal[("", *_plan_ids())]  # type: ignore[valid-type]  # a Literal built at import from the catalog
UPLOAD_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,10}$")


@dataclass(frozen=True)
class Settings:
    max_upload_bytes: int = 200 * 1024 * 1024
    request_timeout_s: float = 120.0
    allowed_hosts: tuple[str, ...] | None = None  # Host header allow-list (DNS rebinding); None: any
    compare_cache_size: int = 1024  # GET answers (CACHED_PATHS) kept in memory per worker (0: none)
    max_in_flight: int = 1000  # requests in progress at once; past it 503
    # Price uploads in a child process, killed when the request times out (`billpath serve` does);
    # False: on a thread of this process (tests driving the app in-process).
    isolate_price_log: bool = False

    @classmethod
    def from_env(cls) -> Settings:
        """Settings for `billpath serve` workers, passed through the environment."""
        hosts = os.environ.get("BILLPATH_ALLOWED_HOSTS")
        return cls(
            max_upload_bytes=int(os.environ.get("BILLPATH_MAX_UPLOAD_BYTES", cls.max_upload_bytes)),
            request_timeout_s=float(os.environ.get("BILLPATH_REQUEST_TIMEOUT", cls.request_timeout_s)),
            allowed_hosts=tuple(h for h in hosts.split(",") if h) if hosts else None,
            isolate_price_log=os.environ.get("BILLPATH_ISOLATE_PRICE_LOG", "1") == "1",
        )


# GET answers that depend only on path, query, catalog and day: served from memory when repeated.
CACHED_PATHS = ("/api/compare", "/api/recommend", "/api/models", "/api/channels", "/api/lag", "/api/explain")


def _json(payload: dict) -> bytes:
    return json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode()


def catalog_info() -> dict:
    """What the server prices with: catalog size and how fresh its sources are."""
    from billpath.catalog.store import load_catalog

    catalog = load_catalog()
    checked = sorted({o.source.checked for o in catalog.offers} | {c.source.checked for c in catalog.channels.values()})
    return {
        "version": __version__,
        "models": len(catalog.models),
        "channels": len(catalog.channels),
        "offers": len(catalog.offers),
        "sources_checked": {"oldest": checked[0], "newest": checked[-1]} if checked else {},
    }


def _status_of(exc: BillpathError) -> tuple[int, str]:
    if isinstance(exc, UnknownModel):
        return 404, "unknown-model"
    if isinstance(exc, UnknownChannel):
        return 404, "unknown-channel"
    if isinstance(exc, UsageError):
        return 422, "bad-usage"
    if isinstance(exc, CatalogError):
        return 500, "catalog"
    return 400, "bad-request"


def _form_date(name: str, text: str) -> date | None:
    """An optional date form field ('' when not given); a bad one is a 400 naming the field."""
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BillpathError(f"{name} must be a date like 2026-10-01, got {text!r}") from None


def _validation_detail(exc: RequestValidationError) -> str:
    parts = []
    for err in exc.errors():
        loc = [str(x) for x in err.get("loc", ()) if x not in ("query", "body")]
        name = ".".join(loc) or "request"
        if err.get("type") == "string_pattern_mismatch":
            wanted = {
                COUNT: "a non-negative number (digits, optional fraction, up to 12 integer digits)",
                SHARE: "a share between 0 and 1",
                REQUESTS: "a number of requests, at least 1",
            }.get(err.get("ctx", {}).get("pattern"), "in the documented format")
            parts.append(f"{name} must be {wanted}, got {err.get('input')!r}")
        elif err.get("type", "").startswith("date_"):
            parts.append(f"{name} must be a real date like 2026-03-01, got {err.get('input')!r}")
        elif err.get("type") == "missing":
            parts.append(f"{name} is required")
        else:
            parts.append(f"{name}: {err.get('msg')}")
    return "; ".join(parts) or "invalid request"


def _problem(status: int, detail: str, kind: str, request: Request) -> Response:
    return Response(problem_body(status, detail, kind, request.url.path), status_code=status, media_type=PROBLEM)


def _endpoint_for(app: FastAPI) -> Callable[[tuple[str, ...], dict[str, str]], str | None]:
    """What an HTTP client calls instead of a `billpath` command a message names (None: nothing it can call)."""

    def endpoint(command: tuple[str, ...], params: dict[str, str]) -> str | None:
        if len(command) != 1:
            return None
        path = f"/api/{command[0]}"
        methods = [m for r in app.routes if isinstance(r, Route) and r.path == path for m in (r.methods or ())]
        if not methods:
            return None
        method = "GET" if "GET" in methods else sorted(methods)[0]
        query = "&".join(f"{k}={v}" for k, v in params.items())
        return f"{method} {path}" + (f"?{query}" if query else "")

    return endpoint


def api_detail(message: str, app: FastAPI) -> str:
    """An error message worded for an HTTP client: parameters as the query or form names them, no shell advice."""
    return for_clients(message, _endpoint_for(app))


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(BillpathError)
    async def billpath_error(request: Request, exc: BillpathError) -> Response:
        status, kind = _status_of(exc)
        detail = api_detail(str(exc), app)
        if isinstance(exc, UnknownModel) and exc.suggestions:  # the closest known models, offered as links by the page
            body = json.loads(problem_body(status, detail, kind, request.url.path))
            return Response(_json({**body, "suggestions": exc.suggestions}), status_code=status, media_type=PROBLEM)
        return _problem(status, detail, kind, request)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        return _problem(422, _validation_detail(exc), "invalid-parameter", request)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if exc.status_code != 404 else f"no such page or endpoint: {request.url.path}"
        if exc.status_code == 405:
            detail = f"{request.method} is not allowed on {request.url.path}"
        answer = _problem(exc.status_code, str(detail), "http", request)
        answer.headers.update(exc.headers or {})  # e.g. Allow on a 405
        return answer

    @app.exception_handler(Exception)
    async def bug(request: Request, exc: Exception) -> Response:  # a bug: one line, never a traceback
        return _problem(500, f"internal error: {type(exc).__name__}", "internal", request)


Count = Annotated[str, Query(pattern=COUNT, max_length=17, description="Tokens per request (non-negative).")]
Model = Annotated[str, Query(min_length=1, max_length=200, description="Canonical id, display name or channel id.")]


# The workload's query parameters, from the one list of workload fields (`billpath.usage.workload.FIELDS`).
# `prices` names a file: a client cannot name a file on the server, so the web has no overlay.
WEB_FIELDS = tuple(f for f in FIELDS if f.kind != "path")
TERMS_FIELDS = tuple(f for f in WEB_FIELDS if f in TERMS)
QUERY_TEXT = {"count": (COUNT, 17), "requests": (REQUESTS, 24), "usd": (REQUESTS, 24), "share": (SHARE, 8)}


def _query_parameter(f: Field, help_text: str | None = None) -> inspect.Parameter:
    description = for_clients(help_text or f.help)  # "part of output_tokens", not "--output-tokens"
    if f.kind == "date":
        annotation: Any = Annotated[date | None, Query(description=description)]
    elif f.kind == "payment":
        annotation = Annotated[Literal[PAYMENTS] | None, Query(description=description)]
    else:
        pattern, length = QUERY_TEXT[f.kind]
        annotation = Annotated[str | None, Query(pattern=pattern, max_length=length, description=description)]
    return inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=annotation)


def _workload_dependency(
    selected: tuple[Field, ...], help: dict[str, str] | None = None
) -> Callable[..., Awaitable[Workload]]:
    """A FastAPI dependency reading `selected` workload fields from the query string into one Workload."""

    async def dependency(**values: object) -> Workload:  # async: parsed inline, no thread hop
        return Workload.parse(values)

    # inspect.signature (and so FastAPI) reads __signature__, which functions do not declare
    dependency.__signature__ = inspect.Signature(  # type: ignore[attr-defined]  # see above
        [_query_parameter(f, (help or {}).get(f.name)) for f in selected], return_annotation=Workload
    )
    return dependency


workload = _workload_dependency(WEB_FIELDS)
pricing_terms = _workload_dependency(TERMS_FIELDS, PRICE_LOG_HELP)


def _requirements() -> list[str]:
    from billpath.analysis.recommend import KNOWN

    return list(KNOWN)


def _catalog():
    """The bundled catalog (no overlay: a client cannot name a file on the server)."""
    from billpath.catalog.store import load_catalog

    return load_catalog()


def create_app(settings: Settings | None = None) -> FastAPI:
    """The ASGI app (uvicorn factory)."""
    settings = settings or Settings.from_env()
    app = FastAPI(
        title="billpath",
        version=__version__,
        description="What LLM usage costs on every channel that sells the same model, exactly. "
        "Money is an exact decimal string in US dollars; errors are application/problem+json.",
        docs_url=None,  # the Swagger/ReDoc pages load assets from a CDN: not here
        redoc_url=None,
        openapi_url="/openapi.json",
    )
    _install_error_handlers(app)

    @app.get(
        "/api/compare",
        response_class=Response,
        responses={200: schemas.ok(schemas.COMPARE, "Quotes on every channel"), **schemas.problems(404, 422)},
        summary="Compare a workload on every channel (same JSON as `billpath compare --format json`)",
    )
    async def api_compare(
        model: Model,
        w: Annotated[Workload, Depends(workload)],
        all_variants: Annotated[bool, Query(description="Also show service tiers (fast, priority, flex).")] = False,
        seats: Annotated[int, Query(ge=1, le=100_000, description="Coding-tool seats sharing the workload.")] = 1,
    ) -> Response:
        from billpath.api import compare

        def answer() -> bytes:
            return _json(compare(model, w, all_variants=all_variants, seats=seats, catalog=_catalog()).to_dict())

        # Computed on a worker thread: measured 3-4x the throughput of computing on the event loop
        # (bench/serve_load.py --mix unique), and answers from the cache keep flowing meanwhile.
        return Response(await run_in_threadpool(answer), media_type=JSON)

    @app.get(
        "/api/recommend",
        response_class=Response,
        responses={200: schemas.ok(schemas.RECOMMEND, "Ranked channels with reasons"), **schemas.problems(404, 422)},
        summary="Rank channels under constraints (same JSON as `billpath recommend --format json`)",
    )
    def api_recommend(
        model: Model,
        w: Annotated[Workload, Depends(workload)],
        require: Annotated[
            list[str] | None,
            Query(
                max_length=20,
                description="Repeatable: billing:aws|azure|gcp, region:us|eu, failover, multi-maker, feature:...",
                json_schema_extra={"items": {"type": "string", "enum": _requirements()}},
            ),
        ] = None,
        seats: Annotated[int, Query(ge=1, le=100_000, description="Coding-tool seats sharing the workload.")] = 1,
    ) -> Response:
        from billpath.api import recommend

        result = recommend(model, w, requires=require or [], seats=seats, catalog=_catalog())
        return Response(_json(result.to_dict()), media_type=JSON)

    @app.get(
        "/api/lag",
        response_class=Response,
        responses={200: schemas.ok({"type": "object"}, "Version lag per channel"), **schemas.problems(404, 422)},
        summary="Days each channel got the model after its release (same JSON as `billpath lag --format json`)",
    )
    def api_lag(model: Model) -> Response:
        from billpath.analysis.hidden_costs import lag_report

        return Response(_json(lag_report(model, catalog=_catalog())), media_type=JSON)

    @app.get(
        "/api/explain",
        response_class=Response,
        responses={200: schemas.ok({"type": "object"}, "Answers with citations"), **schemas.problems(404, 422)},
        summary="The article's four questions for a model (same JSON as `billpath explain --format json`)",
    )
    def api_explain(
        model: Model,
        at: Annotated[date | None, Query(description="Price at this date (default today).")] = None,
    ) -> Response:
        from billpath.analysis.explain import explain_model

        return Response(_json(explain_model(model, at=at, catalog=_catalog())), media_type=JSON)

    @app.get(
        "/api/models",
        response_class=Response,
        responses={200: schemas.ok(schemas.MODELS, "The catalog's models"), **schemas.problems(404, 422)},
        summary="List models (same JSON as `billpath models --format json`)",
    )
    def api_models(
        search: Annotated[str | None, Query(max_length=200)] = None,
        maker: Annotated[str | None, Query(max_length=100)] = None,
        channel: Annotated[str | None, Query(max_length=100)] = None,
    ) -> Response:
        from billpath.report.listing import models_listing

        payload, _ = models_listing(search=search, maker=maker, channel=channel)
        return Response(_json(payload), media_type=JSON)

    @app.get(
        "/api/channels",
        response_class=Response,
        responses={200: schemas.ok(schemas.CHANNELS, "The catalog's channels")},
        summary="List channels (same JSON as `billpath channels --format json`)",
    )
    def api_channels() -> Response:
        from billpath.report.listing import channels_listing

        payload, _ = channels_listing()
        return Response(_json(payload), media_type=JSON)

    @app.get(
        "/api/catalog",
        response_class=Response,
        responses={200: schemas.ok(schemas.CATALOG, "Catalog size and source freshness")},
        summary="What the server prices with",
    )
    def api_catalog() -> Response:
        info = catalog_info()
        info["endpoints"] = sorted({r.path for r in app.routes if isinstance(r, Route) and r.path.startswith("/api/")})
        info["input_formats"] = list(get_args(LOG_FORMATS))  # the page's log format picker
        return Response(_json(info), media_type=JSON)

    _install_price_log(app, settings)
    _install_scenarios(app)
    _install_page(app)

    # Added innermost first: security headers, HEAD, the in-flight limit, the body limit and the Host check
    # wrap everything.
    app.add_middleware(Timeout, seconds=settings.request_timeout_s)
    app.add_middleware(ResultCache, path=CACHED_PATHS, size=settings.compare_cache_size)
    if settings.allowed_hosts:
        from starlette.middleware.trustedhost import TrustedHostMiddleware

        app.add_middleware(TrustedHostMiddleware, allowed_hosts=list(settings.allowed_hosts))
    app.add_middleware(BodyLimit, max_bytes=settings.max_upload_bytes)
    app.add_middleware(InFlightLimit, limit=settings.max_in_flight)
    app.add_middleware(HeadAsGet)
    app.add_middleware(SecurityHeaders)
    _settle()
    return app


def _settle() -> None:
    """Load the catalog now and move everything built so far out of the garbage collector's sight.

    A full collection walks every live object; the catalog and the imported modules are tens of
    thousands of them and live as long as the process, so without `gc.freeze()` each gen-2 pass
    (every few thousand requests) stalls the worker for tens of milliseconds.
    """
    import gc

    _catalog()
    gc.collect()
    gc.freeze()


def _upload_suffix(filename: str | None) -> str:
    """The client's file extension (for format detection) and nothing else of its name or path."""
    suffix = Path((filename or "").replace("\\", "/").rsplit("/", 1)[-1]).suffix
    return suffix.lower() if UPLOAD_SUFFIX.match(suffix) else ""


def _client_name(filename: str | None, i: int) -> str:
    """The uploaded file's base name, for display only (never used to open anything)."""
    name = (filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    return name[:200] or f"upload-{i}"


def _install_price_log(app: FastAPI, settings: Settings) -> None:
    try:
        from billpath.analysis import price_log  # noqa: F401  (the price-log feature)
    except ImportError:
        return

    @app.post(
        "/api/price-log",
        response_class=Response,
        responses={200: schemas.ok(schemas.PRICE_LOG, "The priced log"), **schemas.problems(400, 413, 422, 504)},
        summary="Price an uploaded usage log (same JSON as `billpath price-log --format json`)",
    )
    async def api_price_log(
        file: Annotated[
            list[UploadFile], File(description="One or more usage log files.", json_schema_extra={"minItems": 1})
        ],
        terms: Annotated[Workload, Depends(pricing_terms)],
        input_format: Annotated[LOG_FORMATS, Form()] = "auto",
        column: Annotated[
            list[str] | None, Form(description="FIELD=HEADER: map a CSV header to a canonical field (repeatable).")
        ] = None,
        since: Annotated[str, Form(description="Only rows dated on or after this day (UTC), e.g. 2026-10-01.")] = "",
        until: Annotated[str, Form(description="Only rows dated on or before this day (UTC), e.g. 2026-10-31.")] = "",
        plan: Annotated[
            PLAN_IDS,  # type: ignore[valid-type]  # a Literal of the catalog's plan ids, built at import
            Form(description="Compare with a subscription (e.g. claude-max-5x, cursor-pro); empty: none."),
        ] = "",
    ) -> Response:
        with tempfile.TemporaryDirectory(prefix="billpath-upload-") as tmp:
            paths, names = [], {}
            for i, upload in enumerate(file):
                path = Path(tmp) / f"upload-{i}{_upload_suffix(upload.filename)}"
                with path.open("wb") as out:
                    while chunk := await upload.read(1 << 20):
                        out.write(chunk)
                paths.append(str(path))
                names[str(path)] = _client_name(upload.filename, i)
            try:
                options: dict[str, Any] = {
                    "columns": column or None,
                    "since": _form_date("since", since),
                    "until": _form_date("until", until),
                }
                if settings.isolate_price_log:
                    from billpath.web.isolated import price_log_isolated

                    payload = await price_log_isolated(paths, input_format, terms, options, plan=str(plan) or None)
                else:
                    from billpath.api import price_log

                    def priced() -> dict:
                        return price_log(
                            paths,
                            terms,
                            input_format=input_format,
                            catalog=_catalog(),
                            plan=str(plan) or None,
                            **options,
                        ).to_dict()

                    payload = await run_in_threadpool(priced)
            except BillpathError as exc:  # name the client's files, not the server's temporary paths
                raise type(exc)(_unlocate(str(exc), names, tmp)) from None
        for item in payload.get("inputs", []):
            item["file"] = names.get(item.get("file"), item.get("file"))
        return Response(_unlocate(_json(payload).decode(), names, tmp).encode(), media_type=JSON)


def _install_scenarios(app: FastAPI) -> None:
    @app.post(
        "/api/scenarios",
        response_class=Response,
        responses={200: schemas.ok({"type": "object"}, "Scenarios month by month"), **schemas.problems(400, 413, 422)},
        summary="Named workload scenarios side by side (same JSON as `billpath scenarios FILE --format json`)",
    )
    def api_scenarios(
        file: Annotated[UploadFile, File(description="A scenarios TOML file (see examples/scenarios.toml).")],
    ) -> Response:
        from billpath.api import scenarios

        with tempfile.TemporaryDirectory(prefix="billpath-upload-") as tmp:
            path = Path(tmp) / "scenarios.toml"
            path.write_bytes(file.file.read())
            names = {str(path): _client_name(file.filename, 0)}
            try:
                payload = scenarios(str(path), catalog=_catalog())
            except BillpathError as exc:  # name the client's file, not the server's temporary path
                # A scenarios file the catalog's schema rejects is the client's error, not the server's.
                kind = UsageError if isinstance(exc, CatalogError) else type(exc)
                raise kind(_unlocate(str(exc), names, tmp)) from None
        return Response(_unlocate(_json(payload).decode(), names, tmp).encode(), media_type=JSON)


def _unlocate(text: str, names: dict[str, str], tmp: str) -> str:
    """Server temporary paths in `text` replaced by the client's own file names."""
    for path, name in names.items():
        text = text.replace(json.dumps(path)[1:-1], json.dumps(name, ensure_ascii=False)[1:-1])
        text = text.replace(path, name)
    return text.replace(tmp, "upload")


def _install_page(app: FastAPI) -> None:
    index = (STATIC / "index.html").read_bytes()

    @app.get("/", include_in_schema=False)
    def page() -> Response:
        return Response(index, media_type="text/html; charset=utf-8", headers={"cache-control": "no-cache"})

    app.mount("/static", StaticFiles(directory=STATIC), name="static")
