#!/usr/bin/env bash
# fuzz.sh [SECONDS]: builds every libFuzzer target with clang (ASan+UBSan) and runs each on its
# seed corpus for SECONDS (60): fuzz_parse on tests/fuzz/corpus (real runc, crun and podman
# states, configs, annotations), fuzz_X on tests/fuzz/corpus-X when that exists.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
CC=clang CXX=clang++ cmake -S "$top" -B "$top/build-fuzz" -DNETDEV_FUZZ=ON -DNETDEV_TESTS=OFF \
  -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
targets=$(sed -n 's/^add_executable(\(fuzz_[a-z_]*\) .*/\1/p' "$top/tests/fuzz/CMakeLists.txt")
for target in $targets; do
  cmake --build "$top/build-fuzz" -j "$(nproc)" --target "$target" >/dev/null
  seeds="$top/tests/fuzz/corpus-${target#fuzz_}"
  [ "$target" = fuzz_parse ] && seeds="$top/tests/fuzz/corpus"
  corpus=$(mktemp -d)
  trap 'rm -rf "$corpus" "$corpus.log"' EXIT
  "$top/build-fuzz/tests/fuzz/$target" -max_total_time="$seconds" -max_len=70000 -timeout=5 \
    -rss_limit_mb=2048 -print_final_stats=1 "$corpus" $( [ -d "$seeds" ] && echo "$seeds") \
    2> "$corpus.log" || { tail -50 "$corpus.log"; exit 1; }
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$corpus.log" | grep -o '[0-9]*$')
  echo "$target: $runs executions in ${seconds} s, no crash, leak or hang"
  rm -rf "$corpus" "$corpus.log"
done
