#!/usr/bin/env bash
# Regenerates the README screenshots from the browser tests (real JupyterHub,
# JupyterLab and Chromium): runs them, then copies the key ones they saved.
# The jobs scenario and the lab UX tests save their steps under
# test-results/e2e/ (the jobs panel's under test-results/jobs-panel-ux/); the
# models scenario saves its steps as test-results/screenshots/models-*.png.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
npx vitest run --project integration \
  tests/integration/environments-panel.browser.test.ts \
  tests/integration/jobs-e2e.browser.test.ts \
  tests/integration/models-panel.browser.test.ts \
  tests/integration/environments-ux.browser.test.ts \
  tests/integration/jobs-dialog-ux.browser.test.ts \
  tests/integration/jobs-panel-ux.browser.test.ts \
  tests/integration/jobs-main-area.browser.test.ts \
  tests/integration/models-views.browser.test.ts
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
cp test-results/e2e/environments-expanded.png docs/images/environments-expanded.png
cp test-results/e2e/34-dialog-interval-picker.png docs/images/jobs-interval-picker.png
cp test-results/jobs-panel-ux/04-failed-run.png docs/images/jobs-panel-failed-run.png
cp test-results/e2e/jobs-view-table.png docs/images/jobs-view-table.png
cp test-results/e2e/jobs-view-detail.png docs/images/jobs-view-detail.png
cp test-results/e2e/jobs-view-detail-dark.png docs/images/jobs-view-detail-dark.png
cp test-results/e2e/models-view-list.png docs/images/models-view-list.png
cp test-results/e2e/models-view-detail.png docs/images/models-view-detail.png
echo "[screenshots] updated docs/images/"
