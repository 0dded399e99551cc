#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# vmtest.sh [TEST...]
# vmtest.sh --bench
# Boot Debian's linux-image-cloud-amd64 kernel in qemu (TCG) with BPF in the
# LSM list, run tests/vm/NN-*.sh inside with HYBOX_MUST_WORK=1, and exit with
# the guest's verdict, read from the "HYBOX-VMTEST-RESULT: N" line that
# tests/vm/init prints on the serial console. No marker (panic, hang, qemu
# failure) means failure, shown with the last 50 console lines.
# TEST names select scripts in tests/vm/ (e.g. 10-lsm); default: all.
# --bench runs tests/vm/bench-lsm.sh instead of the suite (what the BPF LSM
# road costs, see docs/bench.md; scripts/bench.sh section vm-lsm): the guest
# gets build/bench/loop and tests/bench/policy-no-r.json too, the kernel
# command line says HYBOX_VM_RUN=bench, and the verdict is the script's exit
# status, reported by the same marker.
#
# Why an initramfs: the cloud kernel has no 9p at all (CONFIG_NET_9P unset)
# and virtio/virtio-blk only as modules, while an uncompressed cpio of ~8 MB
# (busybox-static, the static hybox and payloads, the host's bash and a few
# GNU tools with their libraries, the test scripts) needs no driver, no
# module and no disk image, and boots in a few seconds under TCG. No python3
# in the guest (its library is tens of MB): tests read JSON with
# tests/vm/vmlib.sh.
# Why TCG: KVM hangs on our machines. Never pass -enable-kvm here.
#
# Environment:
#   HYBOX             the build's hybox (required; locates the build dir)
#   HYBOX_STATIC      static hybox for the guest (default: $HYBOX when it is
#                     static, as the Makefile links it by default, else
#                     $HYBOX-static)
#   PAYLOAD_DIR       static test payloads (required: probe)
#   VMTEST_BIN_DIR    static VM-only drivers built from tests/vm/*.c (required:
#                     lsmctl, the BPF LSM road's driver; default:
#                     $(dirname $HYBOX)/vmtest); installed as /hybox/bin/NAME
#   VMTEST_KERNEL     kernel image (default: newest /boot/vmlinuz-*-cloud-amd64)
#   VMTEST_DIR        work dir for the initramfs and log (default: $(dirname $HYBOX)/vm,
#                     --bench: .../vm-bench, so that both may run at once)
#   VMTEST_TIMEOUT    hard limit on qemu, seconds (default 240; --bench 900)
#   BENCH_BIN_DIR     --bench: the static bench programs (default:
#                     $(dirname $HYBOX)/bench; loop is installed as
#                     /hybox/bench/loop)
#   BENCH_VM_ROUNDS, BENCH_VM_N, BENCH_VM_FILE_N   --bench: passed on to
#                     the guest's bench-lsm.sh (see there)
#   VMTEST_SMP, VMTEST_MEM   guest CPUs (default 1: a second TCG vCPU slows
#                     boot by up to a second and the tests are sequential)
#                     and memory (default 1G)
#   VMTEST_APPEND     extra kernel command line parameters
#   VMTEST_VERBOSE=1  show the whole console live, kernel messages and a
#                     trace of /init included
#   BUSYBOX           static busybox (default /bin/busybox, busybox-static)
set -euo pipefail

