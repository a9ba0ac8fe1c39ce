#!/usr/bin/env bash
# The Python tooling of the API checks (runpod-python 1.12, schemathesis 4) in .cache/api-twin/venv.
# Idempotent: does nothing when the venv already holds exactly requirements.txt. Prints the venv's python.
set -euo pipefail
cd "$(dirname "$0")/../.."
VENV=.cache/api-twin/venv
REQ=scripts/api-twin/requirements.txt
STAMP=$VENV/.requirements.sha256
want=$(sha256sum "$REQ" | cut -d' ' -f1)
if [ ! -x "$VENV/bin/python" ] || [ "$(cat "$STAMP" 2>/dev/null)" != "$want" ]; then
  PY=${PYTHON:-python3}
  "$PY" -c 'import sys; assert sys.version_info >= (3, 10), "Python 3.10+ needed"' >&2
  "$PY" -m venv "$VENV" >&2
  "$VENV/bin/pip" install -q --disable-pip-version-check -r "$REQ" >&2
  echo "$want" > "$STAMP"
fi
echo "$VENV/bin/python"
