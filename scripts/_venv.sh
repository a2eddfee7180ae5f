# Sourced by the scripts: makes .venv (once) and installs the project into it when pyproject.toml changes.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PYTHON="${PYTHON:-python3}"
if [ ! -x "$VENV/bin/python" ]; then
  "$PYTHON" -m venv "$VENV"
  "$VENV/bin/python" -m pip install --quiet --upgrade pip
fi
STAMP="$VENV/.installed-$({ cat "$ROOT/pyproject.toml"; cat "$ROOT/sdk/pyproject.toml" 2>/dev/null || true; } | sha256sum | cut -c1-16)-${EXTRAS:-base}"
if [ ! -f "$STAMP" ]; then
  echo "installing dependencies into .venv ..." >&2
  "$VENV/bin/python" -m pip install --quiet -e "$ROOT${EXTRAS:+[$EXTRAS]}" 2> >(grep -v "is ignored" >&2)
  if [ -f "$ROOT/sdk/pyproject.toml" ] && [ "${EXTRAS:-}" = "dev" ]; then
    "$VENV/bin/python" -m pip install --quiet -e "$ROOT/sdk" 2> >(grep -v "is ignored" >&2)
  fi
  rm -f "$VENV"/.installed-*
  touch "$STAMP"
fi
export PATH="$VENV/bin:$PATH"
