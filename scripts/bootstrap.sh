#!/usr/bin/env bash
# Installs what a command needs on this machine, idempotently, independent
# steps side by side. Usage: bash scripts/bootstrap.sh [PROFILE]
#
#   demo        npm packages, the venvs (.venv, .venv-serving), the JupyterLab
#               extensions and the admin pages: what `npm run demo` starts
#   kubernetes  demo + kube-apiserver, etcd, kwok and helm built from Go
#               modules: `npm run demo -- --kubernetes`, benchmarks, chart tests
#   test        kubernetes + Debian's Chromium for the browser tests (default)
#
# A second run only checks stamps. Prints how long each step and the whole
# set-up took. Background steps write their output to .turing/setup-logs/<step>.log;
# one that fails fails set-up with its log tail printed.
# TURING_SETUP_DRY_RUN=1 prints the profile's steps and installs nothing.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { echo "[setup] $*" >&2; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
hash_of() { sha256sum "$@" | sha256sum | cut -c1-16; }
LOG_DIR=.turing/setup-logs

# --- Steps. Each is idempotent and checks its own stamp. ---------------------

# Kubernetes, etcd, kwok and helm, built from Go modules and cached by version.
step_k8s_binaries() {
  local t bin_dir
  t=$(now)
  bin_dir=$(bash scripts/k8s-binaries.sh | tail -n 1)
  mkdir -p .turing
  echo "$bin_dir" > .turing/k8s-bin-dir
  step "kubernetes binaries ready in $bin_dir ($(took "$t"))"
}

# Debian's Chromium for the browser tests (playwright-core drives it; no
# browser download). Needs root, as on CI and the dev machines.
step_chromium() {
  local t
  t=$(now)
  if [ "$(id -u)" = 0 ]; then
    apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  else
    sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >&2
  fi
  step "chromium ready ($(took "$t"))"
}

# Python venv: recreated only when the pinned requirements changed.
venv_hash() { hash_of requirements.txt; }
step_venv() {
  local t
  t=$(now)
  python3 -m venv .venv
  .venv/bin/pip install --disable-pip-version-check -q -r requirements.txt >&2
  venv_hash > .venv/.turing-req-hash
  step "python venv ready ($(took "$t"))"
}

# Serving venv .venv-serving/: MLServer and tensorflow-cpu (for the TF Serving
# stand-in; the demo serves published models with it), whose pins conflict with
# the hub's. Rebuilt from scratch (--clear, so no package of an old pin lingers)
# only when its requirements changed; pip's cache (~/.cache/pip) makes a
# rebuild or a fresh clone faster.
serving_hash() { hash_of requirements-serving.txt requirements-serving-nodeps.txt; }
step_serving_venv() {
  local t
  t=$(now)
  python3 -m venv --clear .venv-serving
  .venv-serving/bin/pip install --disable-pip-version-check -q -r requirements-serving.txt >&2
  .venv-serving/bin/pip install --disable-pip-version-check -q --no-deps -r requirements-serving-nodeps.txt >&2
  serving_hash > .venv-serving/.turing-req-hash
  step "serving venv ready ($(took "$t"))"
}

# The hub admin pages: admin-ui bundled by vite into admin-ui/dist (hub-proxy
# serves it); rebuilt only when its sources, @turing/ui's or the lock change.
admin_hash() {
  (find admin-ui extensions/ui/src extensions/ui/style -path '*/node_modules' -prune \
    -o -path admin-ui/dist -prune -o -type f -print | LC_ALL=C sort | xargs sha256sum; \
    cat package-lock.json) | sha256sum | cut -c1-16
}
step_admin() {
  local t hash
  t=$(now)
  hash=$(admin_hash)
  npm run -s build:admin >&2
  echo "$hash" > admin-ui/dist/.turing-hash
  step "admin pages ready ($(took "$t"))"
}

# A background step runs this script again as `--step NAME`, in a session of
# its own, so that stopping it stops its children too (go build's compilers).
if [ "${1:-}" = --step ]; then
  "step_${2//-/_}"
  exit
fi

# --- Which steps a command needs. --------------------------------------------

profile=${1:-test}
case "$profile" in
  demo) want_go=0 want_chromium=0 ;;
  kubernetes) want_go=1 want_chromium=0 ;;
  test) want_go=1 want_chromium=1 ;;
  *)
    step "unknown profile '$profile' (expected demo, kubernetes or test)"
    exit 2
    ;;
esac
if [ "${TURING_SETUP_DRY_RUN:-}" = 1 ]; then
  steps="npm venv serving-venv extensions admin"
  [ $want_chromium = 1 ] && steps="$steps chromium"
  [ $want_go = 1 ] && steps="$steps k8s-binaries"
  echo "profile=$profile steps=$steps"
  exit 0
