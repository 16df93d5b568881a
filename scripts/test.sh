#!/usr/bin/env bash
# The whole suite, from a fresh Debian 12 machine, as root: dependencies, then three trees,
# each test once per tree: a Release build with GCC and every test; a clang build with
# ASan+UBSan (and libFuzzer's instrumentation) running the unit and integration tests and then
# the fuzzers (FUZZ_SECONDS, 60); the fully static build (the Kubernetes installer's binary)
# with its integration tests and the empty-chroot test, when libmnl's source is at hand.
# Warnings are errors in every build here. Integration and end-to-end tests need root (they
# build private network namespaces; nothing in the root netns is touched).
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

echo "== fully static build: integration tests, and alone in an empty chroot"
# It needs libmnl's source (scripts/libmnl-static.sh), which no Debian package here carries.
rc=0
bash scripts/libmnl-static.sh build-static/libmnl || rc=$?
if [ "$rc" -eq 3 ]; then
  echo "fully static build: SKIPPED, no libmnl source tarball (docs/building.md, \"Linking\")"
elif [ "$rc" -ne 0 ]; then
  exit "$rc"
else
  bash scripts/build-static.sh build-static "$werror"
  (cd build-static && ctest --output-on-failure -R '^(unit|integration|static_chroot)$')
fi

echo "== build and test (clang, ASan + UBSan): unit and integration tests, then the fuzzers"
CC=clang CXX=clang++ bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DNETDEV_FUZZ=ON "$werror"
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure -R '^(unit|integration)$')
bash scripts/fuzz.sh "${FUZZ_SECONDS:-60}" "$top/build-asan"
echo "== all passed in $(( (SECONDS - start) / 60 )) min $(( (SECONDS - start) % 60 )) s"
