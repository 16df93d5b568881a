#!/usr/bin/env bash
# The benchmark from a fresh clone: install, build (the hook and bench/floor), run
# bench/run.py (arguments pass through, e.g. --quick). Prints a markdown table; ~5 minutes.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
bash "$top/scripts/install-deps.sh"
bash "$top/scripts/build.sh" "$top/build" >/dev/null
exec python3 "$top/bench/run.py" --build "$top/build" "$@"
