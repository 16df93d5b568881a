#!/usr/bin/env bash
# fuzz.sh [SECONDS]: builds the libFuzzer target with clang (ASan+UBSan) and runs it on the
# seed corpus (real runc, crun and podman states, configs, annotations) for SECONDS (60).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
CC=clang CXX=clang++ cmake -S "$top" -B "$top/build-fuzz" -DNETDEV_FUZZ=ON -DNETDEV_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_COMPILE_WARNING_AS_ERROR=ON >/dev/null
cmake --build "$top/build-fuzz" -j "$(nproc)" --target fuzz_parse >/dev/null
corpus=$(mktemp -d)
trap 'rm -rf "$corpus"' EXIT
"$top/build-fuzz/tests/fuzz/fuzz_parse" -max_total_time="$seconds" -max_len=70000 -timeout=5 \
  -rss_limit_mb=2048 -print_final_stats=1 "$corpus" "$top/tests/fuzz/corpus" 2> "$corpus.log" ||
  { tail -50 "$corpus.log"; exit 1; }
runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$corpus.log" | grep -o '[0-9]*$')
echo "fuzz: $runs executions in ${seconds} s, no crash, leak or hang"
rm -f "$corpus.log"
