#!/usr/bin/env bash
# Builds the prebuilt (federated) labextension of the package in the current
# directory with the project's venv: `jupyter-builder build` (what the
# deprecated `jupyter labextension build` delegates to), against the core
# package metadata of the JupyterLab installed in .venv, so the shared-module
# versions match the lab the extension will run in. Works offline: the builder
# (@jupyter/builder, rspack) comes from node_modules, the core metadata from the venv.
# Usage (from extensions/<pkg>): bash ../build-labextension.sh [--development]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
venv="${TURING_VENV:-$root/.venv}"
core_package=$("$venv/bin/python" -c \
  'import jupyterlab, os; print(os.path.join(os.path.dirname(jupyterlab.__file__), "staging", "package.json"))')
exec "$venv/bin/jupyter-builder" build . --core-package-file "$core_package" "$@"
