#!/usr/bin/env bash
# The oldest Python pyproject.toml accepts (requires-python), tested: a fresh virtual
# environment on that interpreter installs the package with its test extras and runs the
# quick loop (no browser, no servers). Called by .ci/run after the main test command.
set -euo pipefail
cd "$(dirname "$0")/.."
minimum=$(python3 -c "import re, pathlib; print(re.search(r'requires-python = \">=(\d+\.\d+)\"', pathlib.Path('pyproject.toml').read_text()).group(1))")
interpreter=""
# A candidate counts only if it runs: pyenv puts a shim named python3.10 on PATH that
# exits 127 when that version is not selected.
for candidate in "python$minimum" "$HOME/.pyenv/versions/$minimum"*/bin/python; do
  if "$candidate" -c 'import sys' >/dev/null 2>&1; then
    interpreter=$(command -v "$candidate" || echo "$candidate")
    break
  fi
done
if [ -z "$interpreter" ]; then
  echo "no Python $minimum interpreter on this machine: the minimum Python cannot be tested" >&2
  exit 1
fi
"$interpreter" --version
venv=$(mktemp -d)/venv
"$interpreter" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet '.[test]'
"$venv/bin/python" -m pytest -q -p no:cacheprovider -m "not browser and not server" -x
