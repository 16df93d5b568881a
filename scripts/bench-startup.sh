#!/usr/bin/env bash
# bench-startup.sh [--runs N]: builds the hook three ways (NETDEV_LINKING shared,
# static-runtime, static; Release) and prints their sizes and start-up CPU
# (bench/startup.py), the numbers behind docs/building.md "Linking". ~10 minutes, mostly compiling.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/scripts/install-deps.sh"
for linking in shared static-runtime; do
  bash "$top/scripts/build.sh" "$top/build-startup-$linking" -DCMAKE_BUILD_TYPE=Release \
    -DNETDEV_LINKING=$linking -DNETDEV_TESTS=OFF >/dev/null
done
bash "$top/scripts/build-static.sh" "$top/build-startup-static" -DNETDEV_TESTS=OFF >/dev/null
exec python3 "$top/bench/startup.py" "$@" \
  "shared=$top/build-startup-shared/oci-netdev-hook" \
  "static-runtime=$top/build-startup-static-runtime/oci-netdev-hook" \
  "static=$top/build-startup-static/oci-netdev-hook"
