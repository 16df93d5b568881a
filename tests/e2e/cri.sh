#!/usr/bin/env bash
# A Kubernetes node without kubelet: containerd 1.6's CRI plugin with the "netdev" runtime
# handler exactly as config/containerd/config.toml ships it (BinaryName = the built
# oci-netdev-runtime), CNI's bridge + host-local for the pods' eth0, a pause image built here
# from busybox, and tests/cri/cri_client.py making the CRI calls kubelet makes
# (RunPodSandbox with the pod's annotations, CreateContainer, StartContainer, ExecSync,
# StopPodSandbox, RemovePodSandbox).
#
#   cri.sh WRAPPER_BINARY REPO_DIR [BENCH_RUNS]
#
# The hook is the oci-netdev-hook beside the wrapper. Everything runs in a private network
# namespace (the simulated node, with its own containerd) and a private mount namespace
# (tmpfs on /run and /var/lib/cni). Prints the pods' start time (RunPodSandbox) with and
# without a device, median of BENCH_RUNS (default 5) alternating runs.
# Exit 77 (skipped) without root or without containerd, the CNI plugins or Python's gRPC,
# unless CI=true.
set -uo pipefail

wrapper=$(readlink -f "$1")
repo=$(readlink -f "$2")
bench_runs=${3:-5}
hook=$(dirname "$wrapper")/oci-netdev-hook
# Debian's python3, which has python3-grpcio and python3-grpc-tools (not a python3 of PATH).
py=/usr/bin/python3
cni_bin=/usr/lib/cni

source "$repo/tests/e2e/lib.sh"
enter_private_world cri --fork \
  "containerd ctr containerd-shim-runc-v2 runc busybox jq $py $cni_bin/bridge $cni_bin/host-local $cni_bin/loopback" \
  -- "$0" "$@"
if ! "$py" -c 'import grpc, grpc_tools.protoc, google.protobuf' 2>/dev/null; then
  echo "cri: python3-grpcio / python3-grpc-tools / python3-protobuf are not installed"
  [ "${CI:-}" = true ] && exit 1
  exit 77
fi

# Private /run (the hook's records, containerd's shim sockets and runc state, the pods' netns
# in /run/netns) and /var/lib/cni (libcni's result cache has a fixed path).
made_cni_dir=false
[ -d /var/lib/cni ] || { mkdir -p /var/lib/cni && made_cni_dir=true; }
for d in /run /var/lib/cni; do mount -t tmpfs -o mode=0755 tmpfs "$d"; done
records=/run/oci-netdev-hook
ip link set lo up

