#!/usr/bin/env bash
# cmake --install and the CPack .deb put the binary, the man pages, the docs and the hooks.d
# files where podman and CRI-O look, with the path inside the JSON matching the install
# prefix; --version tells the truth about the linking; lintian finds no error in the .deb.
#   check_install.sh BUILD_DIR SOURCE_DIR
# Without lintian the lintian check is skipped, unless CI=true (scripts/install-deps.sh has it).
set -uo pipefail
build=$(readlink -f "$1")
src=$(readlink -f "$2")
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
passed=0 failed=0
check() { if eval "$2"; then echo "ok   $1"; passed=$((passed+1)); else echo "FAIL $1"; failed=$((failed+1)); fi; }

cmake --install "$build" --prefix "$tmp/prefix" >/dev/null
bin=$tmp/prefix/bin/oci-netdev-hook
hooksd=$tmp/prefix/share/containers/oci/hooks.d
doc=$tmp/prefix/share/doc/oci-netdev-hook
check "install: binary in bin" '[ -x "$bin" ]'
check "install: oci-netdev-runtime beside it" '[ -x "$tmp/prefix/bin/oci-netdev-runtime" ]'
check "install: three hooks.d files" '[ "$(ls "$hooksd"/*.json | wc -l)" = 3 ]'
check "install: hooks.d paths match the prefix" \
  '! grep -h "\"path\"" "$hooksd"/*.json | grep -v "\"$tmp/prefix/bin/oci-netdev-hook\""'
check "install: the example policy, inactive, in the docs" \
  '[ -f "$tmp/prefix/share/doc/oci-netdev-hook/examples/policy.json.example" ] && [ ! -e "$tmp/prefix/etc/oci-netdev-hook/policy.json" ]'
check "install: machine-readable copyright and gzipped changelog in the doc dir" \
  'head -1 "$doc/copyright" | grep -q "^Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/" && gzip -t "$doc/changelog.gz"'

# Every hooks/man/NAME.N.scd is installed as man/manN/NAME.N.gz and renders.
for scd in "$src"/hooks/man/*.scd; do
  page=$(basename "$scd" .scd)
  gz=$tmp/prefix/share/man/man${page##*.}/$page.gz
  check "install: man page $page renders" \
    'LC_ALL=C man -l "$gz" 2>/dev/null | grep -q "^NAME"'
done
man1=$tmp/prefix/share/man/man1/oci-netdev-hook.1.gz
LC_ALL=C MANWIDTH=200 man -l "$man1" > "$tmp/man1.txt" 2>/dev/null
for section in COMMANDS STAGES OPTIONS "EXIT STATUS" FILES ENVIRONMENT; do
  check "man oci-netdev-hook(1) has $section" 'grep -q "^$section" "$tmp/man1.txt"'
done
# EXIT STATUS is generated from the exit code table (common/error.hpp, netdev::exit_codes):
# every code of the enum is in oci-netdev-hook(1) and in --help, and every code the wrapper
# returns itself (man-exit-status --codes runtime, from the same table) in oci-netdev-runtime(1).
exit_status() { sed -n '/^EXIT STATUS/,/^[A-Z]/p' "$1" | sed '1d;$d'; }
exit_status "$tmp/man1.txt" > "$tmp/exit1.txt"
LC_ALL=C MANWIDTH=200 man -l "$tmp/prefix/share/man/man1/oci-netdev-runtime.1.gz" 2>/dev/null |
  exit_status /dev/stdin > "$tmp/exit-runtime.txt"
codes=$(sed -n '/^enum class ExitCode/,/^};/s/^ *[a-z_]* = \([0-9]*\),.*/\1/p' "$src/common/error.hpp")
check "error.hpp: the ExitCode enum has codes" '[ -n "$codes" ]'
"$bin" --help | sed -n '/^Exit codes:/,$p' > "$tmp/help-exit.txt"
for code in $codes; do
  check "man oci-netdev-hook(1) EXIT STATUS lists $code" 'grep -Eq "^ *$code\$" "$tmp/exit1.txt"'
  check "--help lists exit code $code" 'grep -Eq "^ *$code  " "$tmp/help-exit.txt"'
done
runtime_codes=$("$build/man-exit-status" --codes runtime)
check "the wrapper returns some codes of the table" '[ -n "$runtime_codes" ]'
for code in $runtime_codes; do
  check "man oci-netdev-runtime(1) EXIT STATUS lists $code" 'grep -Eq "^ *$code\$" "$tmp/exit-runtime.txt"'
done
# Every option the binary accepts (its --help) is in the man page.
for opt in $("$bin" --help | grep -o -- '--[a-z-]*' | sort -u); do
  check "man oci-netdev-hook(1) documents $opt" 'grep -q -- "$opt" "$tmp/man1.txt"'
done

