#!/usr/bin/env bash
# process_cpu.sh [--links L] [--addresses N] [--runs R] HOOK [HOOK...]: the CPU of each hook's
# createRuntime process alone, exec to exit (`perf stat -e task-clock`), beside `floor full`,
# alternating, the device rebuilt before each run; medians. Without the bench's fork from
# Python (about 1.5-2 ms charged to every peer's child before exec). Root; everything happens
# in a private network and mount namespace with a sysfs of its own at /sys (as a node's host
# netns has). Needs perf (Debian: linux-perf) and a build with bench/floor.
set -euo pipefail
links=0 n=16 runs=30
while [ $# -gt 0 ]; do
  case $1 in
    --links) links=$2; shift 2 ;;
    --addresses) n=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "usage: $0 [--links L] [--addresses N] [--runs R] HOOK..." >&2; exit 2; }
command -v perf >/dev/null || { echo "process_cpu.sh: needs perf (apt-get install linux-perf)" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
floor=${FLOOR:-$here/../build/bench/floor}
hooks=()
for h in "$@"; do hooks+=("$(realpath "$h")"); done
if [ -z "${PROCESS_CPU_INSIDE:-}" ]; then
  exec env PROCESS_CPU_INSIDE=1 FLOOR="$(realpath "$floor")" unshare --net --mount --propagation private -- \
    "$0" --links "$links" --addresses "$n" --runs "$runs" "${hooks[@]}"
fi
mount -t sysfs sysfs /sys
ip link set lo up
work=$(mktemp -d)
mount -t tmpfs -o mode=0700 tmpfs "$work"
unshare --net sleep 3600 &
ctr=$!
trap 'kill $ctr; umount "$work"; rmdir "$work"' EXIT
sleep 0.2
mkdir -p "$work/bundle" "$work/state"
chmod 0700 "$work/state"
echo '{"ociVersion":"1.2.0","linux":{"namespaces":[{"type":"network"}],"netDevices":{"v0":{"name":"ctr0"}}}}' \
  > "$work/bundle/config.json"
for ((i = 0; i < links / 2; i++)); do echo "link add x$i type veth peer name y$i"; done | ip -batch -
device() {
  { echo "link add v0 type veth peer name v0p"; echo "link set v0p up"; echo "link set v0 up"
    for ((i = 0; i < n; i++)); do echo "addr add 10.0.$((i / 250)).$((i % 250 + 1))/32 dev v0"; done
    for i in 0 1 2 3; do echo "addr add 2001:db8:0:$i::1/64 dev v0 nodad"; done; } | ip -batch -
}
cpu_ms() { perf stat -x, -e task-clock "$@" 2>&1 >/dev/null | tail -1 | cut -d, -f1; }
declare -A samples
peers=("${hooks[@]}" floor)
for p in "${peers[@]}"; do samples[$p]=""; done
k=0
for ((r = 0; r < runs; r++)); do
  for p in "${peers[@]}"; do
    device
    if [ "$p" = floor ]; then
      t=$(cpu_ms "$FLOOR" full v0 ctr0 "/proc/$ctr/ns/net")
    else
      echo "{\"ociVersion\":\"1.2.0\",\"id\":\"p$((k++))\",\"status\":\"creating\",\"pid\":$ctr,\"bundle\":\"$work/bundle\"}" > "$work/state.json"
      t=$(OCI_NETDEV_HOOK_STATE_DIR=$work/state cpu_ms "$p" createRuntime < "$work/state.json")
    fi
    samples[$p]+="$t "
    nsenter --net="/proc/$ctr/ns/net" ip link del ctr0
  done
done
echo "N=$n addresses + 4 IPv6, $links other links, $runs runs, CPU ms of the process (median)"
for p in "${peers[@]}"; do
  printf '%s %s\n' "$(tr ' ' '\n' <<< "${samples[$p]}" | grep . | sort -n |
    awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}')" "$p"
done
