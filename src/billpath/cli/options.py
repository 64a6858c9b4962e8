"""One decorator gives a command the workload flags (`billpath.usage.workload.FIELDS`), parsed into a Workload."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterable
from typing import Annotated, Any

import typer

from billpath.usage.workload import FIELDS, TERMS, Field, Workload

# Every workload flag is read as text and checked by `Workload.parse`, so a bad value is a one-line error (exit 1).
ALL = FIELDS
PRICING_TERMS = TERMS


def _option(f: Field, help_text: str | None = None) -> inspect.Parameter:
    decls = [f.flag, *([f.short] if f.short else [])]
    option = typer.Option(*decls, metavar=f.metavar, help=help_text or f.help, show_default=False)
    return inspect.Parameter(
        f.name, inspect.Parameter.KEYWORD_ONLY, default=None, annotation=Annotated[str | None, option]
    )


def workload_options(
    selected: Iterable[Field] = ALL, help: dict[str, str] | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Add the `selected` workload flags to a command whose function takes `workload: Workload`.

    `help` rewords a flag's help where the command gives it a narrower meaning.
    The flags go before the command's own options that follow `workload` in its signature (so
    `--format` stays last in `--help`); the function receives one parsed Workload.
    """
    chosen = tuple(selected)

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        sig = inspect.signature(fn, eval_str=True)
        names = list(sig.parameters)
        at = names.index("workload")
        own = [p for p in sig.parameters.values() if p.name != "workload"]
        head = own[:at]
        tail = [p.replace(kind=inspect.Parameter.KEYWORD_ONLY) for p in own[at:]]
        added = [_option(f, (help or {}).get(f.name)) for f in chosen]

        @functools.wraps(fn)
        def command(*args: Any, **kwargs: Any) -> Any:
            values = {f.name: kwargs.pop(f.name) for f in chosen}
            return fn(*args, workload=Workload.parse(values), **kwargs)

        command.__signature__ = sig.replace(parameters=[*head, *added, *tail])  # type: ignore[attr-defined]
        command.__annotations__ = {}  # the signature above carries the evaluated annotations
        return command

    return decorate
