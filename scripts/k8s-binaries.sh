#!/usr/bin/env bash
# Builds the real control-plane binaries the tests run (kube-apiserver, kube-scheduler,
# kube-controller-manager, etcd, kwok, helm) from the Go module proxy, and
# caches them by version so a second run is a no-op.
# Prints the directory that holds the binaries on its last line.
# With --check it builds nothing: prints that directory and exits 0 when every
# binary is there, exits 1 otherwise.
set -euo pipefail

K8S_VERSION="${TURING_K8S_VERSION:-v1.36.3}"
ETCD_VERSION="${TURING_ETCD_VERSION:-v3.6.16}"
KWOK_VERSION="${TURING_KWOK_VERSION:-v0.8.0}"
HELM_VERSION="${TURING_HELM_VERSION:-v3.22.0}"

CACHE_ROOT="${TURING_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/turing}"
BIN_DIR="$CACHE_ROOT/bin/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION-helm-$HELM_VERSION"
WORK="$CACHE_ROOT/gobuild"
export CGO_ENABLED=0 GOFLAGS="-trimpath" GOTOOLCHAIN="${GOTOOLCHAIN:-local}"
mkdir -p "$BIN_DIR" "$WORK"

log() { echo "[k8s-binaries] $*" >&2; }

ALL="kube-apiserver kube-controller-manager kube-scheduler etcd kwok helm"
missing=0; for b in $ALL; do [ -x "$BIN_DIR/$b" ] || missing=1; done
[ -f "$BIN_DIR/kwok-stages.yaml" ] || missing=1
if [ $missing = 0 ]; then echo "$BIN_DIR"; exit 0; fi
[ "${1:-}" = --check ] && exit 1
started=$(date +%s)

# Writes a throwaway module that pins $1@$2 (plus extra go.mod lines from stdin)
# and blank-imports the main packages given after it, then runs go mod tidy.
wrapper_module() {
  local dir=$1 mod=$2 ver=$3; shift 3
  rm -rf "$dir"; mkdir -p "$dir"
  { echo "module turing.local/build"; echo; echo "go 1.26"; echo;
    echo "require $mod $ver"; cat; } > "$dir/go.mod"
  { echo "//go:build tools"; echo; echo "package build"; echo; echo "import ("
    for pkg in "$@"; do echo "	_ \"$pkg\""; done; echo ")"; } > "$dir/tools.go"
  (cd "$dir" && go mod tidy >&2)
}

build_kubernetes() {
  local minor=${K8S_VERSION#v1.}; local staging_version="v0.$minor"
  local dir="$WORK/kubernetes-$K8S_VERSION"
  # k8s.io/kubernetes requires its staging modules at v0.0.0 with local
  # replaces; a consumer must map each one to its published version.
  local gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  grep -E '^\s*k8s.io/\S+ => ./staging' "$gomod" | awk '{print $1}' |
    sed "s|.*|replace & => & $staging_version|" |
    wrapper_module "$dir" k8s.io/kubernetes "$K8S_VERSION" \
      k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager k8s.io/kubernetes/cmd/kube-scheduler
  local ld="-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${minor%%.*}"
  for cmd in kube-apiserver kube-controller-manager kube-scheduler; do
    [ -x "$BIN_DIR/$cmd" ] && continue
    log "building $cmd $K8S_VERSION"
    (cd "$dir" && go build -ldflags "$ld" -o "$BIN_DIR/$cmd.tmp" "k8s.io/kubernetes/cmd/$cmd" && mv "$BIN_DIR/$cmd.tmp" "$BIN_DIR/$cmd")
  done
}

build_etcd() {
  [ -x "$BIN_DIR/etcd" ] && return
  log "building etcd $ETCD_VERSION"
  local dir="$WORK/etcd-$ETCD_VERSION"
  # etcd's server module has replaces of its own, so pin its siblings here.
  local base=${ETCD_VERSION}
  printf 'replace go.etcd.io/etcd/api/v3 => go.etcd.io/etcd/api/v3 %s\nreplace go.etcd.io/etcd/client/pkg/v3 => go.etcd.io/etcd/client/pkg/v3 %s\nreplace go.etcd.io/etcd/client/v3 => go.etcd.io/etcd/client/v3 %s\nreplace go.etcd.io/etcd/pkg/v3 => go.etcd.io/etcd/pkg/v3 %s\n' "$base" "$base" "$base" "$base" |
    wrapper_module "$dir" go.etcd.io/etcd/server/v3 "$ETCD_VERSION" go.etcd.io/etcd/server/v3
  (cd "$dir" && go build -ldflags "-s -w" -o "$BIN_DIR/etcd.tmp" go.etcd.io/etcd/server/v3 && mv "$BIN_DIR/etcd.tmp" "$BIN_DIR/etcd")
}

build_installable() {
  local name=$1 pkg=$2
  [ -x "$BIN_DIR/$name" ] && return
  log "building $name from $pkg"
  GOBIN="$BIN_DIR" go install -ldflags "-s -w" "$pkg"
}

# kwok >= 0.5 has no built-in stages: take its own "fast" stage set (node
# initialize + lease heartbeat, pod ready/complete/delete) from the module.
kwok_stages() {
  [ -f "$BIN_DIR/kwok-stages.yaml" ] && return
  local src
  src=$(go mod download -json "sigs.k8s.io/kwok@$KWOK_VERSION" | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')/kustomize/stage
  for f in node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml \
           pod/fast/pod-ready.yaml pod/fast/pod-complete.yaml pod/fast/pod-delete.yaml; do
    echo "---"; cat "$src/$f"
  done > "$BIN_DIR/kwok-stages.yaml.tmp"
  mv "$BIN_DIR/kwok-stages.yaml.tmp" "$BIN_DIR/kwok-stages.yaml"
}

build_kubernetes
build_etcd
build_installable kwok "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION"
kwok_stages
build_installable helm "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"

log "binaries ready in $(( $(date +%s) - started ))s"
echo "$BIN_DIR"
