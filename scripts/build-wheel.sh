#!/usr/bin/env bash
# Builds dist/turing_jupyterlab-<version>-py3-none-any.whl, the Python wheel
# that carries Turing's prebuilt labextensions as shared data
# (share/jupyter/labextensions/@turing/*). Stages each built extension
# (extensions/<pkg>/<jupyterlab.outputDir>) plus install.json into
# python/turing-jupyterlab/turing_jupyterlab/labextensions/, then runs
# `pip wheel` (build isolation fetches only hatchling from PyPI). The staging
# copy is removed afterwards: dist/ holds the result, and ESLint and the
# source hash never see a second copy of the bundles.
# Build the extensions first with `npm run build:extensions` (or pass --build).
# Prints the wheel path on stdout, progress on stderr.
set -euo pipefail
cd "$(dirname "$0")/.."

venv="${TURING_VENV:-$PWD/.venv}"
project=python/turing-jupyterlab
staging="$project/turing_jupyterlab/labextensions"
say() { echo "[build-wheel] $*" >&2; }

if [ "${1:-}" = "--build" ]; then
  npm run -s build:extensions >&2
fi

rm -rf "$staging"
trap 'rm -rf "$staging"' EXIT
for pkg in extensions/*/package.json; do
  read -r name out < <(node -e '
    const p = require(process.argv[1]);
    const out = p.jupyterlab && p.jupyterlab.extension ? p.jupyterlab.outputDir : "";
    console.log(p.name, out || "-");' "$PWD/$pkg")
  [ "$out" = "-" ] && continue
  src="$(dirname "$pkg")/$out"
  if [ ! -f "$src/package.json" ]; then
    say "$name is not built ($src missing): run npm run build:extensions"
    exit 1
  fi
  mkdir -p "$staging/$(dirname "$name")"
  cp -R "$src" "$staging/$name"
  cp "$project/install.json" "$staging/$name/install.json"
  say "staged $name"
done

version=$("$venv/bin/python" -c 'import tomllib, sys; print(tomllib.load(open(sys.argv[1], "rb"))["project"]["version"])' "$project/pyproject.toml")
wheel="dist/turing_jupyterlab-$version-py3-none-any.whl"
rm -f "$wheel"
"$venv/bin/pip" wheel --disable-pip-version-check -q --no-deps -w dist "$project" >&2
[ -f "$wheel" ] || { say "pip wheel did not produce $wheel"; exit 1; }
say "built $wheel ($(du -k "$wheel" | cut -f1) kB)"
echo "$wheel"
