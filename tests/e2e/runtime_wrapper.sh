#!/usr/bin/env bash
# oci-netdev-runtime as a process, with a stand-in "real runtime" that reports what it got:
# pass-through by exec (same pid), exit code, argv and stderr untouched; runc found in PATH
# but never itself; config.json rewritten in place only when the container asks for devices.
#
#   runtime_wrapper.sh WRAPPER_BINARY
#
# Needs no root and changes nothing outside a temporary directory.
set -uo pipefail
wrapper=$(readlink -f "$1")
command -v jq >/dev/null || { echo "runtime_wrapper: jq is not installed"; [ "${CI:-}" = true ] && exit 1; exit 77; }

work=$(mktemp -d /tmp/netdev-wrapper.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/self" "$work/real" "$work/bundle"
ln -s "$wrapper" "$work/self/runc"
# The stand-in: its pid, its argv, the config.json it sees, a line on stderr, exit 7.
cat > "$work/real/runc" <<'EOF'
#!/bin/sh
echo "pid=$$"
echo "args=$*"
[ -n "${SHOW_CONFIG:-}" ] && cat "$SHOW_CONFIG" > "$SHOW_CONFIG.seen"
echo "stand-in runc stderr" >&2
exit 7
EOF
chmod +x "$work/real/runc"

passed=0 failed=0
check() { # check DESCRIPTION COMMAND...
  if "${@:2}"; then echo "ok   $1"; passed=$((passed+1)); else echo "FAIL $1"; failed=$((failed+1)); fi
}

# run_wrapper ARGS...: through the "runc" symlink, PATH = self first, then the stand-in.
# The shell prints its pid, then execs: the same pid in the stand-in means no extra process.
run_wrapper() {
  (cd "$work/bundle" && PATH="$work/self:$work/real:/usr/bin:/bin" \
     sh -c 'echo "pid=$$"; exec "$0" "$@"' "$work/self/runc" "$@" > "$work/out" 2> "$work/err")
  echo $? > "$work/rc"
}
same_pid() { [ "$(sed -n 1p "$work/out")" = "$(sed -n 2p "$work/out")" ]; }
rc_is() { [ "$(cat "$work/rc")" = "$1" ]; }
args_are() { [ "$(sed -n 3p "$work/out")" = "args=$*" ]; }
stderr_is() { [ "$(cat "$work/err")" = "$1" ]; }

run_wrapper --root /r --log /l --log-format json state some-id
check "pass-through: exec'd in place (same pid), not the symlink to itself" same_pid
check "pass-through: exit code of the real runtime" rc_is 7
check "pass-through: argv untouched" args_are --root /r --log /l --log-format json state some-id
check "pass-through: stderr untouched" stderr_is "stand-in runc stderr"

config='{"ociVersion":"1.0.2-dev","process":{"env":["PATH=/bin"],"args":["sh"]},"root":{"path":"rootfs"},"x-unknown":{"k":[1,2]}}'
echo "$config" > "$work/bundle/config.json"
chmod 0640 "$work/bundle/config.json"
before=$(stat -c '%i %Y' "$work/bundle/config.json")
run_wrapper --root /r create --bundle "$work/bundle" --pid-file /p id1
check "create asking for nothing: passes straight through" rc_is 7
check "create asking for nothing: config.json not rewritten" \
  test "$(stat -c '%i %Y' "$work/bundle/config.json")" = "$before"

jq -c '.process.env += ["OCI_NETDEV_HOOK_DEVICES=v0=ctr0"]' <<< "$config" > "$work/bundle/config.json"
chmod 0640 "$work/bundle/config.json"
SHOW_CONFIG=$work/bundle/config.json run_wrapper --log /l --log-format json create --bundle "$work/bundle" id2
seen=$work/bundle/config.json.seen
check "create asking by env: the runtime gets the same argv" args_are --log /l --log-format json create --bundle "$work/bundle" id2
check "create asking by env: still one process" same_pid
check "create asking by env: the runtime reads config.json with the three hooks" \
  test "$(jq -c '[.hooks.createRuntime[0].args[1], .hooks.createContainer[0].args[1], .hooks.poststop[0].args[1]]' "$seen")" = '["createRuntime","createContainer","poststop"]'
check "create asking by env: hook path defaults to oci-netdev-hook beside the wrapper" \
  test "$(jq -r '.hooks.createRuntime[0].path' "$seen")" = "$(dirname "$wrapper")/oci-netdev-hook"
check "create asking by env: every other field kept" \
  test "$(jq -c 'del(.hooks)' "$seen")" = "$(jq -c '.process.env += ["OCI_NETDEV_HOOK_DEVICES=v0=ctr0"]' <<< "$config")"
check "create asking by env: file mode kept" test "$(stat -c %a "$work/bundle/config.json")" = 640
rm -f "$seen"
check "create asking by env: no temporary file left" test "$(ls "$work/bundle")" = config.json

echo '{"annotations":{"oci-netdev-hook.devices":"v0"}}' > "$work/bundle/config.json"
OCI_NETDEV_HOOK_PATH=/opt/hook run_wrapper run cid  # no --bundle: the working directory
check "run without --bundle: config.json of the working directory, hook path from the env" \
  test "$(jq -r '.hooks.createRuntime[0].path' "$work/bundle/config.json")" = /opt/hook

printf '{"runtime":"%s","hook_args":["--restore"]}' "$work/real/runc" > "$work/settings.json"
echo '{"annotations":{"oci-netdev-hook.devices":"v0"}}' > "$work/bundle/config.json"
OCI_NETDEV_RUNTIME_CONFIG=$work/settings.json PATH=/usr/bin:/bin "$wrapper" run -b "$work/bundle" cid > "$work/out" 2> "$work/err"
echo $? > "$work/rc"
check "settings file: names the runtime and the hook's extra args" rc_is 7
check "settings file: hook_args before the stage" \
  test "$(jq -c '.hooks.poststop[0].args' "$work/bundle/config.json")" = '["oci-netdev-hook","--restore","poststop"]'

echo '{"annotations":{"oci-netdev-hook.devices":"v0"},"hooks":[]}' > "$work/bundle/config.json"
run_wrapper --log "$work/log.json" --log-format json create -b "$work/bundle" id3
check "bad config.json: exit 2, the real runtime not run" rc_is 2
check "bad config.json: one line on stderr naming the field" \
  grep -qx 'oci-netdev-runtime: error: config.json hooks: expected an object' "$work/err"
check "bad config.json: the reason in the runtime's JSON log, for containerd" \
  test "$(jq -r 'select(.level == "error") | .msg' "$work/log.json")" = "$(cat "$work/err")"

OCI_NETDEV_RUNTIME=$work/self/runc "$wrapper" state x > "$work/out" 2> "$work/err"
echo $? > "$work/rc"
check "a runtime path naming the wrapper itself: refused, exit 2" rc_is 2
PATH=$work/self "$work/self/runc" state x > "$work/out" 2> "$work/err"
echo $? > "$work/rc"
check "only itself in PATH: refused with a clear message" grep -q 'runtime runc: not found in PATH' "$work/err"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
