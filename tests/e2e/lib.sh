# Shared by the engine and runtime scripts: entering a private world, and reporting cases.
# Source it, then call enter_private_world.

# enter_private_world NAME UNSHARE_OPTS TOOLS -- SCRIPT ARGS...: without root, exit 77; with a
# tool missing, exit 77 (1 under CI=true); else re-run the script in a private network and
# mount namespace (the simulated host). Returns only inside it.
enter_private_world() {
  local name=$1 opts=$2 tools=$3; shift 4
  [ -n "${NETDEV_E2E_INSIDE:-}" ] && return 0
  if [ "$(id -u)" -ne 0 ]; then echo "$name: skipped (needs root)"; exit 77; fi
  for cmd in $tools unshare; do
    if ! command -v "$cmd" >/dev/null; then
      echo "$name: $cmd is not installed"
      [ "${CI:-}" = true ] && exit 1
      exit 77
    fi
  done
  # shellcheck disable=SC2086
  NETDEV_E2E_INSIDE=1 exec unshare --net --mount --propagation private $opts -- bash "$@"
}

passed=0 failed=0 current_ok=true
fail() { echo "    FAIL: $*"; current_ok=false; }
expect() { # expect FILE PATTERN...: every extended regex occurs in FILE
  local file=$1; shift
  for pat in "$@"; do grep -Eq -- "$pat" "$file" || fail "'$pat' not in $(basename "$file"): $(tr '\n' '|' < "$file" | cut -c1-600)"; done
}
# run_case NAME FUNCTION ARGS...: calls reset_host (the script's), then the case, timed.
run_case() {
  local name=$1; shift
  current_ok=true
  reset_host
  local t0=$(date +%s%N)
  "$@"
  local ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  if $current_ok; then echo "ok   $name (${ms} ms)"; passed=$((passed+1))
  else echo "FAIL $name"; failed=$((failed+1)); fi
}
wait_for() { # wait_for SECONDS COMMAND...: poll until COMMAND succeeds
  local until=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do [ "$(date +%s)" -ge "$until" ] && return 1; sleep 0.05; done
}
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; }
