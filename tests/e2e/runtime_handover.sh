#!/usr/bin/env bash
# The hand-over to runtimes that move linux.netDevices themselves (runc >= 1.4, crun >= 1.22,
# youki >= 0.6), none of which is packaged here: a stand-in runtime answers `features` and
# moves the device itself (with `ip`, before createRuntime like runc or after it like youki),
# running the hook binary the way runc does. Another stand-in says nothing of netDevices.
#
#   runtime_handover.sh HOOK_BINARY
#
# Runs in a private network and mount namespace. Exit 77 (skipped) without root or tools.
set -uo pipefail
hook=$(readlink -f "$1")

source "$(dirname "$(readlink -f "$0")")/lib.sh"
enter_private_world runtime_handover "" "jq nsenter ip" -- "$0" "$@"
mount -t tmpfs -o mode=0755 tmpfs /run
records=/run/oci-netdev-hook
ip link set lo up
work=$(mktemp -d /tmp/netdev-handover.XXXXXX)
trap 'rm -rf "$work"' EXIT
policy=$work/policy.json
echo '{"allow":[{"devices":["v*"]}]}' > "$policy" && chmod 0644 "$policy"
export OCI_NETDEV_HOOK_POLICY=$policy

# The stand-in: `features`, and `run BUNDLE ID` doing what a runtime does with hooks.
# STANDIN_MODE: before (move, then createRuntime: runc, crun), after (createRuntime, then move:
# youki, whose createContainer state has no pid), fake (like after, but a new veth under the
# asked name instead of the device).
cat > "$work/standin.in" <<'EOF'
#!/bin/bash
set -u
native=@NATIVE@
if [ "$1" = features ]; then
  echo asked >> "$0.asked"
  if $native; then echo '{"ociVersionMin":"1.0.0","linux":{"netDevices":{"enabled":true}}}'
  else echo '{"ociVersionMin":"1.0.0","linux":{"namespaces":["network"]}}'; fi
  exit 0
fi
bundle=$2 id=$3 cfg=$2/config.json mode=${STANDIN_MODE:-before}
unshare --net sleep 60 </dev/null >/dev/null 2>&1 &
init=$!
ns=/proc/$init/ns/net
until [ "$(readlink "$ns")" != "$(readlink /proc/self/ns/net)" ]; do sleep 0.01; done
stop() { kill "$init"; wait "$init" 2>/dev/null; }
move_devices() {
  $native || return 0
  jq -r '.linux.netDevices // {} | to_entries[] | "\(.key) \(.value.name // .key)"' "$cfg" |
  while read -r host name; do
    if [ "$mode" = fake ]; then nsenter --net="$ns" ip link add "$name" type veth peer name "${name}p"
    else ip link set dev "$host" netns "$init" name "$name"; fi
    nsenter --net="$ns" ip link set "$name" up
  done
}
run_hooks() { # STAGE STATE
  local n i path args
  n=$(jq ".hooks.$1 // [] | length" "$cfg")
  for ((i = 0; i < n; i++)); do
    path=$(jq -r ".hooks.$1[$i].path" "$cfg")
    mapfile -t args < <(jq -r ".hooks.$1[$i].args[1:][]" "$cfg")
    if [ "$1" = createContainer ]; then nsenter --net="$ns" "$path" "${args[@]}" <<< "$2"
    else "$path" "${args[@]}" <<< "$2"; fi || { echo "standin: error running $1 hook" >&2; stop; exit 1; }
  done
}
state() { echo '{"ociVersion":"1.2.0","id":"'"$id"'","status":"'"$1"'",'"$2"'"bundle":"'"$bundle"'","annotations":{}}'; }
[ "$mode" = before ] && move_devices
run_hooks createRuntime "$(state creating "\"pid\":$init,")"
[ "$mode" = before ] || move_devices
if [ "$mode" = before ]; then run_hooks createContainer "$(state creating '"pid":1,')"
else run_hooks createContainer "$(state creating '')"; fi
nsenter --net="$ns" ip addr
stop
run_hooks poststop "$(state stopped '')"
EOF
sed 's/@NATIVE@/true/' "$work/standin.in" > "$work/standin-runc-native"
sed 's/@NATIVE@/false/' "$work/standin.in" > "$work/standin-runc-old"
chmod +x "$work/standin-runc-native" "$work/standin-runc-old"

