#!/usr/bin/env bash
# The hand-over to runtimes that move linux.netDevices themselves (runc >= 1.4, crun >= 1.22,
# youki >= 0.6), none of which is packaged here: a stand-in runtime answers `features` and
# moves the device itself (with `ip`, before createRuntime like runc or after it like youki),
# running the hook binary the way runc does. Another stand-in says nothing of netDevices.
#
#   runtime_handover.sh HOOK_BINARY SEALED_PARENT
#
# SEALED_PARENT (tests/support/sealed_parent.c) runs a hook from a parent whose exe reads "/",
# as crun 1.27.1 does; the crun stand-in below runs its hooks through it.
#
# Runs in a private network and mount namespace. Exit 77 (skipped) without root or tools.
set -uo pipefail
hook=$(readlink -f "$1")
sealed=$(readlink -f "$2")

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

# Stand-in for crun 1.27.1 with native linux.netDevices, reproducing what was measured on it
# (docs/runtimes.md "What a hook sees of its runtime"): `features` says netDevices enabled
# (the copy in crun-mute says nothing of them, like a runtime that cannot be asked); it moves the
# devices BEFORE the createRuntime hooks, with their IPv4 and IPv6 addresses, renamed and up; a
# %d template is looked up literally after the move and fails ("No such device"); every hook
# runs from a parent whose exe reads "/" and whose cmdline is `crun --root DIR run ...`.
# CRUN_PROBE: a command run on the host while the container runs.
mkdir -p "$work/crun-new/bin"
crun_new=$work/crun-new/bin/crun
# Each stand-in runs hooks from its own copy of sealed_parent: /proc/PPID/exe is what the hook
# asks and caches by inode, as it would be each crun binary.
cp "$sealed" "$work/crun-new/sealed_parent"
{ echo '#!/bin/bash'; echo "sealed=$work/crun-new/sealed_parent features=netdevices"; cat <<'EOF'
set -u
if [ "$1" = features ]; then
  echo asked >> "$0.asked"
  # $0.slow: this one time, no answer (the hook gives up after 5 s and kills it).
  if [ -e "$0.slow" ]; then rm -f "$0.slow"; exec sleep 30; fi
  if [ "$features" = netdevices ]; then
    echo '{"ociVersionMin":"1.0.0","linux":{"netDevices":{"enabled":true}}}'
  else echo '{"ociVersionMin":"1.0.0"}'; fi
  exit 0
fi
argv=("$0" "$@") bundle=$PWD
while [ $# -gt 0 ]; do case $1 in run) shift; break ;; --root) shift 2 ;; *) shift ;; esac; done
while [ $# -gt 1 ]; do case $1 in --bundle | -b) bundle=$2; shift 2 ;; *) break ;; esac; done
id=$1 cfg=$bundle/config.json
unshare --net sleep 60 </dev/null >/dev/null 2>&1 &
init=$!
ns=/proc/$init/ns/net
until [ "$(readlink "$ns")" != "$(readlink /proc/self/ns/net)" ]; do sleep 0.01; done
stop() { kill "$init"; wait "$init" 2>/dev/null; }
in_ctr() { nsenter --net="$ns" "$@"; }
move_devices() {
  jq -r '.linux.netDevices // {} | to_entries[] | "\(.key) \(.value.name // .key)"' "$cfg" |
  while read -r host name; do
    addrs=$(ip -j addr show dev "$host" |
      jq -r '.[0].addr_info[] | select(.scope == "global") | "\(.family) \(.local)/\(.prefixlen)"')
    if [ -n "${CRUN_PLANT:-}" ]; then  # gone from the host; a pair made in the container instead
      ip link del "$host" && in_ctr ip link add "$name" type veth peer name "${name}p" &&
        in_ctr ip link set "$name" up
      continue
    fi
    ip link set dev "$host" netns "$init" name "$name" || exit 1
    if ! in_ctr ip link show dev "$name" >/dev/null 2>&1; then
      echo "netlink error while looking for interface \`$name\`: No such device" >&2; exit 1
    fi
    while read -r family addr; do
      [ -n "$addr" ] || continue
      if [ "$family" = inet6 ]; then in_ctr ip addr add "$addr" dev "$name" nodad
      else in_ctr ip addr add "$addr" dev "$name"; fi
    done <<< "$addrs"
    in_ctr ip link set "$name" up
  done
}
run_hooks() { # STAGE STATE
  local n i path args rc
  n=$(jq ".hooks.$1 // [] | length" "$cfg")
  for ((i = 0; i < n; i++)); do
    path=$(jq -r ".hooks.$1[$i].path" "$cfg")
    mapfile -t args < <(jq -r ".hooks.$1[$i].args[1:][]" "$cfg")
    if [ "$1" = createContainer ]; then in_ctr "$sealed" "${argv[@]}" -- "$path" "${args[@]}" <<< "$2"
    else "$sealed" "${argv[@]}" -- "$path" "${args[@]}" <<< "$2"; fi
    rc=$?
    [ "$rc" = 0 ] || { echo "crun: error executing hook \`$path\` (exit code: $rc)" >&2; stop; exit 1; }
  done
}
state() { echo '{"ociVersion":"1.2.0","id":"'"$id"'","status":"'"$1"'",'"$2"'"bundle":"'"$bundle"'","annotations":{}}'; }
move_devices || { stop; exit 1; }
run_hooks createRuntime "$(state created "\"pid\":$init,")"
run_hooks createContainer "$(state created '"pid":0,')"
in_ctr ip addr
if [ -n "${CRUN_PROBE:-}" ]; then eval "$CRUN_PROBE"; fi
stop
run_hooks poststop "$(state stopped '"pid":0,')"
EOF
} > "$crun_new"
crun_mute=$work/crun-mute/bin/crun
mkdir -p "$work/crun-mute/bin"
cp "$sealed" "$work/crun-mute/sealed_parent"
sed "s|^sealed=.* features=netdevices\$|sealed=$work/crun-mute/sealed_parent features=none|" "$crun_new" > "$crun_mute"
chmod +x "$crun_new" "$crun_mute"
# A hook that writes down what it sees of its parent: the measured fact the stand-in holds.
cat > "$work/parent-probe" <<'EOF'
#!/bin/sh
{ echo "exe=$(readlink /proc/$PPID/exe)"; echo "cmdline=$(tr '\0' ' ' < /proc/$PPID/cmdline)"; } > "$0.seen"
EOF
chmod +x "$work/parent-probe"

reset_host() {
  # v0 away from the host is in a container's netns that dies asynchronously, with the pair.
  if ip link show dev v0 >/dev/null 2>&1; then ip link del v0
  else wait_for 5 sh -c '! ip link show dev v0p' || ip link del v0p 2>/dev/null; fi
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
  # standin-runc-native, standin-runc-old, crun-new, crun-mute, crun-slow
  [ "$(ls "$records"/*.features | wc -l)" = 5 ] || fail "cache: $(ls "$records")"
}

# crun_bundle DIR EXTRA_JSON [HOOK_ARG...]: linux.netDevices v0 -> ctr0 (EXTRA_JSON merged in),
# the parent probe first at createRuntime, and the hook with HOOK_ARGs at every stage.
crun_bundle() {
  local dir=$1 extra=$2; shift 2
  bundle "$dir" "$netdevices"
  local args
  args=$(for a in "$@"; do printf '%s\n' "$a"; done | jq -R . | jq -s .)
  jq --arg probe "$work/parent-probe" --argjson extra "$extra" --argjson args "$args" '
    (.hooks |= with_entries(.value[0].args += $args))
    | .hooks.createRuntime = [{path: $probe, args: ["probe"]}] + .hooks.createRuntime
    | . * $extra' < "$dir/config.json" > "$dir/c" && mv "$dir/c" "$dir/config.json"
}
crun_run() { # DIR [CRUN]: the stand-in run as measured, `crun --root DIR run --bundle B ID`
  (cd "$1" && "${2:-$crun_new}" --root "$work/crun-root" run --bundle "$1" "id-$(basename "$1")") \
    > "$1/out" 2> "$1/err"
}
host_as_before() { # v0 back on the host, up, with both addresses
  ip addr show dev v0 > "$work/host-v0" 2>&1 || { fail "v0 is not back on the host"; return; }
  expect "$work/host-v0" "[<,]UP[,>]" "inet 192.0.2.1/24" "inet6 2001:db8:2::1/64"
}

case_crun_127() { # the issue's 5 out of 5: every run delivers, poststop --restore gives back
  local b=$work/crun127 run
  for run in 1 2 3 4 5; do
    reset_host
    rm -rf "$b"
    crun_bundle "$b" '{}' --restore
    CRUN_PROBE="$hook status > $b/status" crun_run "$b" || { fail "run $run: exited $?: $(cat "$b/err")"; return; }
    expect "$b/out" "ctr0[:@].*UP" "inet 192.0.2.1/24" "inet6 2001:db8:2::1/64"
    expect "$b/status" "moved by the runtime $crun_new" "v0 .* -> ctr0"
    expect "$work/parent-probe.seen" "^exe=/$" "^cmdline=$crun_new --root .* run "
    host_as_before
    [ -z "$(ls "$records" | grep -E '\.record$')" ] || fail "run $run: record left: $(ls "$records")"
  done
}

case_crun_native_yes() { # a runtime that cannot be asked: --native yes is the admin's word
  local b=$work/nativeyes
  crun_bundle "$b" '{}'
  crun_run "$b" "$crun_mute" && fail "without --native the hook took the runtime's device"
  expect "$b/err" "oci-netdev-hook: error: v0: " "error executing hook"
  # The pair died with the container's netns, asynchronously.
  wait_for 5 sh -c '! ip link show dev v0p' || fail "v0p outlived the container"
  reset_host
  rm -rf "$b"
  crun_bundle "$b" '{}' --native yes
  crun_run "$b" "$crun_mute" || fail "exited $?: $(cat "$b/err")"
  expect "$b/out" "ctr0[:@].*UP" "inet6 2001:db8:2::1/64"
}

case_crun_template() { # native crun fails a %d template itself; check says so beforehand
  local b=$work/template
  crun_bundle "$b" '{"linux":{"netDevices":{"v0":{"name":"ctr%d"}}}}'
  "$hook" check --runtime "$crun_new" "$b" > "$b/check" 2>&1
  expect "$b/check" "moved by: $crun_new" "ctr%d: .* looks the name up literally"
  crun_run "$b" && fail "the container started"
  expect "$b/err" "No such device"
}

case_crun_slow_features() { # no answer in time is not the runtime's answer: asked again
  local b=$work/slow slow=$work/crun-slow
  mkdir -p "$slow/bin" && cp "$sealed" "$slow/sealed_parent"
  sed "s|^sealed=[^ ]* |sealed=$slow/sealed_parent |" "$crun_new" > "$slow/bin/crun"
  chmod +x "$slow/bin/crun" && touch "$slow/bin/crun.slow"
  crun_bundle "$b" '{}'
  crun_run "$b" "$slow/bin/crun" && fail "the first run, without an answer, started"
  reset_host
  rm -rf "$b" && crun_bundle "$b" '{}'
  crun_run "$b" "$slow/bin/crun" || fail "exited $?: $(cat "$b/err")"
  expect "$b/out" "ctr0[:@].*UP" "inet6 2001:db8:2::1/64"
  [ "$(wc -l < "$slow/bin/crun.asked")" = 2 ] || fail "features asked $(wc -l < "$slow/bin/crun.asked") times"
}

case_crun_planted() { # a same-named pair made in the container is not what the runtime moved
  local b=$work/planted
  crun_bundle "$b" '{}'
  CRUN_PLANT=1 crun_run "$b" && fail "the container started"
  expect "$b/err" "oci-netdev-hook: error: v0: ctr0 in .* is a veth whose other end is in the container itself"
  [ -z "$(ls "$records" | grep -E '\.record$')" ] || fail "record left: $(ls "$records")"
}

case_crun_policy() { # the policy decides for a device the runtime has moved already
  local b=$work/crunpolicy strict=$work/strict.json
  echo '{"trusted_sources":[],"allow":[{"devices":["w*"]}]}' > "$strict" && chmod 0644 "$strict"
  crun_bundle "$b" '{}'
  OCI_NETDEV_HOOK_POLICY=$strict crun_run "$b" && fail "the container started"
  expect "$b/err" "oci-netdev-hook: error: v0: refused: no rule of $strict allows config requests" \
    "has moved it already: the container fails"
}

case_check_says_who() {
  local b=$work/checkwho
  crun_bundle "$b" '{}'
  "$hook" check --runtime "$crun_new" "$b" > "$b/check" 2>&1
  expect "$b/check" "moved by: $crun_new \(it moves linux.netDevices itself" "v0: allowed by" \
    "v0: on the host now; $crun_new moves it itself"
  "$hook" check "$b" > "$b/check-hook" 2>&1
  expect "$b/check-hook" "moved by: the hook"
  "$hook" check --runtime "$work/standin-runc-old" "$b" > "$b/check-old" 2>&1
  expect "$b/check-old" "moved by: the hook"
}

run_case "crun 1.27.1 (parent exe reads /, moves first): 5 runs deliver v4+v6, poststop --restore gives back" case_crun_127
run_case "a runtime that cannot be asked: --native yes leaves the devices to it" case_crun_native_yes
run_case "a %d template with a native runtime: check says it fails, and it does" case_crun_template
run_case "check says who moves each device" case_check_says_who
run_case "a same-named pair made in the container is not taken for the runtime's device" case_crun_planted
run_case "a features that does not answer in time is asked again, not cached" case_crun_slow_features
run_case "the policy decides for a device a native runtime has moved already" case_crun_policy
run_case "runtime moving before createRuntime (runc, crun): left to it, checked" case_native_moves before
run_case "runtime moving after createRuntime (youki): left to it, checked" case_native_moves after
run_case "runtime moving another device under the name: refused at createContainer" case_native_wrong_device
run_case "runtime without netDevices in features: the hook moves" case_old_runtime
run_case "annotation requests stay the hook's with a runtime that moves" case_native_annotation
run_case "a runtime that moves the devices itself: the guardrails and the policy still decide" case_native_guardrail
run_case "features asked once per runtime binary, cached in the state dir" case_features_once
# HANDOVER_BENCH=N: N alternating container starts on the crun stand-in, the hook registered at
# every stage and not: wall medians (the stand-in's own jq calls per hook are in the
# difference), and the hook's own CPU (user+sys of its three runs, from wait4) per start.
bench_handover() {
  local n=$1 i mode b=$work/bench
  : > "$work/bench-with"; : > "$work/bench-without"
  for ((i = 0; i < n; i++)); do
    for mode in with without; do
      wait_for 5 sh -c '! ip link show dev v0p' || true
      reset_host
      rm -rf "$b"
      bundle "$b" "$netdevices"
      if [ "$mode" = without ]; then jq 'del(.hooks)' "$b/config.json" > "$b/c" && mv "$b/c" "$b/config.json"; fi
      rm -f "$work/rusage"
      local t0=$(date +%s%N)
      SEALED_PARENT_RUSAGE=$work/rusage "$crun_new" --root "$work/crun-root" run --bundle "$b" \
        id-bench > /dev/null 2>&1 || fail "bench run $i ($mode) failed"
      local wall=$(( ($(date +%s%N) - t0) / 1000 ))
      # Hook runs only (the parent probe is not registered here): the sum of the three stages.
      local cpu=0 first=0
      [ -f "$work/rusage" ] && cpu=$(awk '{s += $1} END {print s}' "$work/rusage") &&
        first=$(sed -n 1p "$work/rusage")
      echo "$((wall / 1000)) $cpu $first" >> "$work/bench-$mode"
    done
  done
  median() { sort -n | awk '{a[NR] = $1} END {print a[int((NR + 1) / 2)]}'; }
  local ww wc wr ow
  ww=$(cut -d' ' -f1 "$work/bench-with" | median); wc=$(cut -d' ' -f2 "$work/bench-with" | median)
  wr=$(cut -d' ' -f3 "$work/bench-with" | median); ow=$(cut -d' ' -f1 "$work/bench-without" | median)
  echo "native hand-over bench (median of $n, alternating): start wall $ww ms with the hook," \
    "$ow ms without; the hook's CPU $(awk "BEGIN {print $wc / 1000}") ms for its three stages" \
    "(createRuntime, createContainer, poststop), $(awk "BEGIN {print $wr / 1000}") ms at createRuntime"
}
[ -n "${HANDOVER_BENCH:-}" ] && run_case "bench: a native runtime with and without the hook" bench_handover "$HANDOVER_BENCH"
finish
