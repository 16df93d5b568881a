#!/usr/bin/env bash
# libmnl-static.sh DIR: builds libmnl.a (Debian's libmnl-dev ships only the shared library)
# from libmnl's source, the version of the installed libmnl-dev headers, into DIR/libmnl.a.
# The tarball is fetched with apt's downloader and checked against the SHA-256 in Debian's
# signed libmnl_1.0.4-3.dsc; Ubuntu's archive carries the same file when Debian's mirror
# has no sources.
set -euo pipefail
dir=$1
[ -f "$dir/libmnl.a" ] && exit 0
version=$(pkg-config --modversion libmnl)
case $version in
  1.0.4) sha256=171f89699f286a5854b72b91d06e8f8e3683064c5901fb09d954a9ab6f551f81 ;;
  *) echo "libmnl-static.sh: no checksum known for libmnl $version (headers installed)" >&2; exit 1 ;;
esac
tarball=libmnl_$version.orig.tar.bz2
mkdir -p "$dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for mirror in http://deb.debian.org/debian http://archive.ubuntu.com/ubuntu; do
  /usr/lib/apt/apt-helper -q download-file "$mirror/pool/main/libm/libmnl/$tarball" \
    "$work/$tarball" "SHA256:$sha256" >/dev/null 2>&1 && break
done
[ -f "$work/$tarball" ] || { echo "libmnl-static.sh: could not fetch $tarball" >&2; exit 1; }
tar -xjf "$work/$tarball" -C "$work"
# -fPIC: the test programs linking it are position-independent.
(cd "$work/libmnl-$version" && ./configure --enable-static --disable-shared CFLAGS="-O2 -fPIC" &&
   make -C src) > "$work/build.log" 2>&1 || { tail -30 "$work/build.log" >&2; exit 1; }
cp "$work/libmnl-$version/src/.libs/libmnl.a" "$dir/libmnl.a"
