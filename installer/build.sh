#!/usr/bin/env bash
# Builds the one-folder csrdesk app into dist/csrdesk (Linux, macOS).
# Uses the active virtual environment if there is one, else makes build/venv with only what csrdesk needs,
# so that nothing else installed on the machine ends up in the bundle.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${VIRTUAL_ENV:-}" ]; then
  python3 -m venv build/venv
  . build/venv/bin/activate
  python -m pip install -q --upgrade pip
fi
python -m pip install -q -e ".[installer]"

export PYTHONNOUSERSITE=1
python -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller installer/csrdesk.spec

echo "built: dist/csrdesk ($(du -sh dist/csrdesk | cut -f1))"
echo "check it with: dist/csrdesk/csrdesk selftest"
