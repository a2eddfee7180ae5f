"""The SDK's generated layer is exactly what the committed OpenAPI document generates."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
GENERATE = ROOT / "sdk" / "scripts" / "generate.py"
COMMITTED = ROOT / "sdk" / "chargeassist_sdk" / "_generated"


def files_of(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def test_regenerating_the_sdk_changes_nothing(tmp_path: Path) -> None:
    fresh = tmp_path / "_generated"
    done = subprocess.run(
        [sys.executable, str(GENERATE), "--output", str(fresh)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    committed, generated = files_of(COMMITTED), files_of(fresh)
    stale = sorted(name for name in committed.keys() | generated.keys() if committed.get(name) != generated.get(name))
    assert stale == [], "sdk/chargeassist_sdk/_generated is stale: run sdk/scripts/generate"
