#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# mkrootfs.sh DIR [STATIC_BINARY...]
# Build a small root filesystem for `hybox run --rootfs DIR` from the static
# busybox of Debian's busybox-static package: DIR/bin/busybox, one symlink per
# applet, sbin and usr/{bin,sbin} as links to bin, empty mount points (/proc,
# /dev, /sys, /tmp), a minimal /etc. Extra binaries named after DIR are copied
# into DIR/bin; they must be static (nothing else is in the rootfs to load a
# dynamic one). Idempotent: running it again on the same DIR changes nothing.
# Runs as any user that can write DIR; touches nothing outside DIR.
# Environment: BUSYBOX (default /bin/busybox).
set -euo pipefail

die() {
	echo "mkrootfs.sh: $*" >&2
	exit 1
}

if [ $# -lt 1 ] || [ "$1" = -h ] || [ "$1" = --help ]; then
	echo "usage: mkrootfs.sh DIR [STATIC_BINARY...]" >&2
	exit 2
fi
dir=$1
shift
busybox=${BUSYBOX:-/bin/busybox}

# A dynamic binary would fail inside the rootfs with a confusing ENOENT.
is_static() {
	command -v readelf >/dev/null 2>&1 || return 0
	! LC_ALL=C readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'
}

[ -x "$busybox" ] || die "$busybox not found (install the busybox-static package)"
is_static "$busybox" || die "$busybox is dynamically linked (install busybox-static, not busybox)"
for bin in "$@"; do
	if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
		die "$bin: not an executable file"
	fi
	is_static "$bin" || die "$bin: dynamically linked; only static binaries work in this rootfs"
done

mkdir -p "$dir"
dir=$(cd "$dir" && pwd -P)
[ "$dir" != / ] || die "refusing to build a rootfs over /"

# Copy only when the content differs, so a second run keeps mtimes.
install_file() { # SRC DEST MODE
	if ! cmp -s "$1" "$2"; then
		install -m "$3" "$1" "$2.tmp.$$"
		mv -f "$2.tmp.$$" "$2"
	fi
	chmod "$3" "$2"
}

# The new content is staged outside DIR: a temporary file in DIR/etc would
# change the directory's mtime even when nothing else changes.
write_file() { # DEST MODE (content on stdin)
	local content
	content=$(cat)
	if [ ! -f "$1" ] || [ "$(cat "$1")" != "$content" ]; then
		printf '%s\n' "$content" >"$1.tmp.$$"
		mv -f "$1.tmp.$$" "$1"
	fi
	chmod "$2" "$1"
}

# Link NAME -> TARGET unless NAME already is that link (or a real directory).
link() { # TARGET NAME
	[ "$(readlink "$2" 2>/dev/null)" = "$1" ] && return 0
	[ -d "$2" ] && [ ! -L "$2" ] && return 0
	ln -sfn "$1" "$2"
}

mkdir -p "$dir"/{bin,usr,etc,root,proc,dev,sys,tmp}
chmod 1777 "$dir/tmp"
chmod 0700 "$dir/root"
link bin "$dir/sbin"
link ../bin "$dir/usr/bin"
link ../bin "$dir/usr/sbin"

install_file "$busybox" "$dir/bin/busybox" 0755
# One find instead of a readlink per applet: a re-run forks almost nothing.
declare -A linked=()
while read -r name; do
	linked[$name]=1
done < <(find "$dir/bin" -maxdepth 1 -type l -lname /bin/busybox -printf '%f\n')
while read -r applet; do
	case $applet in
	busybox | "" | */*) continue ;;
	esac
	[ -n "${linked[$applet]:-}" ] && continue
	# Never replace a real file (an extra binary of the same name).
	[ -e "$dir/bin/$applet" ] && [ ! -L "$dir/bin/$applet" ] && continue
	ln -sfn /bin/busybox "$dir/bin/$applet"
done < <("$busybox" --list)

for bin in "$@"; do
	install_file "$bin" "$dir/bin/$(basename "$bin")" 0755
done

write_file "$dir/etc/passwd" 0644 <<'EOF'
root:x:0:0:root:/root:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
EOF
write_file "$dir/etc/group" 0644 <<'EOF'
root:x:0:
nogroup:x:65534:
EOF
echo hybox | write_file "$dir/etc/hostname" 0644
