#!/usr/bin/env bash
# Runs inside a private netns made by demo.sh: this netns plays the host.
set -euo pipefail
hook=$1
bundle=$(mktemp -d)
ctr_pid=
cleanup() {
  [ -n "$ctr_pid" ] && kill "$ctr_pid" 2>/dev/null && wait "$ctr_pid" 2>/dev/null
  rm -rf "$bundle"
}
trap cleanup EXIT

echo "== host: a veth 'uplink0' with IPv4 and IPv6 addresses, up"
ip link add uplink0 type veth peer name uplink0-peer
ip link set uplink0-peer up
ip link set uplink0 mtu 1400 up
ip addr add 192.0.2.10/24 brd 192.0.2.255 dev uplink0
ip -6 addr add 2001:db8:10::10/64 dev uplink0 nodad
ip addr show dev uplink0

echo "== container: a process in a new network namespace"
unshare --net sleep 600 &
ctr_pid=$!
sleep 0.2

cat > "$bundle/config.json" <<JSON
{"ociVersion": "1.2.0",
 "linux": {"namespaces": [{"type": "network"}],
           "netDevices": {"uplink0": {"name": "eth1"}}}}
JSON
state="{\"ociVersion\":\"1.2.0\",\"id\":\"demo\",\"status\":\"creating\",\"pid\":$ctr_pid,\"bundle\":\"$bundle\"}"

echo "== oci-netdev-hook createRuntime (as runc would run it)"
echo "$state" | "$hook" --log-level=info createRuntime
echo "exit code $?"

echo "== inside the container"
nsenter --net="/proc/$ctr_pid/ns/net" ip addr show dev eth1
echo "== left on the host"
ip -br link