fi

# --- Background steps. --------------------------------------------------------

mkdir -p "$LOG_DIR"
declare -A bg_pid=()
stop_background() {
  local name
  for name in "${!bg_pid[@]}"; do kill -- "-${bg_pid[$name]}" 2>/dev/null || true; done
}
trap stop_background EXIT
trap 'exit 130' INT TERM
# start_bg NAME: runs step NAME in the background, its output in $LOG_DIR/NAME.log.
# (A child of a non-interactive shell is no group leader, so setsid does not
# fork and $! is the new session's id.)
start_bg() {
  setsid bash scripts/bootstrap.sh --step "$1" >"$LOG_DIR/$1.log" 2>&1 </dev/null &
  bg_pid[$1]=$!
}
# await NAME: waits for a background step; on failure prints its log tail and fails.
await() {
  [ -n "${bg_pid[$1]:-}" ] || return 0
  local status=0
  wait "${bg_pid[$1]}" || status=$?
  unset "bg_pid[$1]"
  if [ $status != 0 ]; then
    step "$1 failed (exit $status); last lines of $LOG_DIR/$1.log:"
    tail -n 40 "$LOG_DIR/$1.log" >&2
    exit $status
  fi
  # The step's own "ready (…s)" line.
  grep '^\[setup\]' "$LOG_DIR/$1.log" >&2 || true
}

t0=$(now)

# The Go build is the longest step: it starts first, beside everything else.
if [ $want_go = 1 ]; then
  if bin_dir=$(bash scripts/k8s-binaries.sh --check); then
    mkdir -p .turing
    echo "$bin_dir" > .turing/k8s-bin-dir
    step "kubernetes binaries ready in $bin_dir (cached)"
  else
    step "building kube-apiserver, etcd, kwok and helm from Go modules: about 11 minutes on 2 cores" \
      "(about 3 with Go's build cache warm), first time only; log: $LOG_DIR/k8s-binaries.log"
    start_bg k8s-binaries
  fi
fi

if [ $want_chromium = 1 ]; then
  if [ -x /usr/bin/chromium ]; then
    step "chromium ready (installed)"
  elif [ "$(id -u)" = 0 ]; then
    step "installing chromium from Debian; log: $LOG_DIR/chromium.log"
    start_bg chromium
  else
    # sudo may ask for a password: in the foreground.
    step "installing chromium from Debian"
    step_chromium
  fi
fi

# The two venvs install side by side, beside npm ci.
if [ "$(cat .venv/.turing-req-hash 2>/dev/null)" != "$(venv_hash)" ]; then
  step "creating .venv from requirements.txt; log: $LOG_DIR/venv.log"
  start_bg venv
else
  step "python venv ready (stamped)"
fi
if [ "$(cat .venv-serving/.turing-req-hash 2>/dev/null)" != "$(serving_hash)" ]; then
  step "creating .venv-serving from requirements-serving.txt (about 2 GB, mostly tensorflow-cpu); log: $LOG_DIR/serving-venv.log"
  start_bg serving-venv
else
  step "serving venv ready (stamped)"
fi

# npm packages: reinstalled only when the lock file changed. In the
# foreground: the extensions and the admin pages need them.
t=$(now)
lock_hash=$(hash_of package-lock.json)
if [ "$(cat node_modules/.turing-lock-hash 2>/dev/null)" != "$lock_hash" ]; then
  step "npm ci"
  npm ci --no-audit --no-fund >&2
  echo "$lock_hash" > node_modules/.turing-lock-hash
fi
step "npm packages ready ($(took "$t"))"

# The admin pages build beside the extensions. Both builds start with
# `tsc -b extensions/ui`: built once here, the two side by side only read it.
if [ "$(cat admin-ui/dist/.turing-hash 2>/dev/null)" != "$(admin_hash)" ] || [ ! -f admin-ui/dist/index.html ]; then
  npx tsc -b extensions/ui >&2
  step "building the admin pages; log: $LOG_DIR/admin.log"
  start_bg admin
else
  step "admin pages ready (stamped)"
fi

# Turing's JupyterLab extensions, built as prebuilt labextensions, packaged as
# the turing-jupyterlab wheel and pip-installed into the venv; rebuilt only
# when their sources, the packaging or the venv change (or the wheel is gone).
# They need the venv: jupyter-builder comes from it, and the hash includes its stamp.
await venv
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

await admin
await serving-venv
await chromium
if [ -n "${bg_pid[k8s-binaries]:-}" ]; then
  step "waiting for the Go build ($(took "$t0") so far); log: $LOG_DIR/k8s-binaries.log"
  await k8s-binaries
fi

step "set-up ($profile) took $(took "$t0")"
