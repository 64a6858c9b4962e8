"""Types are checked, and the runtime catalog's features and fees are typed values, not dicts read by key.

Also the defects the type checker exposed, each tested as the general property it broke.
"""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
import sys
import tomllib
from decimal import Decimal
from pathlib import Path
from typing import get_args, get_type_hints

import pytest
from hypothesis import given
from hypothesis import strategies as st

from billpath.analysis.explain import explain_model
from billpath.analysis.hidden_costs import FEATURE_NAMES
from billpath.analysis.recommend import FEATURES
from billpath.api import price_log
from billpath.catalog import schema
from billpath.catalog.price_overlay import _scale_tier, apply_overlay
from billpath.catalog.store import (
    CAPABILITIES,
    PRICE_FIELDS,
    SNAPSHOT,
    ChannelFees,
    CreditTerms,
    OfferFeatures,
    Source,
    TierPrices,
    load_catalog,
)
from billpath.catalog.validate import validate_snapshot
from billpath.errors import BillpathError, CatalogError, UsageError
from billpath.money import decimal_places
from billpath.pricing.fees import BYOK, channel_fee, payment_methods
from tests.conftest import make_offer

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "billpath"


# --- the type checker is wired in -------------------------------------------------------------------------


def test_mypy_runs_in_make_test_and_lint_over_src() -> None:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    mypy = config["tool"]["mypy"]
    assert mypy["files"] == ["src/billpath"]
    assert mypy["check_untyped_defs"] is True
    assert "mypy" in " ".join(config["project"]["optional-dependencies"]["dev"])
    # No blanket switches: missing imports are ignored per named third-party module only, nothing disabled.
    assert not {"ignore_missing_imports", "ignore_errors", "disable_error_code"} & set(mypy)
    for override in mypy.get("overrides", []):
        assert not {"ignore_errors", "disable_error_code"} & set(override)
        modules = override["module"] if isinstance(override["module"], list) else [override["module"]]
        assert all(not m.startswith("billpath") for m in modules), "our own modules are checked"
    targets = _make_targets((ROOT / "Makefile").read_text())
    for name in ("test", "test-fast", "lint"):
        assert any(line.split()[0].endswith("/mypy") for line in _recipe(targets, name)), f"`make {name}`: no mypy"


def _make_targets(makefile: str) -> dict[str, tuple[list[str], list[str]]]:
    """target -> (prerequisites, recipe lines)."""
    targets: dict[str, tuple[list[str], list[str]]] = {}
    current = None
    for line in makefile.splitlines():
        m = re.match(r"^([A-Za-z0-9_.-]+):(?!=)(.*)$", line)
        if m:
            current = targets.setdefault(m.group(1), (m.group(2).replace("|", " ").split(), []))
        elif line.startswith("\t") and current is not None:
            current[1].append(line.strip())
    return targets


def _recipe(targets: dict[str, tuple[list[str], list[str]]], name: str) -> list[str]:
    """Every recipe line `make name` runs (its own and its prerequisites')."""
    prereqs, lines = targets[name]
    return [*lines, *(line for p in prereqs if p in targets for line in _recipe(targets, p))]


def test_every_type_ignore_names_its_error_code_and_a_reason() -> None:
    bare = []
    for path in SRC.rglob("*.py"):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "type: ignore" not in line:
                continue
            m = re.search(r"type: ignore\[[a-z-]+(, *[a-z-]+)*\]\s*#\s*\S", line)
            if not m:
                bare.append(f"{path.relative_to(ROOT)}:{n}: {line.strip()}")
    assert not bare, "a `# type: ignore` needs [error-code] and a `# reason`:\n" + "\n".join(bare)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX paths")
