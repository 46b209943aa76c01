#!/usr/bin/env bash
# Regenerates the README screenshots from the browser tests (real JupyterHub,
# JupyterLab and Chromium): runs them, then copies the key ones they saved.
# The jobs scenario saves every step under test-results/e2e/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
npx vitest run --project integration \
  tests/integration/environments-panel.browser.test.ts \
  tests/integration/jobs-e2e.browser.test.ts
mkdir -p docs/images
cp test-results/screenshots/environments-panel.png docs/images/
cp test-results/e2e/03-schedule-dialog.png docs/images/jobs-schedule-dialog.png
cp test-results/e2e/04-run-progress.png docs/images/jobs-run-progress.png
cp test-results/e2e/06-output.png docs/images/jobs-run-output.png
cp test-results/e2e/07-cron-dialog.png docs/images/jobs-cron-schedule.png
echo "[screenshots] updated docs/images/"
