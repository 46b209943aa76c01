#!/usr/bin/env bash
# Installs Turing's JupyterLab extensions into the project venv the standard
# way, idempotently: builds the turing-jupyterlab wheel (scripts/build-wheel.sh)
# and pip-installs it, so the venv's share/jupyter/labextensions/@turing/* are
# owned by that distribution. Build the extensions first with
# `npm run build:extensions` (or pass --build). Afterwards
# `jupyter labextension list` shows them "enabled OK (python, turing-jupyterlab)".
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${TURING_VENV:-$PWD/.venv}"
dest_root="$venv/share/jupyter/labextensions"
say() { echo "[install-extensions] $*" >&2; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }

if [ "${1:-}" = "--build" ]; then
  t=$(now)
  npm run -s build:extensions >&2
  say "extensions built ($(took "$t"))"
fi

# The root package.json says "type": "module", which makes Node read the
# venv's bundled jupyter_builder/yarn.js as ESM and print "Fail to get yarn
# configuration" on every `jupyter labextension` call. A package.json at the
# venv root restores CommonJS for everything below it.
if [ ! -f "$venv/package.json" ]; then
  echo '{ "type": "commonjs" }' > "$venv/package.json"
fi

# This machine has no internet: stop JupyterLab from asking to fetch news and
# update notices (the prompt also covers part of the page).
settings="$venv/share/jupyter/lab/settings"
mkdir -p "$settings"
cat > "$settings/overrides.json" <<'JSON'
{
  "@jupyterlab/apputils-extension:notification": { "fetchNews": "false", "checkForUpdates": false }
}
JSON

t=$(now)
wheel=$(TURING_VENV="$venv" bash scripts/build-wheel.sh)
say "wheel $wheel built ($(took "$t"))"

# Earlier set-ups copied the extensions into the venv by hand; pip would
# install over such copies and leave their old hashed bundles behind. Remove
# the previous wheel (pip deletes what it recorded), then whatever else is
# left under @turing, so the new wheel owns the directory alone.
t=$(now)
if "$venv/bin/pip" show -q turing-jupyterlab 2>/dev/null; then
  "$venv/bin/pip" uninstall --disable-pip-version-check -q -y turing-jupyterlab >&2
fi
rm -rf "$dest_root/@turing"
"$venv/bin/pip" install --disable-pip-version-check -q --force-reinstall --no-deps "$wheel" >&2
for name in client environments jobs models; do
  if [ ! -f "$dest_root/@turing/$name/install.json" ]; then
    say "@turing/$name missing from $dest_root after installing $wheel"
    exit 1
  fi
done
say "installed turing-jupyterlab into $venv ($(took "$t"))"
