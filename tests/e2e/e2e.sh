#!/usr/bin/env bash
# End-to-end tests with real runtimes: runc, crun, podman+runc, podman+crun, the hook
# registered the way a user registers it (config.json hooks; a hooks.d file for podman).
#
#   e2e.sh HOOK_BINARY REPO_DIR
#
# Everything runs in a private network namespace (the simulated host) and a private mount
# namespace (so crun's cgroup quirk can be fixed locally and podman's mounts die with us).
# Exit 77 (skipped) without root or without the runtimes, unless CI=true: there a missing
# runtime is a failure.
set -uo pipefail

hook=$(readlink -f "$1")
repo=$(readlink -f "$2")

if [ -z "${NETDEV_E2E_INSIDE:-}" ]; then
  if [ "$(id -u)" -ne 0 ]; then echo "e2e: skipped (needs root)"; exit 77; fi
  for cmd in runc crun podman busybox jq unshare nsenter; do
    if ! command -v "$cmd" >/dev/null; then
      echo "e2e: $cmd is not installed"
      [ "${CI:-}" = true ] && exit 1
      exit 77
    fi
  done
  NETDEV_E2E_INSIDE=1 exec unshare --net --mount --propagation private -- bash "$0" "$@"
fi

# crun refuses this machine's hybrid cgroup layout (docs/runtimes.md); in our mount ns only.
umount /sys/fs/cgroup/unified 2>/dev/null || true
# A private /run: the hook's records (/run/oci-netdev-hook), podman's netns files and
# anything else a runtime leaves there vanish with this mount namespace.
mount -t tmpfs -o mode=0755 tmpfs /run
records=/run/oci-netdev-hook
# No admin policy but the ones these tests write, and no audit line to the real system log.
[ -d /etc/oci-netdev-hook ] && mount -t tmpfs -o mode=0755 tmpfs /etc/oci-netdev-hook
[ -e /dev/log ] && mount --bind /dev/null /dev/log
ip link set lo up

