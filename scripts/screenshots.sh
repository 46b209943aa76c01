#!/usr/bin/env bash
# Regenerates the README screenshots from the browser tests (real JupyterHub,
# JupyterLab and Chromium): runs them, then copies what they saved.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
npx vitest run --project integration tests/integration/environments-panel.browser.test.ts
mkdir -p docs/images
cp test-results/screenshots/environments-panel.png docs/images/
echo "[screenshots] updated docs/images/"
