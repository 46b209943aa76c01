#!/usr/bin/env bash
# Rebuilds one Turing labextension (and the TypeScript packages it depends on)
# and copies it over the venv's installed copy, for trying a change in the lab
# or the browser tests without rebuilding and reinstalling the whole wheel.
# Serialised with a lock, so parallel rebuilds of different packages are safe.
# Usage: bash scripts/dev-extension.sh <client|ui|environments|jobs|models>...
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${TURING_VENV:-$PWD/.venv}"
dest_root="$venv/share/jupyter/labextensions/@turing"
exec 9>/tmp/turing-dev-extension.lock
flock 9
for pkg in "$@"; do
  npx tsc -b "extensions/$pkg"
  out=$(node -e 'const p=require(process.argv[1]); console.log(p.jupyterlab && p.jupyterlab.extension ? p.jupyterlab.outputDir : "")' "$PWD/extensions/$pkg/package.json")
  if [ -z "$out" ]; then
    continue # ui is bundled into the extensions that use it
  fi
  (cd "extensions/$pkg" && bash ../build-labextension.sh --development >&2)
  install_json="$dest_root/$pkg/install.json"
  keep=$(mktemp)
  cp "$install_json" "$keep"
  rm -rf "${dest_root:?}/$pkg"
  cp -r "extensions/$pkg/$out" "$dest_root/$pkg"
  cp "$keep" "$install_json"
  rm -f "$keep"
  echo "[dev-extension] @turing/$pkg rebuilt and copied into $dest_root/$pkg" >&2
done