def test_mypy_reports_zero_errors() -> None:
    mypy = Path(sys.executable).with_name("mypy")
    out = subprocess.run([str(mypy)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stdout[-3000:] + out.stderr[-1000:]


# --- features and fees are typed, field for field with the catalog schema ---------------------------------


def _fields(cls: type) -> dict[str, object]:
    return get_type_hints(cls)


def test_runtime_features_have_exactly_the_schema_fields() -> None:
    runtime = [f.name for f in dataclasses.fields(OfferFeatures)]
    assert runtime == list(schema.Features.model_fields)
    booleans = [name for name, hint in _fields(OfferFeatures).items() if hint is bool]
    assert list(CAPABILITIES) == booleans  # every yes/no feature is a Capability, and only those


def test_runtime_fees_have_exactly_the_schema_fields() -> None:
    assert [f.name for f in dataclasses.fields(ChannelFees)] == list(schema.Fees.model_fields)
    assert [f.name for f in dataclasses.fields(CreditTerms)] == list(schema.CreditFee.model_fields)


def test_feature_names_used_by_analysis_are_capabilities() -> None:
    assert set(FEATURE_NAMES) <= set(CAPABILITIES)
    assert {v for v in FEATURES.values() if v is not None} <= set(CAPABILITIES)
    assert set(CAPABILITIES) <= {v for v in FEATURES.values() if v is not None}  # each can be required


def test_every_bundled_offer_and_channel_loads_typed(catalog) -> None:
    assert catalog.offers
    for o in catalog.offers:
        assert isinstance(o.features, OfferFeatures), o
        for name in CAPABILITIES:
            assert isinstance(o.features.has(name), bool)
    for c in catalog.channels.values():
        assert isinstance(c.fees, ChannelFees)
        assert all(isinstance(t, CreditTerms) and isinstance(t.pct, Decimal) for t in c.fees.credit.values())


def test_fees_print_exactly_as_the_snapshot_stores_them(catalog) -> None:
    raw = {c["id"]: c["fees"] for c in json.loads(SNAPSHOT.read_text(encoding="utf-8"))["channels"]}
    assert any(f["credit"] for f in raw.values())  # the test sees a channel with credit fees
    for cid, channel in catalog.channels.items():
        assert channel.fees.as_json() == raw[cid], cid


def test_absent_imported_features_mean_no() -> None:
    sparse = make_offer(features={"max_context_tokens": 200000})
    assert sparse.features.max_context_tokens == 200000
    assert not any(sparse.features.has(c) for c in CAPABILITIES)
    full = make_offer(features={c: True for c in CAPABILITIES})
    assert all(full.features.has(c) for c in CAPABILITIES)


def test_unknown_feature_in_a_snapshot_is_a_catalog_error() -> None:
    with pytest.raises(CatalogError, match=r"unknown OfferFeatures field.*teleport"):
        make_offer(features={"prompt_caching": True, "teleport": True})


# --- defects the type checker found ----------------------------------------------------------------------


BAD_LINES = {
    "not UTF-8": b'{"model": "gpt-5.5", "input_tokens": 1\xff0}',
    "too long": b'{"model": "' + b"x" * 2**20 + b'"}',
}


@pytest.fixture
def short_lines(monkeypatch) -> None:
    monkeypatch.setattr("billpath.usage.readers.base.MAX_LINE", 2**20)  # a long line without writing 64 MiB


@pytest.mark.parametrize("bad", BAD_LINES)
@pytest.mark.parametrize("position", [0, 1, 3])
@pytest.mark.parametrize("input_format", ["auto", "canonical"])
def test_an_unreadable_jsonl_line_is_rejected_alone_wherever_it_is(
    tmp_path, short_lines, bad: str, position: int, input_format: str
) -> None:
    good = [b'{"model": "gpt-5.5", "input_tokens": 10, "output_tokens": 5, "channel": "openai"}'] * 4
    lines = [*good[:position], BAD_LINES[bad], *good[position:]]
    path = tmp_path / "usage.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    result = price_log(str(path), input_format=input_format).to_dict()
    assert result["rows_total"] == 5 and result["rows_priced"] == 4 and result["rows_rejected"] == 1, result
    assert [r["line"] for r in result["rejected"]] == [position + 1]
    assert result["rows_priced"] + result["rows_unpriced"] + result["rows_rejected"] == result["rows_total"]


@pytest.mark.parametrize("bad", BAD_LINES)
@pytest.mark.parametrize("blank", [b"", b"\n\n"])
@pytest.mark.parametrize("input_format", ["auto", "canonical"])
def test_an_unreadable_csv_header_is_named(tmp_path, short_lines, bad: str, blank: bytes, input_format: str) -> None:
    path = tmp_path / "usage.csv"
    path.write_bytes(blank + BAD_LINES[bad] + b"\nmodel,input_tokens,output_tokens\ngpt-5.5,1,1\n")
    with pytest.raises(BillpathError) as exc:  # no row can be read without its header: the file is refused
        price_log(str(path), input_format=input_format)
    message = str(exc.value)
    assert "\n" not in message and "empty" not in message, message
    assert re.search(r"not UTF-8|line longer|not valid JSON|header", message), message


@pytest.mark.parametrize("blank", [b"\n", b"\r\n\r\n"])
@pytest.mark.parametrize("input_format", ["auto", "canonical"])
def test_blank_lines_before_a_csv_header_are_skipped(tmp_path, blank: bytes, input_format: str) -> None:
    path = tmp_path / "usage.csv"
    path.write_bytes(blank + b"model,input_tokens,output_tokens,channel\ngpt-5.5,1,1,openai\n\ngpt-5.5,2,2,openai\n")
    result = price_log(str(path), input_format=input_format).to_dict()
    assert (result["rows_total"], result["rows_priced"]) == (2, 2), result


@pytest.mark.parametrize("sample", sorted(p.name for p in (ROOT / "examples").glob("*.csv")))  # every CSV reader
@pytest.mark.parametrize("blank", [b"", b"\n\n"])
@pytest.mark.parametrize("bad", BAD_LINES)
def test_an_unreadable_csv_line_is_rejected_alone_wherever_it_is(
    tmp_path, short_lines, sample: str, blank: bytes, bad: str
) -> None:
    header, *rows = (ROOT / "examples" / sample).read_bytes().rstrip(b"\n").split(b"\n")
    clean = tmp_path / "clean.csv"
    clean.write_bytes(blank + b"\n".join([header, *rows]) + b"\n")
    expected = price_log(str(clean)).to_dict()
    assert expected["rows_priced"] and expected["rows_rejected"] == 0  # (bills skip lines that are not usage)
    for position in range(len(rows) + 1):
        path = tmp_path / f"bad-{position}.csv"
        lines = [header, *rows[:position], BAD_LINES[bad], *rows[position:]]
        path.write_bytes(blank + b"\n".join(lines) + b"\n")
        got = price_log(str(path)).to_dict()
        bad_line = blank.count(b"\n") + position + 2  # after the blank lines and the header
        assert [r["line"] for r in got["rejected"]] == [bad_line], (position, got["rejected"])
        assert got["rows_total"] == expected["rows_total"] + 1
        assert (got["rows_priced"], got["rows_unpriced"]) == (expected["rows_priced"], expected["rows_unpriced"])
        assert got["total_usd"] == expected["total_usd"]


def test_an_unreadable_file_is_not_called_empty(tmp_path) -> None:
    path = tmp_path / "usage.bin"
    path.write_bytes(b"\xff\xfe\n\n\xff\n")
    out = subprocess.run(
        [str(Path(sys.executable).with_name("billpath")), "price-log", str(path)], capture_output=True, text=True
    )
    assert out.returncode == 1 and out.stderr.count("\n") == 1, out.stderr
    assert "empty" not in out.stderr and "UTF-8" in out.stderr, out.stderr


def _one_offer_snapshot(price: object, batch: object) -> dict:
    offer = {
        "model": "m",
        "channel": "c",
        "variant": "standard",
        "variant_kind": "standard",
        "ids": ["m"],
        "effective_from": "2026-01-01",
        "effective_to": None,
        "tiers": [{"above_input_tokens": 0, "input_per_mtok": price, "output_per_mtok": "1", "per_request": "0"}],
        "batch_multiplier": batch,
        "notes": [],
        "source": {"url": "https://example.test/prices", "checked": "2026-11-26"},
    }
    return {
        "models": [{"id": "m"}],
        "channels": [{"id": "c"}],
        "offers": [offer],
        "aliases": {"m": ["m", None, None]},
    }


ODD = st.one_of(
    st.sampled_from(["NaN", "sNaN", "-NaN", "Infinity", "-Infinity", "inf", "1e999999999", "x", "", "1,5", " 2 "]),
    st.text(max_size=8),
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=2), st.integers(), max_size=1),
)


