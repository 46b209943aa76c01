#!/usr/bin/env bash
# `npm run demo [-- --kubernetes] [--state-dir=DIR]`: installs what this demo
# starts (scripts/bootstrap.sh's `demo` profile; `kubernetes` with
# --kubernetes, which also builds the control plane's Go binaries), then starts
# it (scripts/demo.ts) with the same arguments. An npm script passes the
# arguments after `--` to its last command only, hence this one entry.
set -euo pipefail
cd "$(dirname "$0")/.."

profile=demo
for arg in "$@"; do
  if [ "$arg" = --kubernetes ]; then profile=kubernetes; fi
done
bash scripts/bootstrap.sh "$profile"
if [ "${TURING_SETUP_DRY_RUN:-}" = 1 ]; then
  echo "then: tsx scripts/demo.ts $*"
  exit 0
fi
exec node_modules/.bin/tsx scripts/demo.ts "$@"
