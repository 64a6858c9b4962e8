from __future__ import annotations

import pytest

from billpath.catalog.store import Resolved
from billpath.errors import UnknownModel


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("claude-opus-4-8", Resolved("claude-opus-4-8")),
        ("Claude Opus 4.8", Resolved("claude-opus-4-8")),
        ("claude opus 4.8", Resolved("claude-opus-4-8")),
        ("claude-opus-4.8", Resolved("claude-opus-4-8")),
        ("gpt-5.4-mini-2026-03-17", Resolved("gpt-5.4-mini")),
        ("claude-sonnet-4-6-20260217", Resolved("claude-sonnet-4-6")),
        ("anthropic.claude-sonnet-4-6-v1:0", Resolved("claude-sonnet-4-6", "aws-bedrock", "regional")),
        ("us.anthropic.claude-sonnet-4-6-v1:0", Resolved("claude-sonnet-4-6", "aws-bedrock", "regional")),
        ("global.anthropic.claude-sonnet-4-6-v1:0", Resolved("claude-sonnet-4-6", "aws-bedrock", "global")),
        ("claude-sonnet-4-6@20260217", Resolved("claude-sonnet-4-6", "google-vertex", "global")),
        ("anthropic/claude-sonnet-4.6", Resolved("claude-sonnet-4-6", "openrouter", "standard")),
        ("azure/eu/gpt-5.5", Resolved("gpt-5.5", "azure", "data-zone")),
        ("azure/gpt-5.5", Resolved("gpt-5.5", "azure", "global")),
        ("deepseek-chat", Resolved("deepseek-chat")),  # a moving alias: its own entry, priced per window
    ],
)
def test_names_resolve(catalog, name, expected) -> None:
    assert catalog.resolve(name) == expected


@pytest.mark.parametrize("name", ["opus-4", "claude-opus-9", "gpt-5.5-ultra", "sonnet", "gpt-5.5-turbo", ""])
def test_unknown_names_are_errors_naming_the_closest(catalog, name) -> None:
    with pytest.raises(UnknownModel) as exc:
        catalog.resolve(name)
    assert "closest known:" in str(exc.value)


def test_close_matches_are_real_models(catalog) -> None:
    with pytest.raises(UnknownModel) as exc:
        catalog.resolve("claude-opus-4-9")
    assert "claude-opus-4-8" in str(exc.value)


def test_dot_insensitive_lookup_is_the_index_over_every_name() -> None:
    """`Catalog._loose` (an index over the dotted names only) finds what an index of every name's loose form finds;
    it relies on the alias keys being normalised, which the exact lookup needs too."""
    from billpath.catalog.names import loose_name, normalize_name
    from billpath.catalog.store import load_catalog

    catalog = load_catalog()
    assert all(normalize_name(k) == k for k in catalog.aliases)
    full: dict[str, set[tuple]] = {}
    for key, target in catalog.aliases.items():
        full.setdefault(loose_name(key), set()).add(tuple(target))
    for name in [*list(full)[::7], *(k for k in catalog.aliases if "." in k)]:
        assert catalog._loose(name) == full[loose_name(name)], name
    assert catalog._loose("no-such-model-anywhere") == set()
