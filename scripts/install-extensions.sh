#!/usr/bin/env bash
# Installs the prebuilt Turing labextensions into the project venv, idempotently:
# each extensions/<pkg> whose package.json has jupyterlab.outputDir is copied to
# .venv/share/jupyter/labextensions/<npm name> (e.g. @turing/client), replacing
# any older copy. Build them first with `npm run build:extensions`
# (or pass --build). Then `jupyter labextension list` shows them "enabled OK".
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${TURING_VENV:-$PWD/.venv}"
dest_root="$venv/share/jupyter/labextensions"

if [ "${1:-}" = "--build" ]; then
  npm run build:extensions >&2
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

installed=0
for pkg in extensions/*/package.json; do
  dir=$(dirname "$pkg")
  read -r name out < <(node -e '
    const p = require(process.argv[1]);
    const out = p.jupyterlab && p.jupyterlab.extension ? p.jupyterlab.outputDir : "";
    console.log(p.name, out || "-");' "$PWD/$pkg")
  [ "$out" = "-" ] && continue
  src="$dir/$out"
  if [ ! -f "$src/package.json" ]; then
    echo "[install-extensions] $name is not built ($src missing): run npm run build:extensions" >&2
    exit 1
  fi
  target="$dest_root/$name"
  mkdir -p "$(dirname "$target")"
  rm -rf "$target.tmp"
  cp -R "$src" "$target.tmp"
  rm -rf "$target"
  mv "$target.tmp" "$target"
  echo "[install-extensions] $name -> $target" >&2
  installed=$((installed + 1))
done
echo "[install-extensions] installed $installed extension(s)" >&2
