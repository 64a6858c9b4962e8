"""Readers are imported when a run asks for them (`billpath.usage.readers.registry`)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from billpath.usage.readers import READERS

ROOT = Path(__file__).resolve().parent.parent


def test_detection_imports_only_the_readers_it_tries() -> None:
    code = (
        "import json, sys; from pathlib import Path; from billpath.usage.readers import READERS, detect\n"
        "assert detect(Path('examples/usage.csv')) == 'canonical'\n"
        "mods = READERS.modules().items()\n"
        "print(json.dumps(sorted(f for f, m in mods if 'billpath.usage.readers.' + m in sys.modules)))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    loaded = json.loads(out.stdout)
    assert "canonical" in loaded and "claude-code" not in loaded and "otel" not in loaded


def test_every_format_has_a_reader_module() -> None:
    for fmt in READERS:
        reader = READERS[fmt]
        assert callable(getattr(reader, "read", None)) or callable(getattr(reader, "read_files", None)), fmt
