"""Generate the SDK's low-level layer from the committed OpenAPI document, the same way every time.

    python sdk/scripts/generate.py                 # rewrite sdk/chargeassist_sdk/_generated
    python sdk/scripts/generate.py --output DIR    # write the package to DIR instead
    python sdk/scripts/generate.py --check         # exit 1 when the committed package is stale

The generator writes into a fresh temporary folder, its output is formatted there with the pinned
formatter and no configuration from outside (so where it runs changes nothing), and only then does it
replace the target folder. Same document and same pinned tools give the same bytes.
"""

from __future__ import annotations

import argparse
import filecmp
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

SDK = Path(__file__).resolve().parents[1]
ROOT = SDK.parent
DOCUMENT = ROOT / "openapi" / "openapi.json"
CONFIG = SDK / "generate.yaml"
TARGET = SDK / "chargeassist_sdk" / "_generated"

_FORMAT = [
    [
        "ruff",
        "check",
        "--isolated",
        "--target-version",
        "py311",
        "--select",
        "I,F401",
        "--fix-only",
        "--quiet",
        "_generated",
    ],
    ["ruff", "format", "--isolated", "--target-version", "py311", "--line-length", "120", "--quiet", "_generated"],
]


def _run(args: list[str], cwd: Path) -> None:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"failed with exit {done.returncode}: {' '.join(args[1:4])}")


def generate(output: Path, document: Path = DOCUMENT) -> None:
    """Write the generated package for ``document`` to ``output`` (replaced whole)."""
    with tempfile.TemporaryDirectory(prefix="chargeassist-sdk-") as scratch:
        package = Path(scratch) / "_generated"
        _run(
            [
                sys.executable,
                "-m",
                "openapi_python_client",
                "generate",
                "--path",
                str(document),
                "--config",
                str(CONFIG),
                "--meta",
                "none",
                "--fail-on-warning",
                "--output-path",
                str(package),
            ],
            cwd=Path(scratch),
        )
        for command in _FORMAT:
            _run([sys.executable, "-m", *command], cwd=package.parent)
        for cache in package.rglob("__pycache__"):
            shutil.rmtree(cache)
        if output.exists():
            shutil.rmtree(output)
        output.parent.mkdir(parents=True, exist_ok=True)
        shutil.copytree(package, output)


def files_of(folder: Path) -> dict[str, Path]:
    """The files below ``folder`` by relative path, caches left out."""
    return {
        path.relative_to(folder).as_posix(): path
        for path in sorted(folder.rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def differences(expected: Path, actual: Path) -> list[str]:
    """Relative paths that are missing, extra or different in ``actual`` compared with ``expected``."""
    want, have = files_of(expected), files_of(actual)
    changed = [name for name in sorted(want.keys() & have.keys()) if not filecmp.cmp(want[name], have[name], False)]
    return (
        [f"missing: {name}" for name in sorted(want.keys() - have.keys())]
        + [f"extra: {name}" for name in sorted(have.keys() - want.keys())]
        + [f"differs: {name}" for name in changed]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--document", type=Path, default=DOCUMENT, help="the OpenAPI document")
    parser.add_argument("--output", type=Path, default=TARGET, help="where the package goes")
    parser.add_argument("--check", action="store_true", help="compare with what is committed, write nothing")
    args = parser.parse_args()
    if not args.check:
        generate(args.output, args.document)
        return 0
    with tempfile.TemporaryDirectory(prefix="chargeassist-sdk-check-") as scratch:
        fresh = Path(scratch) / "_generated"
        generate(fresh, args.document)
        found = differences(fresh, args.output)
    for line in found:
        print(line)
    if found:
        print("the generated SDK is stale: run sdk/scripts/generate", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
