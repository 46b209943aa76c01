#!/usr/bin/env bash
# Installs everything Turing needs on this machine, idempotently:
# npm packages, the project-local Python venv, and the Go-built Kubernetes
# binaries. A second run only checks stamps. Prints how long each part took.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { echo "[setup] $*" >&2; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
hash_of() { sha256sum "$@" | sha256sum | cut -c1-16; }

t0=$(now)

# npm packages: reinstall only when the lock file changed.
t=$(now)
lock_hash=$(hash_of package-lock.json)
if [ "$(cat node_modules/.turing-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  step "npm ci"
  npm ci --no-audit --no-fund >&2
  echo "$lock_hash" > node_modules/.turing-lock-hash
fi
step "npm packages ready ($(took "$t"))"

# Python venv: recreate only when the pinned requirements changed.
t=$(now)
req_hash=$(hash_of requirements.txt)
if [ "$(cat .venv/.turing-req-hash 2>/dev/null)" != "$req_hash" ]; then
  step "creating .venv from requirements.txt"
  python3 -m venv .venv
  .venv/bin/pip install --disable-pip-version-check -q -r requirements.txt >&2
  echo "$req_hash" > .venv/.turing-req-hash
fi
step "python venv ready ($(took "$t"))"

# Serving venv .venv-serving/: MLServer and tensorflow-cpu (for the TF Serving
# stand-in), whose pins conflict with the hub's. Rebuilt from scratch (--clear,
# so no package of an old pin lingers) only when its requirements changed;
# pip's cache (~/.cache/pip) makes a rebuild or a fresh clone faster.
t=$(now)
serving_hash=$(hash_of requirements-serving.txt requirements-serving-nodeps.txt)
if [ "$(cat .venv-serving/.turing-req-hash 2>/dev/null)" != "$serving_hash" ]; then
  step "creating .venv-serving from requirements-serving.txt (about 2 GB, mostly tensorflow-cpu)"
  python3 -m venv --clear .venv-serving
  .venv-serving/bin/pip install --disable-pip-version-check -q -r requirements-serving.txt >&2
  .venv-serving/bin/pip install --disable-pip-version-check -q --no-deps -r requirements-serving-nodeps.txt >&2
  echo "$serving_hash" > .venv-serving/.turing-req-hash
fi
step "serving venv ready ($(took "$t"))"

# Turing's JupyterLab extensions, built as prebuilt labextensions, packaged as
# the turing-jupyterlab wheel and pip-installed into the venv; rebuilt only
# when their sources, the packaging or the venv change (or the wheel is gone).
t=$(now)
ext_hash=$( (find extensions python/turing-jupyterlab -path '*/node_modules' -prune -o -path '*/lib' -prune \
  -o -path '*/turing_*/labextension*' -prune -o -name __pycache__ -prune -o -type f -print \
  | LC_ALL=C sort | xargs sha256sum; \
  sha256sum scripts/build-wheel.sh scripts/install-extensions.sh; \
  cat .venv/.turing-req-hash package-lock.json) | sha256sum | cut -c1-16)
if [ "$(cat .venv/.turing-ext-hash 2>/dev/null)" != "$ext_hash" ] \
  || [ ! -f .venv/share/jupyter/labextensions/@turing/jobs/install.json ] \
  || [ ! -f .venv/share/jupyter/labextensions/@turing/models/install.json ]; then
  step "building the JupyterLab extensions"
  t_build=$(now)
  npm run -s build:extensions >&2
  step "extensions built ($(took "$t_build"))"
  bash scripts/install-extensions.sh
  echo "$ext_hash" > .venv/.turing-ext-hash
fi
step "jupyterlab extensions ready ($(took "$t"))"

# The hub admin pages: admin-ui bundled by vite into admin-ui/dist (hub-proxy
# serves it); rebuilt only when its sources, @turing/ui's or the lock change.
t=$(now)
admin_hash=$( (find admin-ui extensions/ui/src extensions/ui/style -path '*/node_modules' -prune \
  -o -path admin-ui/dist -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum; \
  cat package-lock.json) | sha256sum | cut -c1-16)
if [ "$(cat admin-ui/dist/.turing-hash 2>/dev/null)" != "$admin_hash" ] || [ ! -f admin-ui/dist/index.html ]; then
  step "building the admin pages"
  npm run -s build:admin >&2
  echo "$admin_hash" > admin-ui/dist/.turing-hash
fi
step "admin pages ready ($(took "$t"))"

# Debian's Chromium for the browser tests (playwright-core drives it; no
# browser download). Needs root, as on CI and the dev machines.
t=$(now)
if [ ! -x /usr/bin/chromium ]; then
  step "installing chromium from Debian"
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  else
    sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  fi
fi
step "chromium ready ($(took "$t"))"

# Kubernetes, etcd, kwok and helm, built from Go modules and cached by version.
t=$(now)
bin_dir=$(bash scripts/k8s-binaries.sh | tail -n 1)
mkdir -p .turing
echo "$bin_dir" > .turing/k8s-bin-dir
step "kubernetes binaries ready in $bin_dir ($(took "$t"))"

step "set-up took $(took "$t0")"