work=$(mktemp -d /tmp/netdev-cri.XXXXXX)
sock=$work/containerd/containerd.sock
containerd_pid=
pods=$work/pods   # one line per sandbox id we started: cleanup stops and removes them
: > "$pods"
# The pods' cgroups (kubelet's kubepods), removed at the end: runc leaves the parent behind.
export CRI_CGROUP_PARENT=/netdev-e2e-cri-$$
cri() { "$py" "$repo/tests/cri/cri_client.py" --socket "$sock" --stubs "$work/stubs" "$@"; }
cleanup() {
  if [ -n "$containerd_pid" ] && kill -0 "$containerd_pid" 2>/dev/null; then
    remove_pods
    # Anything the CRI calls could not remove: our containerd knows only our tasks.
    local c
    for c in $(ctr -a "$sock" -n k8s.io tasks ls -q </dev/null 2>/dev/null); do
      ctr -a "$sock" -n k8s.io tasks kill -s SIGKILL "$c" </dev/null >/dev/null 2>&1
      ctr -a "$sock" -n k8s.io tasks rm -f "$c" </dev/null >/dev/null 2>&1
    done
    kill "$containerd_pid"; wait "$containerd_pid" 2>/dev/null
  fi
  # Shims outlive containerd: ours are the ones started with our socket, killed by pid.
  local p
  for p in /proc/[0-9]*; do
    { tr '\0' ' ' < "$p/cmdline"; } 2>/dev/null | grep -q -- "-address $sock " && kill -9 "${p#/proc/}" 2>/dev/null
  done
  # Rootfs and shm mounts of pods that could not be removed (our mount namespace only).
  awk -v w="$work/" 'index($5, w) == 1 {print $5}' /proc/self/mountinfo | sort -r |
    while read -r m; do umount -l "$m"; done
  umount /var/lib/cni 2>/dev/null && $made_cni_dir && rmdir /var/lib/cni
  for p in /sys/fs/cgroup/*"$CRI_CGROUP_PARENT"; do rmdir "$p"/* "$p" 2>/dev/null; done
  if [ -n "${CRI_KEEP:-}" ]; then echo "cri: kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

remove_pods() { # what a failed case left running
  local id
  while read -r id; do cri stopp "$id" 2>/dev/null; cri rmp "$id" 2>/dev/null; done < "$pods"
  : > "$pods"
}
reset_host() {
  remove_pods
  ip link del v0 2>/dev/null; ip link del v0p 2>/dev/null; ip link del w0 2>/dev/null
  ip link add v0 type veth peer name v0p
  ip link set v0p up
  ip link set v0 mtu 1400 up
  ip addr add 192.0.2.1/24 brd 192.0.2.255 dev v0
  ip -6 addr add 2001:db8:2::1/64 dev v0 nodad
  wait_for 5 eval 'ip -br link show dev v0 | grep -q " UP "'
}
# What "back exactly as it was" compares: name, state, MAC, flags, MTU and the address list
# (sorted: the kernel lists re-added IPv6 addresses in another order).
host_view() {
  ip -br link show dev "$1"
  ip -o link show dev "$1" | grep -o 'mtu [0-9]*'
  ip -br addr show dev "$1" | awk '{for (i = 3; i <= NF; i++) print $i}' | sort
}
no_records() { [ -z "$(ls "$records"/*.record "$records"/*.json 2>/dev/null)" ]; }
# The OCI config containerd wrote for a sandbox or container (its shim's bundle).
bundle_config() { echo "$work/containerd/state/io.containerd.runtime.v2.task/k8s.io/$1/config.json"; }

# ---- the node -------------------------------------------------------------------------------
policy=$work/policy.json
echo '{"allow":[{"devices":["v*"]}]}' > "$policy"
chmod 0644 "$policy"
export OCI_NETDEV_HOOK_POLICY=$policy

mkdir -p "$work/stubs" "$work/containerd" "$work/cni/net.d" "$work/cni/ipam" "$work/out"
"$py" -m grpc_tools.protoc -I "$repo/tests/cri" --python_out="$work/stubs" \
  --grpc_python_out="$work/stubs" "$repo/tests/cri/cri_api.proto" || exit 1

# The pod network: a bridge in the simulated node, no masquerading (no iptables at all).
cat > "$work/cni/net.d/10-netdev-e2e.conflist" <<EOF
{"cniVersion": "0.4.0", "name": "netdev-e2e", "plugins": [
  {"type": "bridge", "bridge": "cni-e2e0", "isGateway": true, "ipMasq": false,
   "ipam": {"type": "host-local", "ranges": [[{"subnet": "10.250.0.0/24"}]],
            "dataDir": "$work/cni/ipam"}}]}
EOF

# The pause image (and the containers' image): busybox, /pause sleeping until signalled.
image=localhost/netdev-e2e/pause:1
img=$work/image rootfs=$work/image/rootfs
mkdir -p "$rootfs/bin" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/etc"
cp "$(command -v busybox)" "$rootfs/bin/busybox"
for a in sh ip sleep cat true; do ln -s busybox "$rootfs/bin/$a"; done
printf '#!/bin/sh\ntrap "exit 0" TERM INT\nwhile :; do sleep 3600 & wait $!; done\n' > "$rootfs/pause"
chmod 0755 "$rootfs/pause"
tar -C "$rootfs" -cf "$img/layer.tar" .
diff_id=sha256:$(sha256sum "$img/layer.tar" | cut -d' ' -f1)
jq -n --arg d "$diff_id" '{architecture: "amd64", os: "linux",
  config: {Entrypoint: ["/pause"], Env: ["PATH=/bin"]},
  rootfs: {type: "layers", diff_ids: [$d]}}' > "$img/config.json"
jq -n --arg t "$image" '[{Config: "config.json", RepoTags: [$t], Layers: ["layer.tar"]}]' > "$img/manifest.json"
tar -C "$img" -cf "$img/image.tar" manifest.json config.json layer.tar

# containerd: private root, state, socket and opt; the CRI plugin's own settings here; then
# the shipped handler, config/containerd/config.toml, with the built wrapper's path.
{
  cat <<EOF
version = 2
root = "$work/containerd/root"
state = "$work/containerd/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs",
  "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.zfs",
  "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]
[grpc]
  address = "$sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$work/containerd/opt"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "$image"
  stream_server_address = "127.0.0.1"
  stream_server_port = "0"
  enable_selinux = false
  disable_apparmor = true
  # oom_score_adj no lower than containerd's own (this machine gives no CAP_SYS_RESOURCE).
  restrict_oom_score_adj = true
  enable_tls_streaming = false
[plugins."io.containerd.grpc.v1.cri".cni]
  bin_dir = "$cni_bin"
  conf_dir = "$work/cni/net.d"
  max_conf_num = 1
EOF
  grep -v '^version = ' "$repo/config/containerd/config.toml" |
    sed "s|BinaryName = \"/usr/local/bin/oci-netdev-runtime\"|BinaryName = \"$wrapper\"|"
} > "$work/containerd/config.toml"
grep -q "BinaryName = \"$wrapper\"" "$work/containerd/config.toml" ||
  { echo "cri: config/containerd/config.toml names no BinaryName /usr/local/bin/oci-netdev-runtime"; exit 1; }

start_containerd() {
  containerd --config "$work/containerd/config.toml" > "$work/containerd/log" 2>&1 &
  containerd_pid=$!
  wait_for 20 cri version || { echo "containerd did not start: $(tail -5 "$work/containerd/log")"; exit 1; }
  ctr -a "$sock" -n k8s.io images import "$img/image.tar" </dev/null >/dev/null ||
    { echo "cri: ctr images import failed"; exit 1; }
  wait_for 20 cri ready || { echo "cri: the CRI plugin is not ready: $(cri ready)"; exit 1; }
}

# runp OUT NAME [ANNOTATION...]: RunPodSandbox; OUT/id, OUT/ms, OUT/config, OUT/err.
runp() {
  local out=$1 name=$2; shift 2
  mkdir -p "$out"
  cri runp "$name" "$out/config" "$@" > "$out/runp" 2> "$out/err" || return 1
  read -r id ms < "$out/runp"
  echo "$id" > "$out/id"; echo "$ms" > "$out/ms"; echo "$id" >> "$pods"
}
# ctr_start OUT NAME: a container running sleep in the pod of runp's OUT; prints its id.
ctr_start() {
  local out=$1 name=$2 pod cid
  pod=$(cat "$1/id")
  cid=$(cri create "$pod" "$out/config" "$name" "$image" sleep 3600 2>> "$out/err") || return 1
  cri start "$cid" 2>> "$out/err" || return 1
  echo "$cid"
}
stop_remove() { local id; id=$(cat "$1/id"); cri stopp "$id" && cri rmp "$id"; }
hooked() { jq -e '[.hooks // {} | .[] | .[] | .path] | any(test("oci-netdev-hook$"))' "$1" >/dev/null; }
expect_device_in() { # OUTFILE: net1 has v0's MTU and addresses, CNI's eth0 is beside it
  expect "$1" "net1[:@].*UP.*mtu 1400" "inet 192.0.2.1/24 brd 192.0.2.255 scope global net1" \
    "inet6 2001:db8:2::1/64 scope global" "eth0[:@].*UP" "inet 10\.250\.0\.[0-9]+/24 .*eth0"
}

# ---- cases ------------------------------------------------------------------------------------
case_pod_gets_device() {
  local o=$work/out/gets c1 c2
  runp "$o" gets oci-netdev-hook.devices=v0=net1 || { fail "RunPodSandbox: $(cat "$o/err")"; return; }
  ip link show dev v0 >/dev/null 2>&1 && fail "v0 still on the host"
  [ "$(cri state "$(cat "$o/id")")" = READY ] || fail "the pod is not ready"
  hooked "$(bundle_config "$(cat "$o/id")")" || fail "the sandbox's config.json has no hook"
  c1=$(ctr_start "$o" app) || { fail "container app: $(cat "$o/err")"; return; }
  cri exec "$c1" ip addr > "$o/app" 2>&1 || fail "ExecSync in app: $(cat "$o/app")"
  expect_device_in "$o/app"
  c2=$(ctr_start "$o" sidecar) || { fail "container sidecar: $(cat "$o/err")"; return; }
  cri exec "$c2" ip addr > "$o/sidecar" 2>&1 || fail "ExecSync in sidecar: $(cat "$o/sidecar")"
  expect_device_in "$o/sidecar"
  # The pod's containers carry the annotation too but join the sandbox's netns: no hook, no
  # second move, one record (the sandbox's).
  hooked "$(bundle_config "$c1")" && fail "container app got the hook"
  hooked "$(bundle_config "$c2")" && fail "container sidecar got the hook"
  [ "$(ls "$records"/*.record 2>/dev/null | wc -l)" -eq 1 ] || fail "records: $(ls "$records")"
  stop_remove "$o" || fail "stop/remove failed"
  wait_for 5 no_records || fail "record left: $(ls "$records")"
  # No restore asked: the veth died with the pod's netns, its peer with it.
  wait_for 5 eval '! ip link show dev v0p' || fail "the veth outlived the pod's netns"
}

case_pod_untouched() {
  local o=$work/out/plain before c1
  before=$(host_view v0)
  runp "$o" plain || { fail "RunPodSandbox: $(cat "$o/err")"; return; }
  [ "$(cri state "$(cat "$o/id")")" = READY ] || fail "the pod is not ready"
  hooked "$(bundle_config "$(cat "$o/id")")" && fail "the wrapper added the hook to a pod asking for nothing"
  c1=$(ctr_start "$o" app) || { fail "container app: $(cat "$o/err")"; return; }
  cri exec "$c1" ip addr > "$o/app" 2>&1 || fail "ExecSync in app: $(cat "$o/app")"
  expect "$o/app" "^1: lo" "eth0[:@].*UP" "inet 10\.250\.0\.[0-9]+/24 .*eth0"
  grep -q -e net1 -e v0 "$o/app" && fail "a device arrived without being asked for"
  [ "$(host_view v0)" = "$before" ] || fail "v0 changed on the host: $(host_view v0)"
  stop_remove "$o" || fail "stop/remove failed"
  [ "$(host_view v0)" = "$before" ] || fail "v0 changed on the host after the pod: $(host_view v0)"
  no_records || fail "record left: $(ls "$records")"
}

case_pod_refused() {
  local o=$work/out/refused before
  ip link add w0 type veth peer name w0p
  before=$(host_view w0)
  runp "$o" refused oci-netdev-hook.devices=w0=net1 && fail "RunPodSandbox started a pod with a refused device"
  expect "$o/err" "oci-netdev-hook: error: w0: .*polic"
  [ "$(grep -o 'oci-netdev-hook: error:' "$o/err" | wc -l)" -eq 1 ] ||
    fail "not one hook error line: $(cat "$o/err")"
  [ "$(host_view w0)" = "$before" ] || fail "w0 changed on the host: $(host_view w0)"
  no_records || fail "record left: $(ls "$records")"
  # containerd cleans a failed sandbox up itself: nothing left for kubelet to remove.
  [ -z "$(ctr -a "$sock" -n k8s.io containers ls -q </dev/null)" ] || fail "sandbox left in containerd"
  ip link del w0
}

case_pod_restore() {
  local o=$work/out/restore before
  before=$(host_view v0)
  runp "$o" restore oci-netdev-hook.devices=v0=net1 oci-netdev-hook.restore=true ||
    { fail "RunPodSandbox: $(cat "$o/err")"; return; }
  ip link show dev v0 >/dev/null 2>&1 && fail "v0 still on the host"
  stop_remove "$o" || fail "stop/remove failed"
  wait_for 5 eval '[ "$(host_view v0)" = "$before" ]' ||
    fail "v0 not back as it was: $(host_view v0 2>&1 | tr '\n' '|') (was $(echo "$before" | tr '\n' '|'))"
  no_records || fail "record left: $(ls "$records")"
}

# kill_pod HOW: a pod asking for v0 with restore; right after RunPodSandbox returns its pause
# process (HOW=pause) or its shim (HOW=shim) is SIGKILLed; kubelet then stops and removes
# the pod, an admin runs `oci-netdev-hook recover`: v0 is back as it was.
case_pod_killed() {
  local how=$1 o=$work/out/killed-$1 before pid shim
  before=$(host_view v0)
  runp "$o" "killed-$how" oci-netdev-hook.devices=v0=net1 oci-netdev-hook.restore=true ||
    { fail "RunPodSandbox: $(cat "$o/err")"; return; }
  ip link show dev v0 >/dev/null 2>&1 && fail "v0 still on the host"
  pid=$(cri pid "$(cat "$o/id")") || { fail "no sandbox pid"; return; }
  if [ "$how" = shim ]; then
    shim=$(shim_of "$(cat "$o/id")")
    [ -n "${shim:-}" ] || { fail "no shim found for the sandbox"; return; }
    kill -9 "$shim" "$pid"
  else
    kill -9 "$pid"
  fi
  wait_for 10 eval '[ "$(cri state "$(cat "$o/id")")" = NOTREADY ]' || fail "the pod still looks ready"
  stop_remove "$o" || fail "stop/remove failed"
  "$hook" recover > "$o/recover" 2>&1 || fail "recover exited $?: $(cat "$o/recover")"
  wait_for 5 eval '[ "$(host_view v0)" = "$before" ]' ||
    fail "v0 not back as it was: $(host_view v0 2>&1 | tr '\n' '|') (was $(echo "$before" | tr '\n' '|'))"
  no_records || fail "record left: $(ls "$records")"
}

# The same, the shim SIGKILLed during RunPodSandbox: as soon as createRuntime has written its
# record (named after the sandbox id). Whether RunPodSandbox then fails or not, kubelet stops
# and removes what it got, and recover leaves nothing behind.
# One shim per pod: containerd-shim-runc-v2 -namespace k8s.io -id SANDBOX -address SOCK
shim_of() { pgrep -f -- "-id $1 -address $sock\$"; }
case_pod_killed_during() {
  local o=$work/out/killed-during before runp_pid record id shim until
  before=$(host_view v0)
  mkdir -p "$o"
  cri runp killed-during "$o/config" oci-netdev-hook.devices=v0=net1 oci-netdev-hook.restore=true \
    > "$o/runp" 2> "$o/err" &
  runp_pid=$!
  until=$(( $(date +%s) + 20 ))
  until record=$(ls "$records"/*.record 2>/dev/null | head -1) && [ -n "$record" ]; do
    [ "$(date +%s)" -ge "$until" ] && break
  done
  if [ -z "$record" ]; then
    fail "no record appeared"; wait "$runp_pid" && cut -d' ' -f1 "$o/runp" >> "$pods"; return
  fi
  id=$(basename "$record"); id=${id%%@*}
  echo "$id" >> "$pods"
  shim=$(shim_of "$id")
  [ -n "$shim" ] || { fail "no shim found for the sandbox"; wait "$runp_pid"; return; }
  kill -9 "$shim"
  [ -s "$o/runp" ] && echo "    (RunPodSandbox had returned when the shim was killed)"
  wait "$runp_pid" && echo "RunPodSandbox succeeded" >> "$o/err"
  cri stopp "$id" 2>> "$o/err"; cri rmp "$id" 2>> "$o/err"
  "$hook" recover > "$o/recover" 2>&1 || fail "recover exited $?: $(cat "$o/recover")"
  wait_for 5 eval '[ "$(host_view v0)" = "$before" ]' ||
    fail "v0 not back as it was: $(host_view v0 2>&1 | tr '\n' '|') (was $(echo "$before" | tr '\n' '|')); CRI: $(cat "$o/err")"
  no_records || fail "record left: $(ls "$records")"
}

# ---- start times ------------------------------------------------------------------------------
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
bench() {
  local runs=$1 with=() without=() i o
  for ((i = 0; i < runs; i++)); do
    reset_host
    o=$work/out/bench-with-$i
    runp "$o" "bench-with-$i" oci-netdev-hook.devices=v0=net1 || { fail "bench: $(cat "$o/err")"; return; }
    ip link show dev v0 >/dev/null 2>&1 && fail "bench: the device was not moved"
    with+=("$(cat "$o/ms")"); stop_remove "$o"
    o=$work/out/bench-without-$i
    runp "$o" "bench-without-$i" || { fail "bench: $(cat "$o/err")"; return; }
    without+=("$(cat "$o/ms")"); stop_remove "$o"
  done
  echo "cri pod start: with device $(median "${with[@]}") ms, without $(median "${without[@]}") ms (median of $runs)"
}

start=$(date +%s)
start_containerd
echo "cri: $(cri version), $(runc --version | head -1), CNI plugins $(dpkg-query -W -f '${Version}' containernetworking-plugins 2>/dev/null)"
run_case "cri: a pod gets its device (IPv4+IPv6) beside CNI's eth0, its second container sees it" case_pod_gets_device
run_case "cri: a pod without the annotation is untouched, and runs" case_pod_untouched
run_case "cri: a device the policy refuses fails RunPodSandbox with the hook's line" case_pod_refused
run_case "cri: with restore, the device is back as it was after Stop+RemovePodSandbox" case_pod_restore
run_case "cri: pause killed after RunPodSandbox: nothing lost after recover" case_pod_killed pause
run_case "cri: shim killed after RunPodSandbox: nothing lost after recover" case_pod_killed shim
run_case "cri: shim killed during RunPodSandbox: nothing lost after recover" case_pod_killed_during
if [ "$bench_runs" -gt 0 ]; then
  current_ok=true
  bench "$bench_runs"
  $current_ok || { echo "FAIL cri: start time runs"; failed=$((failed+1)); }
fi
echo "cri: $(( $(date +%s) - start )) s"
finish
