#!/usr/bin/env bash
# Installs what building, testing and the demo need, from Debian 12's packages.
# Boost 1.81 (not 1.74, which has no Boost.JSON), libmnl, doctest; iproute2 for the tests'
# fixtures and the demo (the hook itself never runs `ip`); the runtimes, busybox and jq for
# the end-to-end tests; python3-yaml to check the Kubernetes manifests parse; clang and its
# libFuzzer runtime for the clang build and the fuzzing run; scdoc for the man pages, lintian
# to check the .deb; containerd and docker.io for the engine tests (their daemons run only
# inside the tests' private namespaces: installing them must start nothing); the CNI plugins
# (bridge, host-local) and Python's gRPC with its protoc for the CRI test's pod network and
# its stand-in kubelet.
set -euo pipefail
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps.sh: run as root: it installs Debian packages with apt-get" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
# policy-rc.d exiting 101 tells invoke-rc.d to start no service (Debian policy 9.3.3);
# whatever was there before is put back afterwards.
policy=/usr/sbin/policy-rc.d
saved=$(mktemp)
if [ -e "$policy" ]; then cp -p "$policy" "$saved"; else rm -f "$saved"; fi
restore_policy() { if [ -e "$saved" ]; then mv "$saved" "$policy"; else rm -f "$policy"; fi; }
trap restore_policy EXIT
printf '#!/bin/sh\nexit 101\n' > "$policy"
chmod 0755 "$policy"
apt-get update -qq
apt-get install -y -qq --no-install-recommends \
  cmake make g++ pkg-config \
  libboost-json1.81-dev libboost-log1.81-dev libmnl-dev doctest-dev \
  iproute2 util-linux \
  runc crun busybox-static jq podman python3 python3-yaml dpkg-dev file \
  containerd docker.io \
  containernetworking-plugins python3-grpcio python3-grpc-tools python3-protobuf \
  clang libclang-rt-14-dev scdoc lintian man-db bzip2 >/dev/null