# --version: the version, the build, and a linking claim that matches the ELF file.
version=$("$bin" --version)
needed=$(readelf -d "$bin" | grep NEEDED || true)  # none for a static binary
check "--version: version, build type and compiler" \
  'grep -q "^oci-netdev-hook [0-9]" <<<"$version" && grep -Eq "^build: [A-Za-z]+, (GNU|Clang) [0-9]" <<<"$version"'
# "linking: MODE; static: A, B; shared: C, D": each library where it says, by the ELF file.
static_list=$(sed -n 's/^linking: [a-z-]*; static: \(.*\); shared: .*/\1/p' <<<"$version")
shared_list=$(sed -n 's/^linking: .*; shared: \(.*\)/\1/p' <<<"$version")
check "--version: says which libraries are static and which shared" '[ -n "$static_list" ] && [ -n "$shared_list" ]'
for lib in Boost:libboost_json libstdc++:libstdc++ libmnl:libmnl glibc:libc.so; do
  name=${lib%%:*} soname=${lib#*:}
  if grep -qF "$name" <<<"$shared_list"; then
    check "--version says $name shared: $soname is NEEDED" 'grep -qF "$soname" <<<"$needed"'
  elif grep -qF "$name" <<<"$static_list"; then
    check "--version says $name static: $soname is not NEEDED" '! grep -qF "$soname" <<<"$needed"'
  else
    check "--version names $name" false
  fi
done

# Nothing else is loaded at start: a library NEEDED for nothing (libm, which g++ asks for and
# the hook does not use) costs every run its mapping and relocation (bench/README.md).
for soname in $(sed -n 's/.*Shared library: \[\(.*\)\]/\1/p' <<<"$needed"); do
  case $soname in
    libmnl.so.* | libc.so.* | ld-linux-*.so.* | libstdc++.so.* | libgcc_s.so.* | libboost_*) ;;
    *) check "NEEDED $soname: a library the hook does not use" false ;;
  esac
done

# A static binary (NETDEV_LINKING=static) has no dynamic section: nothing is bound at start.
if [ -n "$needed" ]; then
  check "full RELRO: bound at start (BIND_NOW), the GOT read-only after" \
    'readelf -d "$bin" | grep -q "FLAGS.*NOW" && readelf -lW "$bin" | grep -q GNU_RELRO'
  check "relative relocations packed (DT_RELR): 1 KB to read at start, not 116 KB" \
    'readelf -d "$bin" | grep -q "(RELR)"'
fi

if command -v cpack >/dev/null && command -v dpkg-deb >/dev/null; then
  (cd "$tmp" && cpack -G DEB --config "$build/CPackConfig.cmake" >/dev/null 2>&1)
  deb=$(ls "$tmp"/*.deb 2>/dev/null | head -1)
  check "deb: built" '[ -n "$deb" ]'
  dpkg-deb -c "$deb" > "$tmp/contents"
  dpkg-deb --fsys-tarfile "$deb" |
    tar -xO ./usr/share/containers/oci/hooks.d/50-oci-netdev-hook-createRuntime.json > "$tmp/hook.json"
  check "deb: /usr/bin/oci-netdev-hook" 'grep -q " ./usr/bin/oci-netdev-hook$" "$tmp/contents"'
  check "deb: man page in /usr/share/man/man1" 'grep -q " ./usr/share/man/man1/oci-netdev-hook.1.gz$" "$tmp/contents"'
  check "deb: /usr/bin/oci-netdev-runtime" 'grep -q " ./usr/bin/oci-netdev-runtime$" "$tmp/contents"'
  check "deb: hooks.d in /usr/share/containers/oci/hooks.d naming /usr/bin" \
    'grep -q "\"/usr/bin/oci-netdev-hook\"" "$tmp/hook.json"'
  # Depends from dpkg-shlibdeps: what the binary links shared, nothing it links in.
  depends=$(dpkg-deb -f "$deb" Depends)
  echo "     Depends: $depends"
  if grep -q libmnl <<<"$needed"; then
    check "deb: Depends names libmnl0 and libc6" 'grep -q libmnl0 <<<"$depends" && grep -q libc6 <<<"$depends"'
  fi
  if ! grep -q libboost <<<"$needed"; then
    check "deb: no Boost in Depends (linked in)" '! grep -q libboost <<<"$depends"'
  fi
  if command -v lintian >/dev/null; then
    # As root lintian says so on stderr; that line is no finding.
    lintian --pedantic --display-info "$deb" 2>&1 | grep -v "^running with root privileges" > "$tmp/lintian"
    sed 's/^/     lintian: /' "$tmp/lintian"
    check "deb: lintian reports no error (E:)" '! grep -q "^E:" "$tmp/lintian"'
  elif [ "${CI:-}" = true ]; then
    check "deb: lintian installed (CI)" false
  else
    echo "skip deb: lintian not installed"
  fi
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
