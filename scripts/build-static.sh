#!/usr/bin/env bash
# build-static.sh DIR [cmake args...]: a fully static oci-netdev-hook (glibc, libstdc++,
# Boost and libmnl linked in) in DIR, for nodes without libmnl or glibc 2.36 (the
# Kubernetes installer, config/kubernetes/). Release build; libmnl.a built first.
set -euo pipefail
dir=$1; shift
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/scripts/libmnl-static.sh" "$dir/libmnl"
bash "$top/scripts/build.sh" "$dir" -DCMAKE_BUILD_TYPE=Release -DNETDEV_LINKING=static \
  -DNETDEV_LIBMNL_STATIC="$dir/libmnl/libmnl.a" "$@"
