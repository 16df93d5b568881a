#!/usr/bin/env bash
# End-to-end tests with the engines that cannot register hooks themselves: containerd 1.6
# (ctr run --runc-binary) and Docker 20.10 (a daemon.json runtime), both through
# oci-netdev-runtime, the way docs/runtimes.md "Docker and containerd" tells users to set them up.
#
#   engines.sh WRAPPER_BINARY REPO_DIR [BENCH_RUNS]
#
# The hook is the oci-netdev-hook beside the wrapper (both install to <prefix>/bin). Everything
# runs in a private network namespace (the simulated host, with its own containerd and dockerd)
# and a private mount namespace (their /run, /etc/docker and /opt die with us). With BENCH_RUNS
# the start time of each engine's container with and without a device is measured too.
# Exit 77 (skipped) without root or without the engines, unless CI=true.
set -uo pipefail

wrapper=$(readlink -f "$1")
repo=$(readlink -f "$2")
bench_runs=${3:-0}
hook=$(dirname "$wrapper")/oci-netdev-hook

source "$repo/tests/e2e/lib.sh"
enter_private_world engines --fork \
  "containerd ctr containerd-shim-runc-v2 dockerd /usr/bin/docker runc busybox jq" -- "$0" "$@"

# Private /run (the hook's records, containerd's shim sockets in /run/containerd/s, dockerd's
# /run/docker), /etc/docker and /opt (Docker's containerd keeps /opt/containerd).
for d in /run /etc/docker /opt; do mkdir -p "$d" && mount -t tmpfs -o mode=0755 tmpfs "$d"; done
records=/run/oci-netdev-hook
ip link set lo up

work=$(mktemp -d /tmp/netdev-engines.XXXXXX)
daemons=()
cleanup() {
  # Our own daemons only, by pid; their shims and containers go with the namespaces.
  for pid in "${daemons[@]}"; do kill "$pid" 2>/dev/null; done
  for pid in "${daemons[@]}"; do wait "$pid" 2>/dev/null; done
  rm -rf "$work"
}
trap cleanup EXIT

reset_host() {
  # The last container's netns dies asynchronously, and its veth end with it: deleting our
  # end now takes the pair away at once.
  ip link del v0 2>/dev/null; ip link del v0p 2>/dev/null
  ip link add v0 type veth peer name v0p
  ip link set v0p up
  ip link set v0 mtu 1400 up
  ip addr add 192.0.2.1/24 brd 192.0.2.255 dev v0
  ip -6 addr add 2001:db8:2::1/64 dev v0 nodad
}
host_view() { ip -br link show dev "$1"; ip -br addr show dev "$1"; }
no_records() { [ -z "$(ls "$records"/*.json 2>/dev/null)" ]; }  # lock files stay, by design
expect_moved_v0() { # OUTFILE: v0 arrived as ctr0 with its addresses, and left the host
  expect "$1" "ctr0[:@].*UP.*mtu 1400" "inet 192.0.2.1/24 brd 192.0.2.255 scope global ctr0" \
    "inet6 2001:db8:2::1/64 scope global"
  ip link show dev v0 >/dev/null 2>&1 && fail "v0 still on the host"
}

# Env and annotation requests are subject to the admin's policy; this one allows our veths.
policy=$work/policy.json
echo '{"allow":[{"devices":["v*"]}]}' > "$policy"
chmod 0644 "$policy"
export OCI_NETDEV_HOOK_POLICY=$policy

rootfs=$work/rootfs
mkdir -p "$rootfs/bin" "$rootfs/proc" "$rootfs/sys" "$rootfs/dev" "$rootfs/etc"
cp "$(command -v busybox)" "$rootfs/bin/busybox"
for a in sh ip sleep cat true; do ln -s busybox "$rootfs/bin/$a"; done

# ---- containerd ----------------------------------------------------------------------------
cd_sock=$work/containerd/containerd.sock
start_containerd() {
  mkdir -p "$work/containerd" /run/containerd
  cat > "$work/containerd/config.toml" <<EOF
version = 2
root = "$work/containerd/root"
state = "$work/containerd/state"
disabled_plugins = ["io.containerd.grpc.v1.cri"]
[grpc]
  address = "$cd_sock"
[plugins."io.containerd.internal.v1.opt"]
  path = "$work/containerd/opt"
EOF
  containerd --config "$work/containerd/config.toml" > "$work/containerd/log" 2>&1 &
  daemons+=($!)
  wait_for 20 ctr -a "$cd_sock" version </dev/null || { echo "containerd did not start: $(tail -5 "$work/containerd/log")"; exit 1; }
}
ctr_run() { # ctr_run OUTDIR ID [CTR RUN OPTIONS...]: output to OUTDIR/out, OUTDIR/err
  local out=$1 id=$2; shift 2
  mkdir -p "$out"
  # --rootfs is a switch: the rootfs directory is the first argument after the options.
  ctr -a "$cd_sock" -n e2e run --rm --runc-binary "$wrapper" --env PATH=/bin "$@" \
    --rootfs "$rootfs" "$id" ip addr </dev/null > "$out/out" 2> "$out/err"
}

