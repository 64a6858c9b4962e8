"""Property: any bytes fed to any reader end in a one-line error or a result whose row identity holds.

Three byte sources: raw random bytes, byte-level mutations of a valid file of each format (flips,
cuts, insertions of hostile fragments), and files spliced from fragments of every format. Each runs
through `price_log` with every `--input-format` (auto included): the only allowed failure is a
`BillpathError` with a one-line message; any other exception (an internal error) fails the test.
"""

from __future__ import annotations

import itertools
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from billpath.analysis.price_log import price_log
from billpath.errors import BillpathError
from billpath.usage.readers import FORMATS, READERS
from billpath.usage.readers.base import ListSink
from tests.hostile import CSV_FORMATS, JSON_FORMATS, JSONL_TOO, Raw, csv_text, dumps

GOOD = (1000, 500)


def _valid_files() -> list[bytes]:
    out = []
    for fmt, f in sorted(JSON_FORMATS.items()):
        recs = [f.record(*GOOD), f.record(7, 3)]
        out.append(dumps(f.wrap(recs) if f.wrap else recs).encode())
        if fmt in JSONL_TOO:
            out.append("".join(dumps(r) + "\n" for r in recs).encode())
    for header, row in CSV_FORMATS.values():
        out.append(csv_text(header, [row(*GOOD), row(7, 3)]).encode())
    return out


VALID = _valid_files()
FRAGMENTS = [
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b'"',
    b"\n",
    b"\r\n",
    b"\x00",
    b"\xff",
    b"\xe9",
    b"\xef\xbb\xbf",
    b"null",
    b"true",
    b"-1",
    b"1e400",
    b"9" * 5000,
    b"NaN",
    "\uff11\uff12\uff13".encode(),
    b'"input_tokens"',
    b'"model"',
    b"model,input_tokens,output_tokens\n",
    b"gpt-5.5,1,1\n",
    b"\x1f\x8b",
    b"PAR1",
] + [v[i : i + 40] for v in VALID for i in range(0, len(v), 40)]
SEQ = itertools.count()
TMP = Path(tempfile.mkdtemp(prefix="billpath-prop-"))


def _write(data: bytes) -> Path:
    path = TMP / f"f{next(SEQ)}"
    path.write_bytes(data)
    return path


def _mutated() -> st.SearchStrategy[bytes]:
    @st.composite
    def build(draw) -> bytes:
        data = bytearray(draw(st.sampled_from(VALID)))
        for _ in range(draw(st.integers(1, 4))):
            op = draw(st.sampled_from(["flip", "cut", "insert", "truncate"]))
            at = draw(st.integers(0, max(0, len(data) - 1)))
            if op == "flip" and data:
                data[at] = draw(st.integers(0, 255))
            elif op == "cut":
                del data[at : at + draw(st.integers(1, 20))]
            elif op == "insert":
                data[at:at] = draw(st.sampled_from(FRAGMENTS))
            else:
                del data[at:]
        return bytes(data)

    return build()


VALUE_TEXTS = ["null", "-1", "1.5", "true", '"12"', '"\\uff11\\uff12"', '"²"', "1e400", "9" * 5000, "{}", "[]", '""']


def _valued() -> st.SearchStrategy[bytes]:
    """Valid files of every format whose counts are replaced by hostile JSON values (the likeliest to reach deep)."""

    @st.composite
    def build(draw) -> bytes:
        fmt = draw(st.sampled_from(sorted(JSON_FORMATS)))
        f = JSON_FORMATS[fmt]
        recs = []
        for _ in range(draw(st.integers(1, 4))):
            values = [Raw(draw(st.sampled_from(VALUE_TEXTS))) if draw(st.booleans()) else n for n in GOOD]
            recs.append(f.record(*values))
        if f.wrap is None or (fmt in JSONL_TOO and draw(st.booleans())):
            return "".join(dumps(r) + "\n" for r in recs).encode()
        return dumps(f.wrap(recs)).encode()

    return build()


ANY_BYTES = st.one_of(
    st.binary(max_size=600),
    _mutated(),
    _valued(),
    st.lists(st.sampled_from(FRAGMENTS), max_size=30).map(b"".join),
)


def _check(data: bytes, fmt: str) -> None:
    path = _write(data)
    try:
        r = price_log([str(path)], input_format=fmt)
    except BillpathError as exc:
        message = " ".join(str(exc).split())
        assert message, "an error with no message"
        assert len(message) < 2000
        return
    assert r.rows_priced + r.rows_unpriced + r.rows_rejected == r.rows_total
    assert min(r.rows_priced, r.rows_unpriced, r.rows_rejected) >= 0
    assert all(e["line"] >= 1 for e in r.rejected)
    for t in r.by_model.values():
        if any(v for k, v in t.quantities.items() if k != "requests"):
            assert t.cost.total > 0, "a priced row with tokens at $0"


SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck), database=None)


@SETTINGS
@given(data=ANY_BYTES, fmt=st.sampled_from(FORMATS))
def test_any_bytes_any_format_price_log(data, fmt):
    _check(data, fmt)


@settings(max_examples=400, deadline=None, suppress_health_check=list(HealthCheck), database=None)
@given(data=ANY_BYTES, fmt=st.sampled_from(sorted(READERS)))
def test_any_bytes_any_reader_rows_or_one_error(data, fmt):
    """The readers alone (fast, so many more examples): rows with a line, rejections with a reason, or an error."""
    path = _write(data)
    sink = ListSink()
    try:
        READERS[fmt].read(path, sink)
    except BillpathError as exc:
        assert " ".join(str(exc).split())
        return
    for row in sink.rows:
        assert isinstance(row["line"], int) and row["line"] >= 1, row
        assert row["error"] is None or row["error"].strip(), row
