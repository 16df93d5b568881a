#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install, build, then move a real veth with IPv4
# and IPv6 addresses into a real container network namespace exactly as a runtime would
# (state on stdin, bundle config.json), and show the device from inside.
# Everything happens in a throwaway "host" netns; the machine's own network is not touched.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/scripts/install-deps.sh"
bash "$top/scripts/build.sh" "$top/build" >/dev/null
exec unshare --net -- bash "$top/scripts/demo-in-netns.sh" "$top/build/oci-netdev-hook"