die() {
	echo "vmtest.sh: $*" >&2
	exit 1
}

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
bench=0
if [ "${1:-}" = --bench ]; then
	bench=1
	shift
	[ $# -eq 0 ] || die "--bench takes no TEST names"
fi
: "${HYBOX:?HYBOX is not set (run make vmtest)}"
: "${PAYLOAD_DIR:?PAYLOAD_DIR is not set (run make vmtest)}"
timeout_s=${VMTEST_TIMEOUT:-$((bench ? 900 : 240))}
verbose=${VMTEST_VERBOSE:-0}
busybox=${BUSYBOX:-/bin/busybox}
vmdir=${VMTEST_DIR:-$(dirname "$HYBOX")/vm$([ $bench = 0 ] || echo -bench)}
bindir=${VMTEST_BIN_DIR:-$(dirname "$HYBOX")/vmtest}

is_static() {
	! LC_ALL=C readelf -l "$1" 2>/dev/null | grep -q 'program interpreter'
}

kernel=${VMTEST_KERNEL:-}
if [ -z "$kernel" ]; then
	kernel=$(find /boot -maxdepth 1 -name 'vmlinuz-*-cloud-amd64' 2>/dev/null | sort -V | tail -n 1)
	[ -n "$kernel" ] || die "no /boot/vmlinuz-*-cloud-amd64 (install linux-image-cloud-amd64)"
fi
[ -r "$kernel" ] || die "$kernel: not readable"
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 not found (install qemu-system-x86)"
command -v cpio >/dev/null || die "cpio not found (install cpio)"
if [ ! -x "$busybox" ] || ! is_static "$busybox"; then
	die "$busybox: no static busybox (install busybox-static)"
fi
hybox_static=${HYBOX_STATIC:-}
if [ -z "$hybox_static" ]; then
	hybox_static=$HYBOX-static
	if [ -x "$HYBOX" ] && is_static "$HYBOX"; then hybox_static=$HYBOX; fi
fi
[ -x "$hybox_static" ] || die "$hybox_static not found (a static hybox: set HYBOX_STATIC)"
is_static "$hybox_static" || die "$hybox_static is dynamically linked"
[ -x "$PAYLOAD_DIR/probe" ] || die "$PAYLOAD_DIR/probe not found (make payloads)"
# Missing drivers fail here rather than letting a VM test skip.
for c in "$repo"/tests/vm/*.c; do
	[ -e "$c" ] || continue
	b=$bindir/$(basename "$c" .c)
	[ -x "$b" ] || die "$b not found (make vmtest builds it)"
	is_static "$b" || die "$b is dynamically linked"
done

# FUSE for kernel-emu's /proc views: a module in the cloud kernel.
kver=$(basename "$kernel")
kver=${kver#vmlinuz-}
fuse_ko=$(find "/lib/modules/$kver/kernel/fs/fuse" -name 'fuse.ko*' 2>/dev/null | head -n 1)
[ -n "$fuse_ko" ] || die "no fuse.ko in /lib/modules/$kver (install the kernel's modules)"

benchdir=${BENCH_BIN_DIR:-$(dirname "$HYBOX")/bench}
if [ $bench = 1 ]; then
	[ -x "$benchdir/loop" ] || die "$benchdir/loop not found (make bench builds it)"
	is_static "$benchdir/loop" || die "$benchdir/loop is dynamically linked"
fi

# The tests to run: all of tests/vm/NN-*.sh, or those named on the command
# line; none with --bench.
tests=()
if [ $# -eq 0 ] && [ $bench = 0 ]; then
	tests=("$repo"/tests/vm/[0-9][0-9]-*.sh)
	[ -e "${tests[0]}" ] || die "no tests in tests/vm/"
fi
for t in "$@"; do
	t=$repo/tests/vm/$(basename "${t%.sh}").sh
	[ -f "$t" ] || die "no such VM test: $t"
	tests+=("$t")
done

# --- initramfs ---------------------------------------------------------------
# The guest sees the same paths as the repo: /hybox/{tests,scripts} next to
# /hybox/bin/hybox and /hybox/payload, so libtest.sh finds itself as usual.
# Busybox's applet links are made by the guest's /init (busybox --install):
# one ln per applet here costs seconds on a loaded host.
mkdir -p "$vmdir"
root=$vmdir/root
rm -rf "$root"
mkdir -p "$root"/{bin,sbin,usr/bin,usr/sbin,etc,root,proc,dev,sys,tmp,run,var/tmp,newroot} \
	"$root"/hybox/{bin,payload,tests/vm,tests/lib,scripts}
chmod 1777 "$root/tmp" "$root/var/tmp"
chmod 0700 "$root/root"
cp "$busybox" "$root/bin/busybox"
mkdir -p "$root/lib/modules"
case $fuse_ko in
*.xz) xz -dc "$fuse_ko" >"$root/lib/modules/fuse.ko" ;;
*.zst) zstd -qdc "$fuse_ko" >"$root/lib/modules/fuse.ko" ;;
*) cp "$fuse_ko" "$root/lib/modules/fuse.ko" ;;
esac
# The host's bash and the GNU tools whose busybox versions differ where
# libtest.sh relies on them: busybox timeout leaves a watcher process that
# still names the command for up to a second (assert_no_leftovers sees it)
# and exits 143, not 124; busybox rm has no --one-file-system. Copied with
# the shared libraries ldd names (libc, ld.so, ...), at the same paths.
for tool in bash timeout rm; do
	bin=$(command -v "$tool") || die "$tool not found on the host"
	cp -L "$bin" "$root/bin/$tool"
	for lib in $(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }'); do
		[ -e "$root$lib" ] && continue
		mkdir -p "$root$(dirname "$lib")"
		cp -L "$lib" "$root$lib"
	done
done
printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/nonexistent:/bin/false' \
	>"$root/etc/passwd"
printf '%s\n' 'root:x:0:' 'nogroup:x:65534:' >"$root/etc/group"
strip -o "$root/hybox/bin/hybox" "$hybox_static"
for p in "$PAYLOAD_DIR"/*; do
	if [ -f "$p" ] && [ -x "$p" ]; then cp "$p" "$root/hybox/payload/"; fi
done
for c in "$repo"/tests/vm/*.c; do
	[ -e "$c" ] || continue
	strip -o "$root/hybox/bin/$(basename "$c" .c)" "$bindir/$(basename "$c" .c)"
done
install -m 0755 "$repo/tests/vm/init" "$root/init"
[ ${#tests[@]} -eq 0 ] || cp "${tests[@]}" "$root/hybox/tests/vm/"
if [ $bench = 1 ]; then
	mkdir -p "$root/hybox/bench" "$root/hybox/tests/bench"
	strip -o "$root/hybox/bench/loop" "$benchdir/loop"
	cp "$repo/tests/bench/policy-no-r.json" "$root/hybox/tests/bench/"
fi
for f in "$repo"/tests/vm/*; do
	case $(basename "$f") in
	[0-9][0-9]-*.sh | init | *.c) ;;
	*) cp "$f" "$root/hybox/tests/vm/" ;;
	esac
done
cp "$repo/tests/lib/libtest.sh" "$root/hybox/tests/lib/"
cp "$repo/scripts/run_tap.sh" "$root/hybox/scripts/"

# Uncompressed (decompressing under TCG costs more than copying), owned by
# root whoever builds it. /dev/console must exist before /init runs, and
# mknod needs privileges: append it as a second, hand-written newc archive
# (the kernel unpacks concatenated archives).
newc() { # NAME MODE(octal) RDEVMAJOR RDEVMINOR
	local name=$1
	printf '070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X' \
		1 $((0$2)) 0 0 1 0 0 0 0 "$3" "$4" $((${#name} + 1)) 0
	printf '%s\0' "$name"
	# Header (110 bytes) + name + NUL padded to 4 bytes; no data.
	head -c $(((4 - (110 + ${#name} + 1) % 4) % 4)) /dev/zero
}
initrd=$vmdir/initramfs.cpio
(cd "$root" && find . -mindepth 1 | LC_ALL=C sort | cpio -o -H newc -R 0:0 --quiet) >"$initrd.tmp"
{
	newc dev/console 020600 5 1
	newc TRAILER!!! 0 0 0
} >>"$initrd.tmp"
mv -f "$initrd.tmp" "$initrd"

# --- boot --------------------------------------------------------------------
log=$vmdir/console.log
append="console=ttyS0 lsm=lockdown,capability,landlock,bpf panic=-1 oops=panic"
append+=" rdinit=/init mitigations=off nokaslr tsc=reliable no_timer_check"
[ -n "${VMTEST_APPEND:-}" ] && append+=" $VMTEST_APPEND"
if [ $bench = 1 ]; then
	# Unknown name=value parameters reach the guest's /init as environment.
	append+=" HYBOX_VM_RUN=bench"
	for v in BENCH_VM_ROUNDS BENCH_VM_N BENCH_VM_FILE_N; do
		if [ -n "${!v:-}" ]; then append+=" $v=${!v}"; fi
	done
fi
if [ "$verbose" = 1 ]; then
	append+=" HYBOX_VM_VERBOSE=1"
else
	append+=" quiet"
fi
qemu=(qemu-system-x86_64 -accel tcg -M pc -cpu "max,la57=off" -smp "${VMTEST_SMP:-1}"
	-m "${VMTEST_MEM:-1G}" -nographic -no-reboot -nodefaults -serial stdio
	-kernel "$kernel" -initrd "$initrd" -append "$append")

what="${#tests[@]} test file(s)"
[ $bench = 1 ] && what="bench (tests/vm/bench-lsm.sh)"
echo "vmtest: $(basename "$kernel"), $(du -k "$initrd" | cut -f1) KiB initramfs, $what"
start=$(date +%s)
set +e
if [ "$verbose" = 1 ]; then
	timeout -k 5 "$timeout_s" "${qemu[@]}" </dev/null 2>&1 | tee "$log"
	qrc=${PIPESTATUS[0]}
else
	timeout -k 5 "$timeout_s" "${qemu[@]}" </dev/null >"$log" 2>&1
	qrc=$?
fi
set -e
elapsed=$(($(date +%s) - start))

# The console without carriage returns and terminal escapes (SeaBIOS clears
# the screen).
console_text() {
	sed -E $'s/\r//g; s/\x1b(\\[[0-9;?]*[a-zA-Z]|c)//g' "$log"
}
marker=$(console_text | grep -a -E '^HYBOX-VMTEST-RESULT: [0-9]+$' | tail -n 1 || true)
if [ -z "$marker" ]; then
	echo "vmtest: FAILED: no HYBOX-VMTEST-RESULT line on the console"
	case $qrc in
	124 | 137) echo "vmtest: qemu killed after ${timeout_s}s (VMTEST_TIMEOUT)" ;;
	*) echo "vmtest: qemu exited $qrc after ${elapsed}s" ;;
	esac
	echo "vmtest: last 50 console lines ($log):"
	console_text | tail -n 50 | sed 's/^/  | /'
	exit 1
fi
rc=${marker##* }
if [ "$verbose" != 1 ]; then
	# The guest's report: everything from its banner up to the marker.
	console_text | sed -n '/^hybox-vm: /,/^HYBOX-VMTEST-RESULT: /p'
fi
echo "vmtest: guest verdict $rc after ${elapsed}s (console: $log)"
[ "$rc" -lt 256 ] || rc=1
exit "$rc"
