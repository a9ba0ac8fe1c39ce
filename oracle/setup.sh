#!/usr/bin/env bash
# The oracle's Python environment (tooling for proof and for building models, never the worker's runtime):
# a venv under .cache/oracle/venv that sees Debian bookworm's packages (torch, OpenCV, SciPy, Shapely,
# pyclipper: the versions the reference vectors were made with) and holds oracle/requirements.txt.
# Idempotent: a venv made from the same requirements and script is reused. Prints the venv's python.
set -euo pipefail
cd "$(dirname "$0")/.."

venv=.cache/oracle/venv
stamp="$venv/.stamp"
want=$(cat oracle/requirements.txt oracle/setup.sh | sha256sum | cut -c1-16)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ] && [ -x "$venv/bin/python" ]; then
  echo "$venv/bin/python"
  exit 0
fi

debs="python3-venv python3-numpy python3-torch python3-torchvision python3-opencv python3-scipy \
python3-shapely python3-pyclipper python3-yaml python3-requests python3-dateutil python3-attr"
missing=""
for p in $debs; do dpkg -s "$p" >/dev/null 2>&1 || missing="$missing $p"; done
if [ -n "$missing" ]; then
  if ! command -v apt-get >/dev/null 2>&1; then
    echo "oracle: needs Debian packages$missing (Debian bookworm), and apt-get is not available" >&2
    exit 1
  fi
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo -n"
  echo "oracle: installing$missing" >&2
  timeout 300 $SUDO apt-get update -qq >/dev/null
  timeout 900 $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
fi

rm -rf "$venv"
/usr/bin/python3 -m venv --system-site-packages "$venv"
"$venv/bin/pip" install -q --disable-pip-version-check --no-deps -r oracle/requirements.txt >&2
"$venv/bin/python" - >&2 <<'PY'
# Fail here, not halfway through a run, when the Debian side is not what the pins assume.
import cv2, numpy, scipy, shapely, torch, torchvision
import mokuro.manga_page_ocr, manga_ocr, optimum.exporters.onnx  # noqa: F401
assert numpy.__version__.startswith("1."), f"numpy {numpy.__version__}: torch 1.13 needs numpy 1"
print(f"oracle: torch {torch.__version__}, torchvision {torchvision.__version__}, numpy {numpy.__version__}, "
      f"opencv {cv2.__version__}, scipy {scipy.__version__}, shapely {shapely.__version__}")
PY
echo "$want" > "$stamp"
echo "$venv/bin/python"