case_ctr_moves() {
  local o=$work/ctr-moves
  ctr_run "$o" moves --annotation oci-netdev-hook.devices=v0=ctr0 || fail "ctr exited $?: $(cat "$o/err")"
  expect_moved_v0 "$o/out"
  wait_for 5 no_records || fail "record left: $(ls "$records")"
  [ -z "$(ctr -a "$cd_sock" -n e2e containers ls -q </dev/null)" ] || fail "container left in containerd"
  wait_for 5 eval '! ip link show dev v0p' || fail "the veth outlived the container's netns"
}

case_ctr_missing() {
  local o=$work/ctr-missing before
  before=$(host_view v0)
  ctr_run "$o" missing --annotation oci-netdev-hook.devices=nosuch0=ctr0 && fail "ctr started the container"
  expect "$o/err" "oci-netdev-hook: error: .*nosuch0"
  [ "$(host_view v0)" = "$before" ] || fail "v0 changed on the host"
  ctr -a "$cd_sock" -n e2e containers ls -q </dev/null | grep -qx missing && fail "container left in containerd"
}

case_ctr_nothing_asked() {
  local o=$work/ctr-nothing
  ctr_run "$o" nothing || fail "ctr exited $?: $(cat "$o/err")"
  expect "$o/out" "^1: lo"
  grep -q ctr0 "$o/out" && fail "a device arrived without being asked for"
  ip link show dev v0 >/dev/null 2>&1 || fail "v0 left the host"
}

case_ctr_pod_member() { # as containerd's CRI marks a pod's containers: the sandbox moves
  local o=$work/ctr-member
  ctr_run "$o" member --annotation oci-netdev-hook.devices=v0=ctr0 \
    --annotation io.kubernetes.cri.container-type=container || fail "ctr exited $?: $(cat "$o/err")"
  grep -q ctr0 "$o/out" && fail "a pod member container moved the device"
  ip link show dev v0 >/dev/null 2>&1 || fail "v0 left the host"
}

# ---- Docker --------------------------------------------------------------------------------
dk_sock=$work/docker/docker.sock
docker_() { /usr/bin/docker -H "unix://$dk_sock" "$@"; }
start_dockerd() {
  mkdir -p "$work/docker"
  # The wrapper as a runtime named netdev (config/docker/daemon.json, with the built path).
  jq --arg w "$wrapper" '.runtimes.netdev.path = $w' "$repo/config/docker/daemon.json" > "$work/docker/daemon.json"
  dockerd --iptables=false --ip6tables=false --bridge=none --ip-masq=false --userland-proxy=false \
    --oom-score-adjust=0 --data-root "$work/docker/data" --exec-root "$work/docker/exec" \
    -H "unix://$dk_sock" --pidfile "$work/docker/pid" --config-file "$work/docker/daemon.json" \
    > "$work/docker/log" 2>&1 &
  daemons+=($!)
  wait_for 30 docker_ version || { echo "dockerd did not start: $(tail -5 "$work/docker/log")"; exit 1; }
  tar -C "$rootfs" -c . | docker_ import --change 'ENV PATH=/bin' - netdev-e2e >/dev/null
}
docker_run() { # docker_run OUTDIR [DOCKER RUN OPTIONS...]
  local out=$1; shift
  mkdir -p "$out"
  # With the IPv6 switches: Docker turns IPv6 off for all and default, the hook on for ctr0.
  docker_ run --rm --runtime netdev --network none "$@" netdev-e2e sh -c 'ip addr
    echo "ipv6 disabled: all=$(cat /proc/sys/net/ipv6/conf/all/disable_ipv6)" \
      "ctr0=$(cat /proc/sys/net/ipv6/conf/ctr0/disable_ipv6 2>/dev/null)"' \
    </dev/null > "$out/out" 2> "$out/err"
}

