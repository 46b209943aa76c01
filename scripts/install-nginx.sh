#!/usr/bin/env bash
# Debian's nginx for `npm run bench:gateway` (a peer the gateway is measured
# against, and the benchmark's backend). Needs root or sudo, like Chromium.
set -euo pipefail
if [ -x /usr/sbin/nginx ]; then exit 0; fi
echo "[setup] installing nginx-light from Debian" >&2
if [ "$(id -u)" = 0 ]; then
  apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >&2
else
  sudo apt-get update -qq >&2 && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >&2
fi
