#!/usr/bin/env bash
# process_cpu.sh [--links L [--routed]] [--addresses N] [--runs R] HOOK [HOOK...]: the CPU,
# wall time and page faults of each hook's createRuntime process alone, exec to exit (`perf
# stat -e task-clock,duration_time,page-faults`), beside `floor full`, alternating, the device
# rebuilt before each run; medians. --routed: the L other links up with a /32 route each (pod
# veths on a node, docs/kernel-facts.md K18), not down and bare. Without the bench's fork from
# Python (about 1.5-2 ms charged to every peer's child before exec). Root; everything happens
# in a private network and mount namespace with a sysfs of its own at /sys (as a node's host
# netns has). Needs perf (Debian: linux-perf) and a build with bench/floor.
set -euo pipefail
links=0 n=16 runs=30 routed=
while [ $# -gt 0 ]; do
  case $1 in
    --links) links=$2; shift 2 ;;
    --routed) routed=--routed; shift ;;
    --addresses) n=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    *) break ;;
  esac
done
[ $# -ge 1 ] || { echo "usage: $0 [--links L [--routed]] [--addresses N] [--runs R] HOOK..." >&2; exit 2; }
command -v perf >/dev/null || { echo "process_cpu.sh: needs perf (apt-get install linux-perf)" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
floor=${FLOOR:-$here/../build/bench/floor}
hooks=()
for h in "$@"; do hooks+=("$(realpath "$h")"); done
if [ -z "${PROCESS_CPU_INSIDE:-}" ]; then
  exec env PROCESS_CPU_INSIDE=1 FLOOR="$(realpath "$floor")" unshare --net --mount --propagation private -- \
    "$0" --links "$links" $routed --addresses "$n" --runs "$runs" "${hooks[@]}"
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
for ((i = 0; i < links / 2; i++)); do
  echo "link add x$i type veth peer name y$i"
  [ -z "$routed" ] || printf '%s\n' "link set x$i up" "link set y$i up" \
    "route add 10.200.$((i / 250)).$((i % 250 + 1))/32 dev x$i"
done | ip -batch -
# Links just set up run IPv6 DAD and router solicitations for a few seconds: let them settle.
[ -z "$routed" ] || sleep 5
device() {
  { echo "link add v0 type veth peer name v0p"; echo "link set v0p up"; echo "link set v0 up"
    for ((i = 0; i < n; i++)); do echo "addr add 10.0.$((i / 250)).$((i % 250 + 1))/32 dev v0"; done
    for i in 0 1 2 3; do echo "addr add 2001:db8:0:$i::1/64 dev v0 nodad"; done; } | ip -batch -
}
# "cpu ms:wall ns:faults" of one run.
measure() {
  perf stat -x, -e task-clock,duration_time,page-faults "$@" 2>&1 >/dev/null | tail -3 |
    cut -d, -f1 | paste -sd:
}
declare -A samples
peers=("${hooks[@]}" floor)
for p in "${peers[@]}"; do samples[$p]=""; done
k=0
for ((r = 0; r < runs; r++)); do
  for p in "${peers[@]}"; do
    device
    if [ "$p" = floor ]; then
      t=$(measure "$FLOOR" full v0 ctr0 "/proc/$ctr/ns/net")
    else
      echo "{\"ociVersion\":\"1.2.0\",\"id\":\"p$((k++))\",\"status\":\"creating\",\"pid\":$ctr,\"bundle\":\"$work/bundle\"}" > "$work/state.json"
      t=$(OCI_NETDEV_HOOK_STATE_DIR=$work/state measure "$p" createRuntime < "$work/state.json")
    fi
    samples[$p]+="$t "
    nsenter --net="/proc/$ctr/ns/net" ip link del ctr0
  done
done
median() { tr ' ' '\n' <<< "$1" | grep . | cut -d: -f"$2" | sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
echo "N=$n addresses + 4 IPv6, $links other links${routed:+ (up, routed)}, $runs runs, medians: CPU ms, wall ms, page faults"
for p in "${peers[@]}"; do
  printf '%s %.2f %s %s\n' "$(median "${samples[$p]}" 1)" \
    "$(awk '{print $1 / 1e6}' <<< "$(median "${samples[$p]}" 2)")" "$(median "${samples[$p]}" 3)" "$p"
done
