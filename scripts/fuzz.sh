#!/usr/bin/env bash
# fuzz.sh [SECONDS [BUILD_DIR]]: builds every libFuzzer target (tests/fuzz/fuzz_*.cpp) with
# clang (ASan+UBSan) in BUILD_DIR (default build-fuzz; CI passes its clang tree, configured
# with NETDEV_FUZZ=ON) and runs each on its seed corpus (tests/fuzz/corpus-NAME for fuzz_NAME, else
# tests/fuzz/corpus: real runc, crun and podman states, configs, annotations), SECONDS (60) in
# all, shared between the targets.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-60}
targets=$(cd "$top/tests/fuzz" && ls fuzz_*.cpp | sed 's/\.cpp$//')
count=$(echo "$targets" | wc -w)
each=$(( seconds / count > 0 ? seconds / count : 1 ))
build=${2:-$top/build-fuzz}
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S "$top" -B "$build" -DNETDEV_FUZZ=ON -DNETDEV_TESTS=OFF \
    -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_COMPILE_WARNING_AS_ERROR=ON >/dev/null
fi
cmake --build "$build" -j "$(nproc)" --target $targets >/dev/null
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for t in $targets; do
  seeds="$top/tests/fuzz/corpus-${t#fuzz_}"
  [ -d "$seeds" ] || seeds="$top/tests/fuzz/corpus"
  mkdir "$work/$t"
  "$build/tests/fuzz/$t" -max_total_time="$each" -max_len=70000 -timeout=5 \
    -rss_limit_mb=2048 -print_final_stats=1 "$work/$t" "$seeds" 2> "$work/$t.log" ||
    { tail -50 "$work/$t.log"; exit 1; }
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$work/$t.log" | grep -o '[0-9]*$')
  echo "fuzz $t: $runs executions in ${each} s, no crash, leak or hang"
done