reset_host() {
  ip link del v0 2>/dev/null
  ip link add v0 type veth peer name v0p && ip link set v0p up && ip link set v0 up
  ip addr add 192.0.2.1/24 dev v0 && ip -6 addr add 2001:db8:2::1/64 dev v0 nodad
}

# bundle DIR REQUEST_JSON_FIELDS: linux.netDevices or annotations; the hook at all three stages.
bundle() {
  mkdir -p "$1"
  jq -n --arg hook "$hook" --argjson extra "$2" '{
    ociVersion: "1.2.0", linux: {namespaces: [{type: "network"}]},
    hooks: ({} | .[("createRuntime", "createContainer", "poststop")] = null
            | with_entries(.value = [{path: $hook, args: ["oci-netdev-hook", .key]}]))
  } * $extra' > "$1/config.json"
}
netdevices='{"linux":{"netDevices":{"v0":{"name":"ctr0"}}}}'
standin() { # standin RUNTIME MODE DIR
  STANDIN_MODE=$2 "$work/standin-runc-$1" run "$3" "id-$(basename "$3")" > "$3/out" 2> "$3/err"
}

case_native_moves() { # MODE: before (runc, crun) or after (youki) createRuntime
  local b=$work/$1
  bundle "$b" "$netdevices"
  standin native "$1" "$b" || fail "exited $?: $(cat "$b/err")"
  expect "$b/out" "ctr0[:@].*UP"
  # `ip link set netns` drops the addresses; the hook would have carried them: it did not move.
  grep -q "192.0.2.1" "$b/out" && fail "the hook moved the device, not the runtime"
  [ -z "$(ls "$records" | grep -E '\.(json|native)$')" ] || fail "left in $records: $(ls "$records")"
}

case_native_wrong_device() {
  local b=$work/fake
  bundle "$b" "$netdevices"
  standin native fake "$b" && fail "the container started"
  expect "$b/err" "oci-netdev-hook: error: v0: ctr0 in container netns is not the device asked for \(MAC .*, expected .*\); moved by .*standin-runc-native"
  ip link show dev v0 >/dev/null 2>&1 || fail "v0 left the host"
}

case_old_runtime() {
  local b=$work/old
  bundle "$b" "$netdevices"
  standin old before "$b" || fail "exited $?: $(cat "$b/err")"
  expect "$b/out" "ctr0[:@].*UP" "inet 192.0.2.1/24" "inet6 2001:db8:2::1/64"
}

case_native_annotation() {
  local b=$work/annotation
  bundle "$b" '{"annotations":{"oci-netdev-hook.devices":"v0=ctr0"}}'
  standin native before "$b" || fail "exited $?: $(cat "$b/err")"
  expect "$b/out" "ctr0[:@].*UP" "inet 192.0.2.1/24" "inet6 2001:db8:2::1/64"
}

case_native_guardrail() { # a youki-like runtime moves after createRuntime: a port stays home
  local b=$work/port
  ip link add br9 type bridge && ip link set v0 master br9
  bundle "$b" "$netdevices"
  standin native after "$b" && fail "the container started"
  expect "$b/err" "oci-netdev-hook: error: v0: refused by guardrail port"
  [ "$(cat /sys/class/net/v0/master/ifindex 2>/dev/null)" = "$(cat /sys/class/net/br9/ifindex)" ] ||
    fail "v0 left its bridge"
  ip link del br9
}

case_features_once() {
  [ "$(wc -l < "$work/standin-runc-native.asked")" = 1 ] ||
    fail "features asked $(wc -l < "$work/standin-runc-native.asked") times"
  [ "$(ls "$records"/*.features | wc -l)" = 2 ] || fail "cache: $(ls "$records")"
}

run_case "runtime moving before createRuntime (runc, crun): left to it, checked" case_native_moves before
run_case "runtime moving after createRuntime (youki): left to it, checked" case_native_moves after
run_case "runtime moving another device under the name: refused at createContainer" case_native_wrong_device
run_case "runtime without netDevices in features: the hook moves" case_old_runtime
run_case "annotation requests stay the hook's with a runtime that moves" case_native_annotation
run_case "a runtime that moves the devices itself: the guardrails and the policy still decide" case_native_guardrail
run_case "features asked once per runtime binary, cached in the state dir" case_features_once
finish