case_docker_moves() {
  local o=$work/docker-moves
  docker_run "$o" -e OCI_NETDEV_HOOK_DEVICES=v0=ctr0 || fail "docker exited $?: $(cat "$o/err")"
  expect_moved_v0 "$o/out"
  expect "$o/out" "ipv6 disabled: all=1 ctr0=0"
  [ -z "$(docker_ ps -aq)" ] || fail "container left in Docker"
  wait_for 5 no_records || fail "record left: $(ls "$records")"
}

case_docker_fails() {
  local o=$work/docker-fails before
  before=$(host_view v0)
  docker_run "$o" -e OCI_NETDEV_HOOK_DEVICES=v0=lo && fail "docker started the container"
  expect "$o/err" "oci-netdev-hook: error: v0: name lo already exists"
  [ "$(host_view v0)" = "$before" ] || fail "v0 changed on the host"
}

case_docker_policy() { # env requests pass the admin policy like annotations: it allows v*
  local o=$work/docker-policy
  ip link add w0 type veth peer name w0p
  docker_run "$o" -e OCI_NETDEV_HOOK_DEVICES=w0 && fail "docker started the container"
  expect "$o/err" "oci-netdev-hook: error: w0: .*polic"
  ip link show dev w0 >/dev/null 2>&1 || fail "w0 left the host"
  ip link del w0
}

case_docker_nothing_asked() {
  local o=$work/docker-nothing
  docker_run "$o" || fail "docker exited $?: $(cat "$o/err")"
  expect "$o/out" "^1: lo"
  ip link show dev v0 >/dev/null 2>&1 || fail "v0 left the host"
}

# ---- start times -----------------------------------------------------------------------------
# `ctr run --rm` / `docker run --rm` of `true`: plain runc, the wrapper with nothing asked, the
# wrapper with a device; the three alternate so that the machine's load drifts evenly.
time_ms() { reset_host; local t0=$(date +%s%N); "$@" >/dev/null 2>&1 </dev/null || { echo failed; return; }; echo $(( ($(date +%s%N) - t0) / 1000000 )); }
median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }
ctr_true() { ctr -a "$cd_sock" -n e2e run --rm --env PATH=/bin "$@" --rootfs "$rootfs" bench true; }
docker_true() { docker_ run --rm --network none "$@" netdev-e2e true; }
compare() { # compare LABEL RUNS COMMAND DEVICE_OPTION: COMMAND [--runtime OPTION] [DEVICE_OPTION]
  local label=$1 runs=$2 cmd=$3 device=$4 plain=() none=() with=() i
  local wrapped=(--runc-binary "$wrapper")
  [ "$cmd" = docker_true ] && wrapped=(--runtime netdev)
  for ((i = 0; i < runs; i++)); do
    plain+=("$(time_ms "$cmd")")
    none+=("$(time_ms "$cmd" "${wrapped[@]}")")
    with+=("$(time_ms "$cmd" "${wrapped[@]}" "$device")")
    ip link show dev v0 >/dev/null 2>&1 && fail "$label: the device was not moved"
  done
  echo "$label start time, median of $runs (ms): plain runc $(median "${plain[@]}"),"\
       "wrapper without device $(median "${none[@]}"), with device $(median "${with[@]}")"
}

echo "engines: $(containerd --version | cut -d' ' -f3), docker $(dockerd --version | cut -d' ' -f3 | tr -d ,), $(runc --version | head -1)"
start=$(date +%s)
start_containerd
run_case "containerd: ctr run --annotation moves a veth with IPv4 and IPv6" case_ctr_moves
run_case "containerd: a missing device fails the container with the hook's reason" case_ctr_missing
run_case "containerd: no device asked for, the wrapper is invisible" case_ctr_nothing_asked
run_case "containerd: a CRI pod's member container leaves the device to its sandbox" case_ctr_pod_member
start_dockerd
run_case "docker: run --runtime netdev -e OCI_NETDEV_HOOK_DEVICES moves IPv4 and IPv6 (IPv6 off in the netns)" case_docker_moves
run_case "docker: a failure is reported with the hook's reason" case_docker_fails
run_case "docker: a device the admin policy does not allow is refused" case_docker_policy
run_case "docker: no device asked for, the wrapper is invisible" case_docker_nothing_asked
echo "engines: $(( $(date +%s) - start )) s"
if [ "$bench_runs" -gt 0 ]; then
  compare containerd "$bench_runs" ctr_true --annotation=oci-netdev-hook.devices=v0=ctr0
  compare docker "$bench_runs" docker_true --env=OCI_NETDEV_HOOK_DEVICES=v0=ctr0
fi
finish
