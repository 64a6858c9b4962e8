"""A format name -> its reader module, imported the first time it is asked for.

A run reads one or two formats; importing all sixteen readers to tell them apart cost a small log's run about 15 ms.
Detection asks only the readers it tries (`billpath.usage.readers.detect`), in order.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator, Mapping
from types import ModuleType


class Readers(Mapping[str, ModuleType]):
    """Format name -> reader module (`billpath.usage.readers.<module>`), in the order given."""

    def __init__(self, modules: Mapping[str, str]) -> None:
        self._modules = dict(modules)

    def __getitem__(self, fmt: str) -> ModuleType:
        return importlib.import_module(f"billpath.usage.readers.{self._modules[fmt]}")

    def __iter__(self) -> Iterator[str]:
        return iter(self._modules)

    def __len__(self) -> int:
        return len(self._modules)

    def modules(self) -> dict[str, str]:
        """Format name -> module name (to build a larger registry from this one)."""
        return dict(self._modules)
