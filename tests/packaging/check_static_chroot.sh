#!/usr/bin/env bash
# The fully static hook (NETDEV_LINKING=static) runs in an empty root holding nothing but
# itself and one input: no libc, no libmnl, no /proc, no /etc, as on a node that has
# neither libmnl nor glibc 2.36.
#   check_static_chroot.sh HOOK
# Root only (chroot needs CAP_SYS_CHROOT): exit 77 (skipped) otherwise.
set -uo pipefail
hook=$(readlink -f "$1")
[ "$(id -u)" -eq 0 ] || { echo "skip: chroot needs root"; exit 77; }
root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
passed=0 failed=0
check() { if eval "$2"; then echo "ok   $1"; passed=$((passed+1)); else echo "FAIL $1"; failed=$((failed+1)); fi; }

check "the binary is static: no interpreter, no shared library" \
  '! readelf -l "$hook" | grep -q INTERP && ! readelf -d "$hook" | grep -q NEEDED'
# Static glibc cannot do NSS lookups (users, groups, hosts, services) without loading the
# node's own glibc modules at run time, and warns at link time; the hook must need none
# (docs/building.md "The static build"). Understood and allowed: getaddrinfo, gethostbyname2_r and
# getservbyname_r come with Boost.Log's syslog backend (libboost_log.a, syslog_backend.o),
# whose UDP mode resolves a host name; the audit sink uses its native mode (syslog(3) to
# /dev/log), which never calls them.
allowed='getaddrinfo|gethostbyname2_r|getservbyname_r'
nss=$(nm "$hook" 2>/dev/null | awk '$2 ~ /^[TtWw]$/ {print $3}' | grep -xE \
  'getaddrinfo|gethostby(name|name2|addr)(_r)?|getpw(nam|uid|ent)(_r)?|getgr(nam|gid|ent)(_r)?|getspnam(_r)?|getservby(name|port)(_r)?|getprotoby(name|number)(_r)?|initgroups|getgrouplist' | sort -u)
[ -n "$nss" ] && echo "     NSS functions linked in: $(echo $nss)"
unexpected=$(grep -vxE "$allowed" <<<"$nss")
check "no NSS lookup linked in but the documented ones${unexpected:+ (not documented: $(echo $unexpected))}" \
  '[ -z "$unexpected" ]'
cp "$hook" "$root/oci-netdev-hook"
# The one input: an OCI state whose bundle is the root, and that bundle's config.json.
printf '{"ociVersion":"1.0.2","id":"c1","status":"creating","pid":0,"bundle":"/"}\n' > "$root/state.json"
printf '{"ociVersion":"1.0.2","linux":{"namespaces":[{"type":"network"}]}}\n' > "$root/config.json"
check "the root holds the binary and its input, nothing else" \
  '[ "$(find "$root" -mindepth 1 | wc -l)" = 3 ]'

# A private netns too: nothing here may see the machine's network.
in_root() { unshare --net -- chroot "$root" /oci-netdev-hook "$@"; }
out=$(in_root --version 2>&1); rc=$?
echo "$out" | sed 's/^/     /'
check "--version runs in the empty root and says static" \
  '[ $rc = 0 ] && grep -q "^linking: static; .*shared: none$" <<<"$out"'
out=$(in_root --help 2>&1); rc=$?
check "--help runs in the empty root" '[ $rc = 0 ] && grep -q "^Usage: oci-netdev-hook" <<<"$out"'
out=$(in_root check --state /state.json 2>&1); rc=$?
echo "$out" | sed 's/^/     /'
check "check --state reads the state and config.json and plans nothing" \
  '[ $rc = 0 ] && grep -q "no network devices requested" <<<"$out"'
out=$(in_root check --state /missing.json 2>&1); rc=$?
check "a missing input is one line on stderr and exit 2" \
  '[ $rc = 2 ] && [ "$(wc -l <<<"$out")" = 1 ] && grep -q "^oci-netdev-hook: error: .*missing.json" <<<"$out"'
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
