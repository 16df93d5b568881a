#!/usr/bin/env bash
# Runs inside the private netns made by demo.sh: this netns plays the host.
set -euo pipefail
hook=$1
# This mount namespace is private: the hook's records (/run/oci-netdev-hook) die with it.
mount -t tmpfs -o mode=0755 tmpfs /run
work=$(mktemp -d)
trap 'runc --root "$work/runc" delete -f demo >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

echo "== host: veth 'uplink0' with IPv4 and IPv6 addresses, MTU 1400, up"
ip link add uplink0 type veth peer name uplink0-peer
ip link set uplink0-peer up
ip link set uplink0 mtu 1400 up
ip addr add 192.0.2.10/24 brd 192.0.2.255 dev uplink0
ip -6 addr add 2001:db8:10::10/64 dev uplink0 nodad
ip addr show dev uplink0

echo "== bundle: busybox rootfs; config.json with the hook and linux.netDevices"
mkdir -p "$work/bundle/rootfs/bin"
cp "$(command -v busybox)" "$work/bundle/rootfs/bin/"
for a in sh ip; do ln -s busybox "$work/bundle/rootfs/bin/$a"; done
runc spec --bundle "$work/bundle"
jq --arg root "$work/bundle/rootfs" --arg hook "$hook" '
  .process.terminal = false | .root.path = $root
  | .process.args = ["ip", "address", "show", "dev", "eth1"]
  | .hooks.createRuntime = [{"path": $hook, "args": ["oci-netdev-hook", "--restore", "createRuntime"]}]
  | .hooks.poststop = [{"path": $hook, "args": ["oci-netdev-hook", "--restore", "poststop"]}]
  | .linux.netDevices = {"uplink0": {"name": "eth1"}}
' "$work/bundle/config.json" > "$work/config.json"
mv "$work/config.json" "$work/bundle/config.json"
jq '{hooks, netDevices: .linux.netDevices}' "$work/bundle/config.json"

echo "== runc run: the container prints its own 'ip address show dev eth1'"
runc --root "$work/runc" run --bundle "$work/bundle" demo

echo "== on the host after the container: uplink0 is back with its addresses (--restore: the"
echo "   hook pinned the container netns, so the veth outlived it, and poststop gave it back)"
ip addr show dev uplink0
