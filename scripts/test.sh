#!/usr/bin/env bash
# The whole suite, from a fresh Debian 12 machine, as root: dependencies; a Release build with
# GCC and all its tests; a Release build with clang and its unit tests; the fully static build
# (the Kubernetes installer's binary) with its integration tests and the empty-chroot test; an
# ASan+UBSan build and its tests; then 60 s of fuzzing (FUZZ_SECONDS). Warnings are errors in
# every build here. Integration and end-to-end tests need root (they build private network
# namespaces; nothing in the root netns is touched).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
start=$SECONDS
bash scripts/install-deps.sh
werror=-DCMAKE_COMPILE_WARNING_AS_ERROR=ON

echo "== build and test (Release, GCC)"
bash scripts/build.sh build -DCMAKE_BUILD_TYPE=Release "$werror"
(cd build && ctest --output-on-failure)
grep -hE "^(fault injection|kill test):" build/Testing/Temporary/LastTest.log || true

echo "== build and unit tests (Release, clang)"
CC=clang CXX=clang++ bash scripts/build.sh build-clang -DCMAKE_BUILD_TYPE=Release "$werror"
(cd build-clang && ctest --output-on-failure -R '^unit$')

echo "== fully static build: integration tests, and alone in an empty chroot"
# It needs libmnl's source (scripts/libmnl-static.sh), which no Debian package here carries.
rc=0
bash scripts/libmnl-static.sh build-static/libmnl || rc=$?
if [ "$rc" -eq 3 ]; then
  echo "fully static build: SKIPPED, no libmnl source tarball (README.md, \"Linking\")"
elif [ "$rc" -ne 0 ]; then
  exit "$rc"
else
  bash scripts/build-static.sh build-static "$werror"
  (cd build-static && ctest --output-on-failure -R '^(unit|integration|static_chroot)$')
fi

echo "== build and test (ASan + UBSan)"
bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DNETDEV_SANITIZE=ON "$werror"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure)

echo "== fuzz the input parsing (libFuzzer, clang, ASan+UBSan)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-60}"
echo "== all passed in $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
