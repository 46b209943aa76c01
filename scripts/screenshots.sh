#!/usr/bin/env bash
# Regenerates the README screenshots from the browser tests (real JupyterHub,
# JupyterLab and Chromium): runs them, then copies the key ones they saved.
# The jobs scenario saves every step under test-results/e2e/; the models
# scenario saves its steps as test-results/screenshots/models-*.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
npx vitest run --project integration \
  tests/integration/environments-panel.browser.test.ts \
  tests/integration/jobs-e2e.browser.test.ts \
  tests/integration/models-panel.browser.test.ts
mkdir -p docs/images
cp test-results/screenshots/environments-panel.png docs/images/
cp test-results/e2e/03-schedule-dialog.png docs/images/jobs-schedule-dialog.png
cp test-results/e2e/04-run-progress.png docs/images/jobs-run-progress.png
cp test-results/e2e/06-output.png docs/images/jobs-run-output.png
cp test-results/e2e/07-cron-dialog.png docs/images/jobs-cron-schedule.png
cp test-results/screenshots/models-publish-progress.png docs/images/models-publish-dialog.png
cp test-results/screenshots/models-panel-try-it.png docs/images/models-panel-try-it.png
cp test-results/screenshots/models-canary.png docs/images/models-canary.png
cp test-results/screenshots/models-not-a-model.png docs/images/models-not-a-model.png
echo "[screenshots] updated docs/images/"
