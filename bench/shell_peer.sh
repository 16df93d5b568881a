#!/usr/bin/env bash
# shell_peer.sh HOSTDEV NEWNAME PID: the same steps done the way shell-out implementations do
# them, one `ip` process per step and per address: snapshot, down, move+rename, re-add each
# permanent global address in the container, up. For the benchmark only.
set -euo pipefail
dev=$1 new=$2 pid=$3
addrs=$(ip -j addr show dev "$dev" | jq -r '.[0].addr_info[]
  | select(.scope == "global" and (.dynamic | not)) | "\(.local)/\(.prefixlen)"')
ip link set dev "$dev" down
ip link set dev "$dev" netns "$pid" name "$new"
for a in $addrs; do
  nsenter --net="/proc/$pid/ns/net" ip addr add "$a" dev "$new"
done
nsenter --net="/proc/$pid/ns/net" ip link set dev "$new" up
