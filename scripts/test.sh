#!/usr/bin/env bash
# The whole suite, from a fresh Debian 12 machine: dependencies, a release build and its
# tests, then an ASan+UBSan build and its tests, then 60 s of fuzzing (FUZZ_SECONDS). Integration tests need root (they build
# private network namespaces; nothing in the root netns is touched).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
bash scripts/install-deps.sh

echo "== build and test (RelWithDebInfo)"
bash scripts/build.sh build
(cd build && ctest --output-on-failure)
grep -hE "^(fault injection|kill test):" build/Testing/Temporary/LastTest.log || true

echo "== build and test (ASan + UBSan)"
bash scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DNETDEV_SANITIZE=ON
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
  ctest --output-on-failure)

echo "== fuzz the input parsing (libFuzzer, clang, ASan+UBSan)"
bash scripts/fuzz.sh "${FUZZ_SECONDS:-60}"