@given(price=ODD, batch=ODD)
def test_validate_reports_any_price_value_never_crashes(price: object, batch: object) -> None:
    problems = validate_snapshot(_one_offer_snapshot(price, batch))
    assert all(isinstance(p, str) for p in problems)
    finite = isinstance(price, str | int | float) and not isinstance(price, bool)
    if price is not None and not finite:
        assert any("input_per_mtok" in p for p in problems)


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_validate_names_non_finite_prices_and_multipliers(value: str) -> None:
    problems = validate_snapshot(_one_offer_snapshot(value, value))
    assert any(f"input_per_mtok {value!r} is not a finite number" in p for p in problems), problems
    assert any(f"batch_multiplier {value} must be in (0, 100]" in p for p in problems), problems


@pytest.mark.parametrize("value", ["NaN", "sNaN", "Infinity", "-Infinity"])
def test_decimal_places_refuses_non_finite(value: str) -> None:
    with pytest.raises(ValueError, match="not a finite number"):
        decimal_places(Decimal(value))
    assert decimal_places(Decimal("1.250")) == 3 and decimal_places(Decimal("1E+2")) == 0


def _channel(fees: ChannelFees):
    from billpath.catalog.store import Channel

    return Channel("shop", "aggregator", "Shop", (), (), True, fees, (), Source("https://example.test", "2026-01-01"))