work=$(mktemp -d /tmp/netdev-e2e.XXXXXX)
sleepers=()
cleanup() {
  for id in $(runc --root "$work/runc" list -q 2>/dev/null); do runc --root "$work/runc" delete -f "$id"; done
  for id in $(crun --root "$work/crun" list -q 2>/dev/null); do crun --root "$work/crun" delete -f "$id"; done
  for pid in "${sleepers[@]}"; do kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

passed=0 failed=0 current=""
fail() { echo "    FAIL: $*"; current_ok=false; }
expect() { # expect FILE PATTERN...: every extended regex occurs in FILE
  local file=$1; shift
  for pat in "$@"; do grep -Eq -- "$pat" "$file" || fail "'$pat' not in $(basename "$file"): $(tr '\n' '|' < "$file" | cut -c1-400)"; done
}
run_case() { # run_case NAME FUNCTION ARGS...
  current=$1; shift
  current_ok=true
  local t0=$(date +%s%N)
  reset_host
  "$@"
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  if $current_ok; then echo "ok   $current (${ms} ms)"; passed=$((passed+1))
  else echo "FAIL $current"; failed=$((failed+1)); fi
}

# ---- the simulated host ------------------------------------------------------------------
reset_host() {
  # A device may have left with a pre-created netns; its peer is still here.
  for d in v0 v1 v0p v1p; do ip link del "$d" 2>/dev/null; done
  for n in 0 1; do
    ip link add "v$n" type veth peer name "v${n}p"
    ip link set "v${n}p" up
    ip link set "v$n" mtu 1400 up
    ip addr add "192.0.$((n+2)).1/24" brd "192.0.$((n+2)).255" dev "v$n"
    ip -6 addr add "2001:db8:$((n+2))::1/64" dev "v$n" nodad
  done
}
mac_of() { cat "/sys/class/net/$1/address" 2>/dev/null || ip -j link show dev "$1" | jq -r '.[0].address'; }
host_view() { ip -br link show dev "$1"; ip -br addr show dev "$1"; }

# ---- bundles ---------------------------------------------------------------------------
rootfs=$work/rootfs
mkdir -p "$rootfs/bin"
cp "$(command -v busybox)" "$rootfs/bin/busybox"
for a in sh ip sleep cat; do ln -s busybox "$rootfs/bin/$a"; done

# make_bundle DIR NETDEVICES_JSON [NETNS_PATH] [HOOKS_JSON]
make_bundle() {
  local dir=$1 devices=$2 nspath=${3:-} hooks=${4:-}
  [ -n "$hooks" ] || hooks='{"createRuntime":[{"path":"'"$hook"'","args":["oci-netdev-hook","createRuntime"]}]}'
  mkdir -p "$dir"
  runc spec --bundle "$dir"
  jq --arg root "$rootfs" --argjson dev "$devices" --arg ns "$nspath" --argjson hooks "$hooks" \
     --arg err "$dir/hook-stderr" '
    .process.terminal = false | .root.path = $root | .root.readonly = true
    | .process.args = ["ip", "addr"]
    | .hooks = $hooks | .linux.netDevices = $dev
    | .annotations = {"run.oci.hooks.stderr": $err}
    | if $ns != "" then .linux.namespaces |= map(if .type == "network" then .path = $ns else . end) else . end
  ' "$dir/config.json" > "$dir/config.new" && mv "$dir/config.new" "$dir/config.json"
}

# runtime_run RUNTIME BUNDLE: runs the container; stdout to BUNDLE/out, stderr BUNDLE/err.
runtime_run() {
  local rt=$1 dir=$2 id
  id=e2e-$(basename "$dir")
  "$rt" --root "$work/$rt" run --bundle "$dir" "$id" > "$dir/out" 2> "$dir/err"
}

# Two hooks.d directories: as installed (no policy: annotation requests are refused), and
# with the hook's env naming a policy that allows v0 and v1 (podman starts hooks with the
# env of their hooks.d entry only, so $OCI_NETDEV_HOOK_POLICY goes there).
policy=$work/policy.json
echo '{"allow": [{"devices": ["v0", "v1"], "sources": ["annotation"]}]}' > "$policy"
chmod 0644 "$policy"
hooks_dir=$work/hooks.d
nopolicy_hooks_dir=$work/hooks-nopolicy.d
mkdir -p "$hooks_dir" "$nopolicy_hooks_dir"
for f in "$repo"/config/hooks.d/*.json; do
  sed "s#/usr/local/bin/oci-netdev-hook#$hook#g" "$f" > "$nopolicy_hooks_dir/$(basename "$f")"
  jq --arg p "OCI_NETDEV_HOOK_POLICY=$policy" '.hook.env = [$p]' \
    "$nopolicy_hooks_dir/$(basename "$f")" > "$hooks_dir/$(basename "$f")"
done

# podman_run RUNTIME OUTDIR DEVICES_ANNOTATION [NETWORK [RESTORE [HOOKS_DIR]]]: NETWORK
# defaults to none (podman makes a fresh netns with only lo); ns:PATH joins a pre-created one.
# RESTORE=true asks for the devices back at poststop. HOOKS_DIR defaults to the one with a
# policy.
podman_run() {
  local rt=$1 out=$2 devices=$3 network=${4:-none} restore=${5:-false} hooks=${6:-$hooks_dir}
  mkdir -p "$out"
  cp -a "$rootfs" "$out/rootfs"
  podman --root "$work/pd/root" --runroot "$work/pd/run" --tmpdir "$work/pd/tmp" \
    --storage-driver vfs --cgroup-manager cgroupfs --events-backend file --runtime "$rt" \
    --hooks-dir "$hooks" run --rm --network "$network" \
    --ulimit nofile=1024:1024 --ulimit nproc=1024:1024 \
    --annotation "oci-netdev-hook.devices=$devices" \
    --annotation "run.oci.hooks.stderr=$out/hook-stderr" \
    --annotation "oci-netdev-hook.restore=$restore" \
    --rootfs "$out/rootfs" ip addr > "$out/out" 2> "$out/err"
}

start_sleeper() { # a pre-created netns, held by a process; its path goes in $ns
  unshare --net sleep 600 </dev/null >/dev/null 2>&1 &
  sleepers+=($!)
  ns=/proc/$!/ns/net
  # Wait until unshare has made the new netns (its ns link differs from ours).
  for _ in $(seq 50); do [ "$(readlink "$ns")" != "$(readlink /proc/self/ns/net)" ] && break; sleep 0.02; done
}

# ---- the cases ---------------------------------------------------------------------------
expect_moved_v0() { # expect_moved_v0 OUTFILE NAME MAC
  expect "$1" "^[0-9]+: $2[:@].*UP.*mtu 1400" "link/ether $3" "inet 192.0.2.1/24 brd 192.0.2.255 scope global $2" \
    "inet6 2001:db8:2::1/64 scope global"
  ip link show dev v0 >/dev/null 2>&1 && fail "v0 still on the host"
}

case_renamed() { # RUNTIME
  local mac b=$work/$1-renamed
  mac=$(mac_of v0)
  if [[ $1 == podman-* ]]; then podman_run "${1#podman-}" "$b" "v0=ctr0" || fail "podman exited $?: $(cat "$b/err")"
  else make_bundle "$b" '{"v0":{"name":"ctr0"}}'; runtime_run "$1" "$b" || fail "$1 exited $?: $(cat "$b/err")"; fi
  expect_moved_v0 "$b/out" ctr0 "$mac"
}

case_two_devices() {
  local b=$work/$1-two
  if [[ $1 == podman-* ]]; then podman_run "${1#podman-}" "$b" "v0=ctr0 v1" || fail "podman exited $?: $(cat "$b/err")"
  else make_bundle "$b" '{"v0":{"name":"ctr0"},"v1":{}}'; runtime_run "$1" "$b" || fail "$1 exited $?: $(cat "$b/err")"; fi
  expect "$b/out" "ctr0[:@].*UP" "inet 192.0.2.1/24" "^[0-9]+: v1[:@].*UP" "inet 192.0.3.1/24" "inet6 2001:db8:3::1/64"
}

case_precreated_netns() {
  local b=$work/$1-netns ns mac
  mac=$(mac_of v0)
  start_sleeper
  if [[ $1 == podman-* ]]; then
    podman_run "${1#podman-}" "$b" "v0=ctr0" "ns:$ns" || fail "podman exited $?: $(cat "$b/err")"
  else make_bundle "$b" '{"v0":{"name":"ctr0"}}' "$ns"; runtime_run "$1" "$b" || fail "$1 exited $?: $(cat "$b/err")"; fi
  expect_moved_v0 "$b/out" ctr0 "$mac"
  nsenter --net="$ns" ip addr show dev ctr0 > "$b/after" 2>&1 || fail "ctr0 gone from $ns after exit"
  expect "$b/after" "inet 192.0.2.1/24" "inet6 2001:db8:2::1/64"
}

case_name_taken() {
  local b=$work/$1-taken before
  before=$(host_view v0)
  # lo exists in every container netns: the name is taken.
  if [[ $1 == podman-* ]]; then podman_run "${1#podman-}" "$b" "v0=lo" && fail "podman started the container"
  else make_bundle "$b" '{"v0":{"name":"lo"}}'; runtime_run "$1" "$b" && fail "$1 started the container"; fi
  local shown=$b/err
  # crun shows hook stderr only in the file named by the run.oci.hooks.stderr annotation.
  [[ $1 == *crun ]] && shown=$b/hook-stderr
  expect "$shown" "oci-netdev-hook: error: v0: name lo already exists in "
  [ "$(host_view v0)" = "$before" ] || fail "v0 changed on the host: $(host_view v0) / was $before"
}

case_policy() {
  local b=$work/$1-nopolicy before shown
  before=$(host_view v0)
  podman_run "${1#podman-}" "$b" "v0=ctr0" none false "$nopolicy_hooks_dir" &&
    fail "podman started the container without a policy"
  shown=$b/err
  [[ $1 == *crun ]] && shown=$b/hook-stderr
  expect "$shown" "oci-netdev-hook: error: v0: refused: no rule of /etc/oci-netdev-hook/policy.json \(absent\) allows annotation requests"
  [ "$(host_view v0)" = "$before" ] || fail "v0 changed on the host: $(host_view v0) / was $before"
  b=$work/$1-policy
  podman_run "${1#podman-}" "$b" "v0=ctr0" || fail "podman exited $?: $(cat "$b/err")"
  expect "$b/out" "ctr0[:@].*UP"
}

case_create_container_ok() {
  local b=$work/$1-cc-ok
  make_bundle "$b" '{"v0":{"name":"ctr0"}}' "" '{
    "createRuntime":[{"path":"'"$hook"'","args":["oci-netdev-hook","createRuntime"]}],
    "createContainer":[{"path":"'"$hook"'","args":["oci-netdev-hook","createContainer"]}]}'
  runtime_run "$1" "$b" || fail "$1 exited $?: $(cat "$b/err" "$b/hook-stderr" 2>/dev/null)"
  expect "$b/out" "ctr0[:@].*UP"
}

case_create_container_missing() {
  local b=$work/$1-cc-missing
  # Only the check is registered: as if a runtime had not moved the device.
  make_bundle "$b" '{"v0":{"name":"ctr0"}}' "" '{
    "createContainer":[{"path":"'"$hook"'","args":["oci-netdev-hook","createContainer"]}]}'
  runtime_run "$1" "$b" && fail "$1 started the container"
  local shown=$b/err
  [ "$1" = crun ] && shown=$b/hook-stderr
  expect "$shown" "v0: expected as ctr0 in container netns, not found"
  ip link show dev v0 >/dev/null 2>&1 || fail "v0 left the host"
}

poststop_hooks() { # createRuntime, and poststop with --restore
  echo '{"createRuntime":[{"path":"'"$hook"'","args":["oci-netdev-hook","createRuntime"]}],
         "poststop":[{"path":"'"$hook"'","args":["oci-netdev-hook","--restore","poststop"]}]}'
}

wait_for() { # wait_for SECONDS COMMAND...: poll until COMMAND succeeds
  local until=$(( $(date +%s) + $1 )); shift
  until "$@"; do [ "$(date +%s)" -ge "$until" ] && return 1; sleep 0.05; done
}
no_records() { [ -z "$(ls "$records"/*.record 2>/dev/null)" ]; }

case_poststop_restore() { # a pre-created netns keeps the veth alive: poststop brings it back
  local b=$work/$1-restore before
  rm -f "$records"/*.record  # earlier cases ran no poststop: their records stay, by design
  before=$(host_view v0)
  start_sleeper
  if [[ $1 == podman-* ]]; then
    podman_run "${1#podman-}" "$b" "v0=ctr0" "ns:$ns" true || fail "podman exited $?: $(cat "$b/err")"
  else
    make_bundle "$b" '{"v0":{"name":"ctr0"}}' "$ns" "$(poststop_hooks)"
    runtime_run "$1" "$b" || fail "$1 exited $?: $(cat "$b/err")"
  fi
  expect "$b/out" "ctr0[:@].*UP" "inet 192.0.2.1/24"
  # podman runs poststop from its cleanup process, after `run` returns.
  wait_for 10 test "$(host_view v0 2>/dev/null)" = "$before" ||
    fail "v0 not back as it was: $(host_view v0 2>&1 | tr '\n' '|') / was $(echo "$before" | tr '\n' '|')"
  nsenter --net="$ns" ip link show dev ctr0 >/dev/null 2>&1 && fail "ctr0 still in the container netns"
  wait_for 5 no_records || fail "record left: $(ls "$records")"
}

case_poststop_netns_gone() { # the container's own netns dies with it, and the veth with it
  local b=$work/$1-gone
  rm -f "$records"/*.record
  if [[ $1 == podman-* ]]; then
    podman_run "${1#podman-}" "$b" "v0=ctr0" none true || fail "podman exited $?: $(cat "$b/err")"
  else
    make_bundle "$b" '{"v0":{"name":"ctr0"}}' "" "$(poststop_hooks)"
    runtime_run "$1" "$b" || fail "$1 exited $?: $(cat "$b/err")"
  fi
  expect "$b/out" "ctr0[:@].*UP"
  wait_for 10 no_records || fail "record left: $(ls "$records")"
  if [[ $1 == podman-* ]]; then
    # The restore annotation reached createRuntime too: the netns was pinned, v0 comes back.
    ip link show dev v0 >/dev/null 2>&1 || fail "v0 not back on the host"
  else
    ip link show dev v0 >/dev/null 2>&1 && fail "v0 is on the host"
  fi
}

echo "e2e: $(runc --version | head -1), $(crun --version | head -1), $(podman --version)"
start=$(date +%s)
for rt in runc crun podman-runc podman-crun; do
  run_case "$rt: renamed device up with IPv4, IPv6, MTU and MAC" case_renamed "$rt"
  run_case "$rt: two devices at once" case_two_devices "$rt"
  run_case "$rt: pre-created netns by path, device still there after exit" case_precreated_netns "$rt"
  run_case "$rt: name taken in the container: start refused, device back as it was" case_name_taken "$rt"
done
for rt in podman-runc podman-crun; do
  run_case "$rt: the annotation refused without a policy, honoured with one" case_policy "$rt"
done
for rt in runc podman-runc; do
  run_case "$rt: poststop --restore gives the device back from a pre-created netns" case_poststop_restore "$rt"
  run_case "$rt: poststop --restore when the netns died: reported, record removed" case_poststop_netns_gone "$rt"
done
for rt in runc crun; do
  run_case "$rt: createContainer verifies the moved device" case_create_container_ok "$rt"
  run_case "$rt: createContainer refuses a device that was not moved" case_create_container_missing "$rt"
done
echo "e2e: $(( $(date +%s) - start )) s"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
