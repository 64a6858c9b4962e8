"""gzip is read, not refused: by content (named .gz or not), streamed, bounded, line numbers of the text inside.

The property: every example in examples/ (a file, or an agent's log tree) gzipped prices exactly as the
plain one, every row, rejection (line numbers included) and note. A truncated gzip is a one-line error for
one file and one rejection (the lines before it stand) in a tree; a decompression bomb is refused.
"""

from __future__ import annotations

import gzip
import io
import json
import shutil
from pathlib import Path

import pytest

from billpath import price_log
from billpath.usage.columns import LogError
from billpath.usage.readers import base
from tests.hostile import assert_one_line_error, cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NOT_LOGS = {"prices.toml", "scenarios.toml"}
SAMPLES = sorted(p.name for p in EXAMPLES.iterdir() if p.name not in NOT_LOGS)


def _answer(path: Path) -> str:
    """The priced result as JSON, with the file's own name put in place of its path."""
    text = json.dumps(price_log([str(path)]).to_dict(), sort_keys=True)
    return text.replace(str(path), "<input>")


def _gzip_file(src: Path, dst: Path) -> None:
    dst.write_bytes(gzip.compress(src.read_bytes(), mtime=0))


def _gzip_copy(src: Path, dst: Path, rename: bool) -> Path:
    """`src` (a file or a tree) with every file gzipped, named `<name>.gz` or kept as it was named."""
    if src.is_file():
        out = dst / (src.name + (".gz" if rename else ""))
        _gzip_file(src, out)
        return out
    out = dst / src.name
    for f in sorted(src.rglob("*")):
        if f.is_file():
            target = out / f.relative_to(src)
            target.parent.mkdir(parents=True, exist_ok=True)
            _gzip_file(f, target.with_name(target.name + (".gz" if rename else "")))
    return out


def test_every_example_is_a_usage_log():
    assert len(SAMPLES) >= 15 and {"usage.csv", "codex", "claude-code", "gemini-cli"} <= set(SAMPLES)


@pytest.mark.parametrize("rename", [True, False], ids=["named-gz", "same-name"])
@pytest.mark.parametrize("sample", SAMPLES)
def test_a_gzipped_example_prices_exactly_as_the_plain_one(tmp_path: Path, sample: str, rename: bool) -> None:
    plain_dir = tmp_path / "plain"
    plain_dir.mkdir()
    src = EXAMPLES / sample
    plain = plain_dir / sample
    (shutil.copytree if src.is_dir() else shutil.copyfile)(src, plain)
    zipped_dir = tmp_path / "zipped"
    zipped_dir.mkdir()
    zipped = _gzip_copy(src, zipped_dir, rename)
    if src.is_dir():  # same tree, same relative names: the whole answer is the same
        want = _answer(plain).replace(str(plain_dir), "<root>")
        got = _answer(zipped).replace(str(zipped_dir), "<root>")
        if rename:
            got = got.replace(".jsonl.gz", ".jsonl").replace(".json.gz", ".json")
        assert got == want
    else:
        assert _answer(zipped) == _answer(plain)
    assert json.loads(_answer(zipped))["rows_total"] > 0


def test_line_numbers_are_those_of_the_text_inside(tmp_path: Path) -> None:
    text = "model,input_tokens,output_tokens\nclaude-sonnet-4-6,10,10\n\nclaude-sonnet-4-6,lots,10\ngpt-5.5,1,1\n"
    path = tmp_path / "usage.csv.gz"
    path.write_bytes(gzip.compress(text.encode()))
    result = price_log([str(path)])
    assert result.rows_total == 3 and result.rows_rejected == 1
    assert [r["line"] for r in result.to_dict()["rejected"]] == [4]


def test_a_multi_member_gzip_is_read_whole(tmp_path: Path) -> None:
    head = b"model,input_tokens,output_tokens\n"
    path = tmp_path / "usage.csv.gz"
    path.write_bytes(gzip.compress(head + b"claude-sonnet-4-6,10,10\n") + gzip.compress(b"gpt-5.5,1,1\n"))
    assert price_log([str(path)]).rows_priced == 2


