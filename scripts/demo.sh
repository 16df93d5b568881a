#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine: install, build, then start a real runc container
# whose config.json registers the hook and lists a veth carrying IPv4 and IPv6 addresses; the
# container prints its own `ip address`. Everything happens in a throwaway "host" netns (and
# mount ns): the machine's own network is not touched.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/scripts/install-deps.sh"
bash "$top/scripts/build.sh" "$top/build" >/dev/null
exec unshare --net --mount --propagation private -- \
  bash "$top/scripts/demo-in-netns.sh" "$top/build/oci-netdev-hook"
