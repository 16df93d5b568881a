#!/usr/bin/env bash
# cmake --install and the CPack .deb put the binary and the hooks.d files where podman and
# CRI-O look, with the path inside the JSON matching the install prefix.
#   check_install.sh BUILD_DIR
set -uo pipefail
build=$(readlink -f "$1")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
check() { if eval "$2"; then echo "ok   $1"; passed=$((passed+1)); else echo "FAIL $1"; failed=$((failed+1)); fi; }

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
hooksd=$tmp/prefix/share/containers/oci/hooks.d
check "install: binary in bin" '[ -x "$tmp/prefix/bin/oci-netdev-hook" ]'
check "install: three hooks.d files" '[ "$(ls "$hooksd"/*.json | wc -l)" = 3 ]'
check "install: hooks.d paths match the prefix" \
  '! grep -h "\"path\"" "$hooksd"/*.json | grep -v "\"$tmp/prefix/bin/oci-netdev-hook\""'
check "install: the example policy, inactive, in the docs" \
  '[ -f "$tmp/prefix/share/doc/oci-netdev-hook/examples/policy.json.example" ] && [ ! -e "$tmp/prefix/etc/oci-netdev-hook/policy.json" ]'
check "install: the installed binary runs" '"$tmp/prefix/bin/oci-netdev-hook" --version | grep -q "^oci-netdev-hook "'

if command -v cpack >/dev/null && command -v dpkg-deb >/dev/null; then
  (cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" >/dev/null 2>&1)
  deb=$(ls "$tmp"/*.deb 2>/dev/null | head -1)
  check "deb: built" '[ -n "$deb" ]'
  dpkg-deb -c "$deb" > "$tmp/contents"
  dpkg-deb --fsys-tarfile "$deb" |
    tar -xO ./usr/share/containers/oci/hooks.d/50-oci-netdev-hook-createRuntime.json > "$tmp/hook.json"
  check "deb: /usr/bin/oci-netdev-hook" 'grep -q " ./usr/bin/oci-netdev-hook$" "$tmp/contents"'
  check "deb: hooks.d in /usr/share/containers/oci/hooks.d naming /usr/bin" \
    'grep -q "\"/usr/bin/oci-netdev-hook\"" "$tmp/hook.json"'
  # Boost and libstdc++ are linked in (NETDEV_STATIC_RUNTIME); libmnl stays shared.
  check "deb: depends on libmnl0, not on Boost" \
    'dpkg-deb -f "$deb" Depends | grep -q libmnl0 && ! dpkg-deb -f "$deb" Depends | grep -q libboost'
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
