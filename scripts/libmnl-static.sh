#!/usr/bin/env bash
# libmnl-static.sh DIR: builds libmnl.a (Debian's libmnl-dev ships only the shared library) from
# libmnl's release tarball, the version of the installed libmnl-dev headers, into DIR/libmnl.a.
# Nothing is downloaded: Debian's package mirror on these machines carries no source packages.
# The tarball is taken from $NETDEV_LIBMNL_SOURCE, else ../shared/vendor/ beside the checkout,
# and checked against the SHA-256 in Debian's signed libmnl_1.0.4-3.dsc.
# Exit 3 (and one line) when no tarball is there: the caller decides whether that is fatal.
set -euo pipefail
dir=$1
[ -f "$dir/libmnl.a" ] && exit 0
top=$(cd "$(dirname "$0")/.." && pwd)
version=$(pkg-config --modversion libmnl)
case $version in
  1.0.4) sha256=171f89699f286a5854b72b91d06e8f8e3683064c5901fb09d954a9ab6f551f81 ;;
  *) echo "libmnl-static.sh: no checksum known for libmnl $version (headers installed)" >&2; exit 1 ;;
esac
tarball=libmnl_$version.orig.tar.bz2
source=${NETDEV_LIBMNL_SOURCE:-$top/../shared/vendor/$tarball}
if [ ! -f "$source" ]; then
  echo "libmnl-static.sh: $tarball not found (looked at $source; set NETDEV_LIBMNL_SOURCE)" >&2
  exit 3
fi
echo "$sha256  $source" | sha256sum -c --quiet - ||
  { echo "libmnl-static.sh: $source does not match Debian's SHA-256 for $tarball" >&2; exit 1; }
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
tar -xjf "$source" -C "$work"
# -fPIC: the test programs linking it are position-independent.
(cd "$work/libmnl-$version" && ./configure --enable-static --disable-shared CFLAGS="-O2 -fPIC" &&
   make -C src) > "$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; exit 1; }
cp "$work/libmnl-$version/src/.libs/libmnl.a" "$dir/libmnl.a"