CUTS = {"half": lambda n: n // 2, "no-trailer": lambda n: n - 4, "header-only": lambda n: 12}


@pytest.mark.parametrize("cut", CUTS)
@pytest.mark.parametrize("sample", [s for s in SAMPLES if (EXAMPLES / s).is_file()])
def test_a_truncated_gzip_is_a_one_line_error(tmp_path: Path, capsys, sample: str, cut: str) -> None:
    data = gzip.compress((EXAMPLES / sample).read_bytes() * 3)
    path = tmp_path / (sample + ".gz")
    path.write_bytes(data[: CUTS[cut](len(data))])
    run = cli(capsys, "price-log", str(path))
    assert_one_line_error(run, "gzip")
    assert "truncated gzip" in run.err or "corrupt gzip" in run.err, run.err


@pytest.mark.parametrize("agent", ["claude-code", "codex", "gemini-cli"])
def test_a_truncated_gzip_in_an_agent_tree_is_one_rejection_and_the_rest_stands(tmp_path: Path, agent: str) -> None:
    tree = _gzip_copy(EXAMPLES / agent, tmp_path, rename=True)
    files = sorted(p for p in tree.rglob("*.gz") if p.stat().st_size > 200)
    if len(files) == 1:  # a tree of one file fails in one line (as any one file): give it a second session
        shutil.copyfile(files[0], files[0].with_name("zz-" + files[0].name))
        files = sorted(p for p in tree.rglob("*.gz"))
    whole = price_log([str(tree)])
    victim = files[-1]
    text = gzip.decompress(victim.read_bytes())
    victim.write_bytes(gzip.compress(text * 2)[:-8])  # more text than before, cut before its end
    cut = price_log([str(tree)])
    d = cut.to_dict()
    assert d["rows_total"] == d["rows_priced"] + d["rows_unpriced"] + d["rows_rejected"]
    reasons = [r for r in d["rejected"] if "truncated gzip" in r["error"] or "corrupt gzip" in r["error"]]
    assert len(reasons) == 1, d["rejected"]
    assert reasons[0]["line"] >= 1
    assert cut.rows_priced >= whole.rows_priced - len(text.splitlines())  # only that file's rows are at stake


def test_a_decompression_bomb_is_refused_in_one_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(base, "GZIP_FLOOR", 1 << 20)  # the same bound, reached with a small file
    path = tmp_path / "bomb.csv"
    with gzip.open(path, "wb") as f:
        f.write(b"model,input_tokens,output_tokens\n")
        for _ in range(4):
            f.write(b"0" * (1 << 20))
    assert path.stat().st_size < 20_000
    with pytest.raises(LogError, match="decompression bomb") as exc:
        price_log([str(path)])
    assert "\n" not in str(exc.value)
    assert base.GZIP_FLOOR == 1 << 20 and base.GZIP_RATIO * 1 < 1000  # a real bound, below deflate's 1032:1


def test_the_bound_leaves_real_logs_alone(tmp_path: Path) -> None:
    """A real log compresses about 10-30x; the bound is far above it, and below a bomb's ratio."""
    text = (EXAMPLES / "usage.csv").read_bytes()
    rows = text.splitlines(keepends=True)
    big = rows[0] + b"".join(rows[1:]) * 2000
    ratio = len(big) / len(gzip.compress(big))
    assert ratio < base.GZIP_RATIO, ratio  # a highly repetitive log is still under the bound
    path = tmp_path / "big.csv.gz"
    path.write_bytes(gzip.compress(big))
    assert price_log([str(path)]).rows_total == 2000 * (len(rows) - 1)


@pytest.mark.parametrize(
    ("content", "says"),
    [
        (gzip.compress(b""), "empty"),
        (gzip.compress(gzip.compress(b"model,input_tokens,output_tokens\n")), "gzip-compressed gzip"),
        (gzip.compress(b"PAR1" + b"\x00" * 64), "gzip-compressed Parquet"),
        (gzip.compress("\ufeffmodel".encode("utf-16-le")), "UTF-16"),
        (b"\x1f\x8b\x08\x00" + b"\x00" * 40, "gzip"),
    ],
    ids=["empty", "double", "parquet", "utf16", "corrupt"],
)
def test_what_a_gzip_holds_is_judged_as_a_plain_file(tmp_path: Path, capsys, content: bytes, says: str) -> None:
    path = tmp_path / "log.csv.gz"
    path.write_bytes(content)
    run = cli(capsys, "price-log", str(path))
    assert_one_line_error(run, says)


def test_gzip_stream_never_reads_a_file_whole(tmp_path: Path) -> None:
    """Lines come out of the stream as they are decompressed (bounded reads), not after the whole file."""
    raw = io.BytesIO()
    with gzip.GzipFile(fileobj=raw, mode="wb") as f:
        f.write(b"a\n" * 1000)
    path = tmp_path / "x.gz"
    path.write_bytes(raw.getvalue())
    with base.open_data(path) as stream:
        assert isinstance(stream, base.Gunzip)
        assert stream.readline(10) == b"a\n" and stream.out == 2