@pytest.mark.parametrize(
    "fees",
    [
        ChannelFees(credit={"card": CreditTerms(Decimal("5"), Decimal("0"))}, default_payment="card"),
        ChannelFees(credit={}, byok_pct=Decimal("5")),
        ChannelFees(credit={"card": CreditTerms(Decimal("5"), Decimal("1"))}, default_payment="card", byok_pct=None),
    ],
)
@pytest.mark.parametrize("payment", [None, "card", BYOK, "crypto", "cash"])
def test_every_payment_method_either_prices_or_names_the_known_ones(fees: ChannelFees, payment) -> None:
    channel = _channel(fees)
    known = payment_methods(channel)
    method = payment or fees.default_payment
    try:
        fee, _ = channel_fee(channel, Decimal(100), Decimal(10), payment)
    except UsageError as exc:
        assert method not in known
        assert all(k in str(exc) for k in known)
    else:
        assert method in known and fee >= 0


def test_an_overlay_scales_every_price_field() -> None:
    tier = TierPrices(0, *(Decimal(i + 1) for i in range(len(PRICE_FIELDS))))
    scaled = _scale_tier(tier, Decimal("0.5"))
    for name in PRICE_FIELDS:
        assert getattr(scaled, name) == getattr(tier, name) / 2, name
    absent = TierPrices(0, Decimal(1), Decimal(1), None, None, None, None, Decimal(0))
    assert _scale_tier(absent, Decimal(2)) == TierPrices(0, Decimal(2), Decimal(2), None, None, None, None, Decimal(0))


def test_explain_with_a_free_direct_price_answers(tmp_path) -> None:
    overlay = tmp_path / "free.toml"
    overlay.write_text(
        '[[prices]]\nmodel = "claude-sonnet-4-6"\nchannel = "anthropic"\ninput_per_mtok = "0"\noutput_per_mtok = "0"\n'
    )
    catalog = apply_overlay(load_catalog(), overlay)
    assert any(catalog.channels[o.channel].kind == "cloud" for o in catalog.offers_for("claude-sonnet-4-6"))
    answer = explain_model("claude-sonnet-4-6", catalog=catalog)["answers"][0]["answer"]
    assert "costs nothing on its maker's own API" in answer


def test_capability_literal_is_the_runtime_tuple() -> None:
    from billpath.catalog.store import Capability

    assert get_args(Capability) == CAPABILITIES
