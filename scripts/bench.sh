#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# hybox benchmarks: ratios measured side by side in one run (see docs/bench.md).
#
#   HYBOX=/abs/build/hybox PAYLOAD_DIR=/abs/build/payload scripts/bench.sh
#
# Every hybox number is measured next to its baseline, interleaved round by
# round, and summarised as the median over rounds, so that drift on a noisy
# VM hits both sides alike. Absolute times are printed but never judged: the
# script exits 0 unless a program crashed or could not be built.
#
# Knobs (environment): BENCH_ROUNDS (native road, default 41), BENCH_N (calls
# per native-road run, default 30000), BENCH_UNAME_ROUNDS (default 7),
# BENCH_UNAME_N (default 20000), BENCH_STARTUP_N (default 30), BENCH_PIN (CPU
# the native-road runs are pinned to, all three alike; default the last CPU,
# "none" to leave them unpinned), BENCH_FILE_ROUNDS (default 7), BENCH_FILE_N
# (iterations per file-policy run, default 5000), BENCH_FILE_DIR (where the
# file-policy runs put their file, default /dev/shm: tmpfs both on the host
# and in the container), BENCH_SECTIONS (which sections run, default
# "native uname startup file views workload cache oci cri telemetry
# checkpoint vm-lsm"); BENCH_OCI_N (default 30) is the runs per command of the oci
# section (hybox, crun, runc: run and create..delete; bwrap); BENCH_CRI_N
# (default 10) the pods per runtime handler of the cri section; BENCH_TELEMETRY_ROUNDS
# and BENCH_TELEMETRY_N size the telemetry section, BENCH_VIEWS_ROUNDS
# (default 5) and BENCH_VIEWS_N (default 3000) the views section,
# BENCH_WORKLOAD_ROUNDS (default 5) the workload section (gcc, python3), BENCH_CKPT_MIB
# (MiB of touched memory the container holds, default 1024), BENCH_CKPT_ROUNDS
# (default 3), BENCH_CKPT_STATES (the memory state each timed step starts in:
# default "warm"; "warm cold" adds the VM's cold case) and BENCH_CKPT_SETTLE
# (the pause for cold, seconds, default 10) the checkpoint section (hybox
# checkpoint/restore). Section vm-lsm boots a qemu TCG
# guest (scripts/vmtest.sh --bench) and takes its own knobs: BENCH_VM_ROUNDS,
# BENCH_VM_N, BENCH_VM_FILE_N (tests/vm/bench-lsm.sh), VMTEST_KERNEL,
# VMTEST_BIN_DIR (where lsmctl is, default $(dirname $HYBOX)/vmtest).
set -u

ROOT=$(cd "$(dirname "$0")/.." && pwd)
HYBOX=${HYBOX:-$ROOT/build/hybox}
BENCH_DIR=$ROOT/build/bench
ROUNDS=${BENCH_ROUNDS:-41}
N=${BENCH_N:-30000}
UROUNDS=${BENCH_UNAME_ROUNDS:-7}
UN=${BENCH_UNAME_N:-20000}
SN=${BENCH_STARTUP_N:-30}
FROUNDS=${BENCH_FILE_ROUNDS:-7}
FN=${BENCH_FILE_N:-5000}
FDIR=${BENCH_FILE_DIR:-/dev/shm}
VROUNDS=${BENCH_VIEWS_ROUNDS:-5}
VN=${BENCH_VIEWS_N:-3000}
POLICY_NO_R=$ROOT/tests/bench/policy-no-r.json
SECTIONS=${BENCH_SECTIONS:-native uname startup file views workload cache oci cri telemetry checkpoint vm-lsm}
BWRAP=$(command -v bwrap 2>/dev/null || true)
PIN=${BENCH_PIN:-$(($(nproc) - 1))}
PINCMD=""
if [ "$PIN" != none ] && command -v taskset >/dev/null 2>&1; then
	PINCMD="taskset -c $PIN"
else
	PIN=none
fi

# want SECTION: is SECTION in BENCH_SECTIONS?
want() {
	case " $SECTIONS " in *" $1 "*) return 0 ;; esac
	return 1
}

# fail MSG: record a failed run (a file, since run_loop runs in $(...) subshells).
fail() {
	echo "bench: $*" >&2
	: >"$T/failed"
}

# The bench programs are built by `make bench` (Makefile rule $(BUILD)/bench/%).
for prog in loop notify_min startup; do
	[ -x "$BENCH_DIR/$prog" ] || { echo "bench: $BENCH_DIR/$prog missing: run 'make bench'" >&2; exit 1; }
done
LOOP=$BENCH_DIR/loop
NOTIFY_MIN=$BENCH_DIR/notify_min
STARTUP=$BENCH_DIR/startup

have_hybox=1
if [ "$(id -u)" -ne 0 ]; then
	echo "bench: not root: hybox rows are skipped (hybox run needs root)" >&2
	have_hybox=0
elif [ ! -x "$HYBOX" ]; then
	echo "bench: $HYBOX not found: hybox rows are skipped" >&2
	have_hybox=0
fi

T=$(mktemp -d /tmp/hybox-bench.XXXXXX)
trap 'rm -rf "$T"' EXIT INT TERM

# get KEY < line: the value of KEY=... in a key=value line
get() {
	tr ' ' '\n' | sed -n "s/^$1=//p" | head -n 1
}

# run_loop CONFIG ARGS...: one run of the loop program; prints its output line
# (empty on failure, which is recorded).
run_loop() {
	cfg=$1
	shift
	case $cfg in
	native) out=$($PINNED "$LOOP" "$@" 2>"$T/err") ;;
	allow) out=$($PINNED "$LOOP" --allow-all "$@" 2>"$T/err") ;;
	hybox) out=$($PINNED "$HYBOX" run -- "$LOOP" "$@" 2>"$T/err") ;;
	hybox_no_r) out=$($PINNED "$HYBOX" run --policy "$POLICY_NO_R" -- "$LOOP" "$@" 2>"$T/err") ;;
	hybox_no_r_1cpu) out=$($PINCMD "$HYBOX" run --policy "$POLICY_NO_R" -- "$LOOP" "$@" 2>"$T/err") ;;
	notify) out=$("$NOTIFY_MIN" "$2" 2>"$T/err") ;;
	esac
	rc=$?
	out=$(printf '%s\n' "$out" | grep '^mode=' | tail -n 1)
	if [ $rc -ne 0 ] || [ -z "$out" ]; then
		fail "$cfg $* failed (exit $rc): $(tail -n 3 "$T/err")"
		return 1
	fi
	printf '%s\n' "$out"
}

echo "hybox bench: $(uname -r), $(nproc) CPUs, $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "native road: $ROUNDS rounds x $N calls (CPU $PIN); uname: $UROUNDS rounds x $UN calls; start-up: $SN runs each"
echo "file policy: $FROUNDS rounds x $FN calls in $FDIR; sections: $SECTIONS"
echo

# --- 1. native road: native, allow-all and hybox interleaved per round ------
PINNED=$PINCMD
want native && for mode in getpid read_zero; do
	: >"$T/$mode"
	r=0
	while [ $r -lt "$ROUNDS" ]; do
		# Rotate the order so no configuration always runs first.
		case $((r % 3)) in
		0) order="native allow hybox" ;;
		1) order="allow hybox native" ;;
		*) order="hybox native allow" ;;
		esac
		nat=nan allow=nan hy=nan
		for cfg in $order; do
			[ "$cfg" = hybox ] && [ $have_hybox = 0 ] && continue
			v=$(run_loop "$cfg" "$mode" "$N" | get ns_per_call)
			[ -n "$v" ] || v=nan
			case $cfg in native) nat=$v ;; allow) allow=$v ;; hybox) hy=$v ;; esac
		done
		echo "$nat $allow $hy" >>"$T/$mode"
		r=$((r + 1))
	done
done

# --- 2. emulated road: uname in hybox vs the minimal responder --------------
PINNED="" # the supervisor / responder thread is free to run on another CPU
: >"$T/uname"
r=0
want uname || r=$UROUNDS
while [ $r -lt "$UROUNDS" ]; do
	nm=$(run_loop native uname "$UN")
	nf=$(run_loop notify uname "$UN")
	hy=nan
	[ $have_hybox = 1 ] && hy=$(run_loop hybox uname "$UN")
	line=""
	for key in median_ns p99_ns; do
		for res in "$nm" "$nf" "$hy"; do
			v=$(echo "$res" | get $key)
			line="$line ${v:-nan}"
		done
	done
	echo "$line" >>"$T/uname"
	r=$((r + 1))
done

# Throughput with 1, 2 and 8 threads trapping uname at once (hybox only: the
# notify threads serve them in parallel). Lines of $T/uname_mt: calls/s t1 t2 t8.
: >"$T/uname_mt"
r=0
{ want uname && [ $have_hybox = 1 ]; } || r=$UROUNDS
while [ $r -lt "$UROUNDS" ]; do
	line=""
	for t in 1 2 8; do
		v=$(run_loop hybox "uname_t$t" "$UN" | get calls_per_s)
		line="$line ${v:-nan}"
	done
	echo "$line" >>"$T/uname_mt"
	r=$((r + 1))
done

# --- 3. start-up: /bin/true, bwrap, hybox interleaved ------------------------
: >"$T/startup"
if want startup; then
	set -- native /bin/true
	if [ -n "$BWRAP" ]; then
		set -- "$@" :: bwrap "$BWRAP" --ro-bind / / --unshare-all /bin/true
	else
		echo "bench: bwrap not installed: no start-up reference" >&2
	fi
	[ $have_hybox = 1 ] && set -- "$@" :: hybox "$HYBOX" run -- /bin/true
	if ! "$STARTUP" "$SN" "$@" >"$T/startup"; then
		fail "start-up timer failed"
	fi
fi
if grep -Eq '(failures|spawn_errors)=[1-9]' "$T/startup"; then
	fail "some start-up runs failed: $(grep -E '(failures|spawn_errors)=[1-9]' "$T/startup" | tr '\n' ' ')"
fi
su() { # su LABEL KEY
	awk -v l="label=$1" -v k="$2=" '$1 == l { for (i = 2; i <= NF; i++)
		if (index($i, k) == 1) print substr($i, length(k) + 1) }' "$T/startup"
}

# --- 4. file policy: native and hybox with two policies, interleaved ----------
# Per round and mode the configurations run in a rotated order, then the
# notify_min floor once. native, hybox (default policy) and no_r (the no-r
# policy) are unpinned like the uname row: the supervisor thread serving the
# traps may run on any CPU, as in use. no_r_1cpu is the no-r policy with the
# whole container and its supervisor pinned to CPU $PIN: the same work
# without cross-CPU wake-ups. Lines of $T/file_MODE: native hybox no_r
# no_r_1cpu (median ns), then the same four p99 ns; $T/file_floor: notify_min
# median ns, p99 ns.
PINNED=""
FMODES="open_close open_write create_unlink"
for mode in $FMODES floor; do : >"$T/file_$mode"; done
r=0
want file || r=$FROUNDS
while [ $r -lt "$FROUNDS" ]; do
	case $((r % 4)) in
	0) order="native hybox hybox_no_r hybox_no_r_1cpu" ;;
	1) order="hybox hybox_no_r hybox_no_r_1cpu native" ;;
	2) order="hybox_no_r hybox_no_r_1cpu native hybox" ;;
	*) order="hybox_no_r_1cpu native hybox hybox_no_r" ;;
	esac
	for mode in $FMODES; do
		nat="" hy="" nr="" n1=""
		for cfg in $order; do
			[ "$cfg" != native ] && [ $have_hybox = 0 ] && continue
			[ "$cfg" = hybox_no_r_1cpu ] && [ -z "$PINCMD" ] && continue
			res=$(run_loop "$cfg" "$mode" "$FN" "$FDIR")
			case $cfg in
			native) nat=$res ;; hybox) hy=$res ;; hybox_no_r) nr=$res ;; hybox_no_r_1cpu) n1=$res ;;
			esac
		done
		line=""
		for key in median_ns p99_ns; do
			for res in "$nat" "$hy" "$nr" "$n1"; do
				v=$(echo "$res" | get $key)
				line="$line ${v:-nan}"
			done
		done
		echo "$line" >>"$T/file_$mode"
	done
	res=$(run_loop notify uname "$FN")
	v=$(echo "$res" | get median_ns) w=$(echo "$res" | get p99_ns)
	echo "${v:-nan} ${w:-nan}" >>"$T/file_floor"
	r=$((r + 1))
done

# --- report ------------------------------------------------------------------
# awk helpers shared by both tables.
AWKLIB='
function isnum(x) { return x != "" && x != "nan" && x ~ /^-?[0-9.]+$/ }
function q(arr, n, p,    i, j, t, k, b) { # quantile p of arr[1..n] (sorts it)
	if (n == 0) return "nan"
	for (i = 2; i <= n; i++) { t = arr[i]; for (j = i - 1; j >= 1 && arr[j] > t; j--) arr[j + 1] = arr[j]; arr[j + 1] = t }
	k = 1 + p * (n - 1); b = int(k)
	return b >= n ? arr[n] : arr[b] + (k - b) * (arr[b + 1] - arr[b])
}
function col(file, c, out,    n, line, f) { # column c of file into out[], numbers only
	n = 0; delete out
	while ((getline line < file) > 0) { split(line, f, " "); if (isnum(f[c])) out[++n] = f[c] + 0 }
	close(file); return n
}
function pair(file, a, b, op, out,    n, line, f) { # per-round b-a (op "d") or b/a (op "r")
	n = 0; delete out
	while ((getline line < file) > 0) {
		split(line, f, " ")
		if (isnum(f[a]) && isnum(f[b]) && f[a] + 0 > 0) out[++n] = op == "d" ? f[b] - f[a] : f[b] / f[a]
	}
	close(file); return n
}
function med(file, c,    v, n) { n = col(file, c, v); return q(v, n, 0.5) }
function fmt(x, d) { return isnum(x) ? sprintf("%." d "f", x) : "n/a" }
function pad(x, w,    t, k) { t = x; k = gsub(/±/, "", t); return sprintf("%" (w + k) "s", x) } # ± is 2 bytes
'
# Medians over rounds, of the values and of the per-round paired differences.
# The allow-all floor (allow - native) is "resolved" when its median exceeds
# two standard errors of that median, estimated from the spread of the
# per-round differences (SE ~ 1.2533 * (IQR / 1.349) / sqrt(rounds));
# otherwise the extra-cost ratio is printed but not judged.
if want native || want uname || want startup; then
awk -v sn_native="$(su native median_us)" -v sn_bwrap="$(su bwrap median_us)" \
	-v sn_hybox="$(su hybox median_us)" -v bwrap_p10="$(su bwrap p10_us)" \
	-v bwrap_p90="$(su bwrap p90_us)" -v hy_p10="$(su hybox p10_us)" \
	-v hy_p90="$(su hybox p90_us)" -v native_p10="$(su native p10_us)" \
	-v native_p90="$(su native p90_us)" \
	-v fg="$T/getpid" -v fr="$T/read_zero" -v fu="$T/uname" -v sections=" $SECTIONS " "$AWKLIB"'
function row(m, a, b, c, r, t, s) {
	printf "%-37s %s %s %s %13s %7s  %s\n", m, pad(a, 13), pad(b, 13), pad(c, 13), r, t, s
}
function judge(x, lim) { return !isnum(x) ? "n/a" : (x <= lim ? "met" : sprintf("missed (%.1f%% over)", (x / lim - 1) * 100)) }
function se2(v, n) { return n ? 1.86 * (q(v, n, 0.75) - q(v, n, 0.25)) / sqrt(n) : "nan" } # 2 SE of the median
function pm(x, e) { return isnum(x) ? sprintf("%+.1f", x) (isnum(e) ? sprintf("±%.0f", e) : "") : "n/a" }
function native_road(file, name,    v, n, ratio, dA, dH, eA, eH, extra, res) {
	n = pair(file, 1, 3, "r", v); ratio = q(v, n, 0.5)
	n = pair(file, 1, 3, "d", v); dH = q(v, n, 0.5); eH = se2(v, n)
	n = pair(file, 1, 2, "d", v); dA = q(v, n, 0.5); eA = se2(v, n)
	row(name " ns/call (ref: allow-all)", fmt(med(file, 1), 1), fmt(med(file, 2), 1), fmt(med(file, 3), 1),
	    fmt(ratio, 3) " hy/nat", "-", "-")
	extra = (isnum(dA) && isnum(dH) && dA != 0) ? dH / dA : "nan"
	if (!isnum(dA) || !isnum(dH)) res = "n/a"
	else if (dA <= eA) res = sprintf("unresolved: floor %+.1f ns < 2 SE (%.1f ns)", dA, eA)
	else res = judge(extra, 1.2)
	row("  extra ns (hy-nat)/(ref-nat)", "-", pm(dA, eA), pm(dH, eH), fmt(extra, 2) " extra", "<=1.20", res)
}
BEGIN {
	row("measure", "native", "reference", "hybox", "ratio", "target", "result")
	if (index(sections, " native ")) {
		native_road(fg, "getpid")
		native_road(fr, "read_zero")
	}
	if (index(sections, " uname ")) uname_rows()
	if (index(sections, " startup ")) startup_rows()
}
function uname_rows(    n, v, r1, r2) {
	n = pair(fu, 2, 3, "r", v); r1 = q(v, n, 0.5)
	row("uname median ns (ref: notify_min)", fmt(med(fu, 1), 0), fmt(med(fu, 2), 0), fmt(med(fu, 3), 0),
	    fmt(r1, 2) " hy/ref", "<=1.30", judge(r1, 1.3))
	n = pair(fu, 5, 6, "r", v); r2 = q(v, n, 0.5)
	row("uname p99 ns (ref: notify_min)", fmt(med(fu, 4), 0), fmt(med(fu, 5), 0), fmt(med(fu, 6), 0),
	    fmt(r2, 2) " hy/ref", "-", "-")
}
function startup_rows(    r3) {
	r3 = (isnum(sn_bwrap) && isnum(sn_hybox)) ? sn_hybox / sn_bwrap : "nan"
	row("start-up median us (ref: bwrap)", fmt(sn_native, 0), fmt(sn_bwrap, 0), fmt(sn_hybox, 0),
	    fmt(r3, 2) " hy/ref", "<=1.00", judge(r3, 1.0))
	row("  start-up p10..p90 us", fmt(native_p10, 0) ".." fmt(native_p90, 0), fmt(bwrap_p10, 0) ".." fmt(bwrap_p90, 0),
	    fmt(hy_p10, 0) ".." fmt(hy_p90, 0), "", "", "")
}' | sed 's/ *$//'
echo
echo "native = no filter; reference = allow-all filter (1 insn) / notify_min responder / bwrap --ro-bind / / --unshare-all;"
echo "ns/call = median over rounds of each run's median 500-call batch; ratios = median of per-round ratios;"
echo "extra row = median per-round difference vs native in ns, ± its 2 standard errors; 'unresolved' when the"
echo "allow-all floor is not above its own 2 SE. uname p99 = median over rounds of each run's p99."
echo
fi

if want uname && [ $have_hybox = 1 ]; then
awk -v f="$T/uname_mt" "$AWKLIB"'
function ratio(a, b,    v, n, x) { n = pair(f, a, b, "r", v); x = q(v, n, 0.5); return isnum(x) ? fmt(x, 2) "x" : "n/a" }
BEGIN {
	printf "emulated uname throughput (calls/s, all threads): 1 thread %s, 2 threads %s (%s), 8 threads %s (%s)\n",
	       fmt(med(f, 1), 0), fmt(med(f, 2), 0), ratio(1, 2), fmt(med(f, 3), 0), ratio(1, 3)
}'
echo "(medians over rounds; ratios against 1 thread, per round. kernel-emu serves the listener with one"
echo "thread per container CPU, up to 4.)"
echo
fi

# File policy: medians over rounds of each run's median (p99) per iteration;
# ratios are medians of per-round ratios; the floor ratio pairs each round's
# pinned no-r run with that round's notify_min run.
if want file; then
echo "file policy: native, hybox with the default policy, hybox with tests/bench/policy-no-r.json"
awk -v ff="$T/file_" -v fl="$T/file_floor" "$AWKLIB"'
function frow(m, a, b, c, d, e, f, g, h) { printf "%-26s %11s %11s %11s %11s %8s %8s %8s %10s\n", m, a, b, c, d, e, f, g, h }
function cross(fa, ca, fb, cb, out,    n, la, lb, a, b) { # per-round fb[cb] / fa[ca], rounds paired by line
	n = 0; delete out
	while ((getline la < fa) > 0 && (getline lb < fb) > 0) {
		split(la, a, " "); split(lb, b, " ")
		if (isnum(a[ca]) && isnum(b[cb]) && a[ca] + 0 > 0) out[++n] = b[cb] / a[ca]
	}
	close(fa); close(fb); return n
}
function rng(file, c,    v, n) { n = col(file, c, v); return n ? sprintf("%.0f..%.0f", q(v, n, 0), q(v, n, 1)) : "n/a" }
function ratio(file, a, b,    v, n, x) { n = pair(file, a, b, "r", v); x = q(v, n, 0.5); return isnum(x) ? fmt(x, 2) "x" : "n/a" }
function fmode(name, label, traps,    file, v, n, k, rf) {
	file = ff name
	for (k = 0; k <= 4; k += 4) { # k = 0: medians, k = 4: p99
		n = cross(fl, k ? 2 : 1, file, 4 + k, v); rf = q(v, n, 0.5)
		frow((k ? "  p99" : label) " ns", fmt(med(file, 1 + k), 0), fmt(med(file, 2 + k), 0),
		     fmt(med(file, 3 + k), 0), fmt(med(file, 4 + k), 0), ratio(file, 1 + k, 2 + k),
		     ratio(file, 1 + k, 3 + k), ratio(file, 1 + k, 4 + k), isnum(rf) ? fmt(rf / traps, 2) "x" : "n/a")
		if (!k) frow("  run medians min..max", rng(file, 1), rng(file, 2), rng(file, 3), rng(file, 4))
	}
}
BEGIN {
	frow("measure", "native", "default", "no-r", "no-r 1cpu", "def/nat", "no-r/nat", "1cpu/nat", "1cpu/floor")
	fmode("open_close", "open_close (r)", 1)
	fmode("open_write", "open_write (w)", 1)
	fmode("create_unlink", "create_unlink (2 traps)", 2)
	printf "round-trip floor (notify_min uname, same rounds): median %s ns, p99 %s ns\n", fmt(med(fl, 1), 0), fmt(med(fl, 2), 0)
}' | sed 's/ *$//'
echo
echo "default = hybox run (default policy): open_close stays native (expect ~1.0x), open_write and"
echo "create_unlink trap; no-r = hybox run --policy tests/bench/policy-no-r.json: every open traps;"
echo "no-r 1cpu = the same pinned to CPU $PIN (no cross-CPU wake-ups). median ns = median over rounds of"
echo "each run's median iteration (open+close; create+close+unlink); ratios = median of per-round ratios;"
echo "1cpu/floor = pinned no-r time / traps per iteration / notify_min median of the same round;"
echo "min..max = spread of the per-run medians over rounds."
echo
fi

# --- the container's views: /proc/meminfo over FUSE, emulated sysinfo(2) ------
# Per round: native then hybox (order alternating), each mode; lines of
# $T/views_MODE: native median, hybox median, native p99, hybox p99 (ns).
if want views && [ "$have_hybox" = 1 ]; then
	VMODES="read_meminfo sysinfo"
	for mode in $VMODES; do : >"$T/views_$mode"; done
	r=0
	while [ $r -lt "$VROUNDS" ]; do
		for mode in $VMODES; do
			if [ $((r % 2)) = 0 ]; then
				nat=$(run_loop native "$mode" "$VN" "$FDIR") hy=$(run_loop hybox "$mode" "$VN" "$FDIR")
			else
				hy=$(run_loop hybox "$mode" "$VN" "$FDIR") nat=$(run_loop native "$mode" "$VN" "$FDIR")
			fi
			line=""
			for key in median_ns p99_ns; do
				for res in "$nat" "$hy"; do
					v=$(echo "$res" | get $key)
					line="$line ${v:-nan}"
				done
			done
			echo "$line" >>"$T/views_$mode"
		done
		r=$((r + 1))
	done
	echo "container views: $VROUNDS rounds x $VN calls; native = the host's file/syscall, hybox = the view"
	awk -v vf="$T/views_" "$AWKLIB"'
function vrow(m, a, b, c, d, e, f) { printf "%-34s %10s %10s %8s %10s %10s %8s\n", m, a, b, c, d, e, f }
function ratio(file, a, b,    v, n, x) { n = pair(file, a, b, "r", v); x = q(v, n, 0.5); return isnum(x) ? fmt(x, 2) "x" : "n/a" }
function vmode(name, label,    file) {
	file = vf name
	vrow(label, fmt(med(file, 1), 0), fmt(med(file, 2), 0), ratio(file, 1, 2),
	     fmt(med(file, 3), 0), fmt(med(file, 4), 0), ratio(file, 3, 4))
}
BEGIN {
	vrow("measure", "native ns", "hybox ns", "ratio", "nat p99", "hybox p99", "ratio")
	vmode("read_meminfo", "/proc/meminfo open+read+close")
	vmode("sysinfo", "sysinfo(2)")
}' | sed 's/ *$//'
	echo "/proc/meminfo inside is kernel-emu's FUSE view (a snapshot per open); sysinfo(2) is emulated"
	echo "(one seccomp round trip). Ratios: medians of per-round ratios."
	echo
fi

# --- real workloads on the native road: gcc and a python3 syscall loop ---------
# Each timed inside its own environment (hybox's start-up excluded: a shell
# prints the elapsed ns around the work): gcc -O2 compiling a generated
# 2000-line C file (read from stdin, objects to /dev/null, TMPDIR=/dev/shm),
# and python3 making 10^6 getppid calls. Native and hybox interleaved, the
# order alternating per round; ratio = median of per-round hybox / native.
# The compile also runs with exec/fork/exit events and with --trace-syscalls
# to a file: their ratios are against hybox without events.
WROUNDS=${BENCH_WORKLOAD_ROUNDS:-5}
gen_c_source() { # 2000 lines: 100 functions of 20 lines
	awk 'BEGIN { for (f = 0; f < 100; f++) {
		printf "int f%d(int *a, int n)\n{\n\tint s = %d;\n", f, f
		for (i = 0; i < 14; i++) printf "\tfor (int i = 0; i < n; i++) s += a[i] * %d ^ (s >> %d);\n", i + f, i % 7
		printf "\treturn s;\n}\n\n" } }'
}
GCC_SNIPPET='t0=$(date +%s%N); TMPDIR=/dev/shm gcc -O2 -x c -c -o /dev/null - <"$0" || exit 1; t1=$(date +%s%N); echo $((t1 - t0))'
PY_SNIPPET='import os, time
t = time.perf_counter_ns()
for _ in range(1000000): os.getppid()
print(time.perf_counter_ns() - t)'
workload_run() { # CONFIG gcc|python: prints elapsed ns
	case $1:$2 in
	native:gcc) sh -c "$GCC_SNIPPET" "$T/work.c" ;;
	hybox:gcc) "$HYBOX" run -- sh -c "$GCC_SNIPPET" /dev/stdin <"$T/work.c" 2>"$T/err" |
		tail -n 1 ;;
	life:gcc) "$HYBOX" run --events "$T/work.jsonl" -- sh -c "$GCC_SNIPPET" /dev/stdin \
		<"$T/work.c" 2>"$T/err" | tail -n 1 ;;
	traced:gcc) "$HYBOX" run --trace-syscalls --events-ring-size 16M --events "$T/work.jsonl" \
		-- sh -c "$GCC_SNIPPET" /dev/stdin <"$T/work.c" 2>"$T/err" | tail -n 1 ;;
	native:python) python3 -c "$PY_SNIPPET" ;;
	hybox:python) "$HYBOX" run -- python3 -c "$PY_SNIPPET" 2>"$T/err" ;;
	esac
}
if want workload && [ "$have_hybox" = 1 ] && command -v gcc >/dev/null && command -v python3 >/dev/null; then
	gen_c_source >"$T/work.c"
	for w in gcc python; do : >"$T/work_$w"; done
	for r in $(seq "$WROUNDS"); do
		for w in gcc python; do
			if [ $((r % 2)) = 0 ]; then
				a=$(workload_run native $w) b=$(workload_run hybox $w)
			else
				b=$(workload_run hybox $w) a=$(workload_run native $w)
			fi
			c=nan d=nan
			if [ $w = gcc ]; then # telemetry's cost on the same compile
				c=$(workload_run life gcc) d=$(workload_run traced gcc)
				rm -f "$T/work.jsonl"
			fi
			echo "${a:-nan} ${b:-nan} ${c:-nan} ${d:-nan}" >>"$T/work_$w"
		done
	done
	echo "real workloads on the native road: $WROUNDS rounds, ms (median over rounds)"
	awk -v wf="$T/work_" "$AWKLIB"'
function ratio(file, a, b,    v, n, x) { n = pair(file, a, b, "r", v); x = q(v, n, 0.5); return x }
function wrow(name, label,    f, x) {
	f = wf name; x = ratio(f, 1, 2)
	printf "  %-42s native %8s  hybox %8s  %6sx  target <= 1.03: %s\n", label, fmt(med(f, 1) / 1e6, 1),
	       fmt(med(f, 2) / 1e6, 1), fmt(x, 3), !isnum(x) ? "n/a" : x <= 1.03 ? "met" : "missed"
}
BEGIN {
	wrow("gcc", "gcc -O2 -c, 2000-line C file")
	wrow("python", "python3, 10^6 getppid calls")
	f = wf "gcc"
	printf "  gcc with exec/fork/exit events %s ms (%sx hybox; target <= 1.02), with --trace-syscalls %s ms (%sx)\n",
	       fmt(med(f, 3) / 1e6, 1), fmt(ratio(f, 2, 3), 3), fmt(med(f, 4) / 1e6, 1), fmt(ratio(f, 2, 4), 3)
}'
	echo
fi

# --- seccomp action cache ------------------------------------------------------
if ! want cache; then
	:
elif [ -e /proc/self/seccomp_cache ]; then
	if [ $have_hybox = 1 ]; then
		"$HYBOX" run -- /bin/sleep 3 >/dev/null 2>&1 &
		hpid=$!
		sleep 1
		# Find the sleep inside the sandbox among hybox's descendants.
		pids=$hpid target=""
		while [ -n "$pids" ] && [ -z "$target" ]; do
			next=""
			for p in $pids; do
				[ "$(cat /proc/"$p"/comm 2>/dev/null)" = sleep ] && target=$p
				next="$next $(cat /proc/"$p"/task/*/children 2>/dev/null)"
			done
			pids=$(echo "$next" | xargs)
		done
		if [ -n "$target" ] && cached=$(awk '$1 == "x86_64" && $3 == "ALLOW" { print $2 }' \
			"/proc/$target/seccomp_cache" 2>/dev/null) && [ -n "$cached" ]; then
			echo "seccomp action cache (CONFIG_SECCOMP_CACHE_DEBUG): $(echo "$cached" | wc -l) x86_64 syscalls" \
				"are allowed from the cache inside hybox; not cached (decided by running the filter:"
			echo "emulated, denied, and native-with-argument-checks alike), by number:"
			max=$(echo "$cached" | sort -n | tail -n 1)
			echo "$cached" | sort -n | awk -v max="$max" '{ c[$1] = 1 }
				END { for (i = 0; i <= max; i++) if (!(i in c)) printf "%d ", i; print "" }' | fold -s -w 78
		else
			echo "seccomp action cache: /proc/PID/seccomp_cache exists but could not be read for the sandboxed task"
		fi
		wait $hpid 2>/dev/null
	fi
else
	echo "seccomp action cache: /proc/PID/seccomp_cache does not exist on this kernel"
	echo "(CONFIG_SECCOMP_CACHE_DEBUG is not set), so it cannot be inspected. From the generated"
	echo "filter: ioctl, clone, unshare carry argument checks and are therefore outside the action"
	echo "cache, and so do open and openat where the files policy takes the emulated road and grants"
	echo "r everywhere (their flags choose native or trap); every other native syscall is decided on"
	echo "nr alone (getpid and read included) - checked on the generated program by"
	echo "test_seccomp_native_stays_in_action_cache (make check)."
fi

# --- OCI lifecycle: hybox, crun and runc on one bundle ---------------------------
# One busybox bundle (build/bench/oci-bundle: scripts/mkrootfs.sh + `hybox
# spec`, args ["/bin/true"]), and per runtime two commands, all timed by the
# start-up timer in one interleaved round-robin (OCI_N runs each, after one
# warm-up run each):
#  run   `RT --root R run --bundle B ID`: create + start + wait + delete in one
#        (runc's verb; hybox takes runc's form, docs/oci.md);
#  life  `RT create --bundle B ID`, `RT start ID`, `RT state ID` until it reads
#        "stopped", `RT delete ID`: the four calls an engine makes. The wait
#        polls `state` (without a pause: one exec per poll, counted in the time,
#        polls per run printed) because that is what OCI offers every runtime
#        alike; hybox records "stopped" only once its supervisor has torn the
#        container down, so its first poll may see "running".
# bwrap (--ro-bind of the same rootfs, --unshare-all, /bin/true) is the floor.
# Every runtime has its own --root under $T and every run its own id
# ({run} is the run number). runc and crun are Debian packages, measured when
# installed and never installed here. crun 1.8.1 refuses a hybrid cgroup
# layout ("cgroups in hybrid mode not supported, drop all controllers from
# cgroupv2": v1 hierarchies plus cgroup2 on /sys/fs/cgroup/unified, as this
# host has). In a private mount namespace without that cgroup2 mount it sees
# plain cgroup v1 and runs; the timer makes that namespace once (--unmount)
# and enters it around crun's runs, outside the timed part, so crun pays no
# extra unshare/sh exec per call as `unshare -m sh -c 'umount ...; exec crun'`
# would. Afterwards no state directory nor cgroup of ours may be left: what
# is left is counted as a failure and removed (delete --force, rmdir).
OCI_N=${BENCH_OCI_N:-30}
OCI_BUNDLE=$BENCH_DIR/oci-bundle
OCI_ID=bench-oci-$$
OCI_UNIFIED=/sys/fs/cgroup/unified

oci_bundle() {
	"$ROOT/scripts/mkrootfs.sh" "$OCI_BUNDLE/rootfs" >/dev/null || return 1
	rm -f "$OCI_BUNDLE/config.json"
	"$HYBOX" spec --bundle "$OCI_BUNDLE" || return 1
	sed -i '/"args": \[/{n;s|"sh"|"/bin/true"|}' "$OCI_BUNDLE/config.json"
	grep -q '"/bin/true"' "$OCI_BUNDLE/config.json"
}

# oci_unmount NAME: the timer's --unmount option NAME needs (crun on a hybrid host).
oci_unmount() {
	[ "$1" = crun ] && mountpoint -q "$OCI_UNIFIED" && echo "--unmount $OCI_UNIFIED"
}

# oci_args NAME BINARY: the timer's two commands (run, life) for one runtime.
oci_args() {
	local rt="$2 --root $T/oci/$1" ns id=$OCI_ID-$1
	ns=$(oci_unmount "$1")
	echo ":: $1-run $ns $rt run --bundle $OCI_BUNDLE $id-run-{run}"
	echo ":: $1-life $ns $rt create --bundle $OCI_BUNDLE $id-life-{run} + $rt start $id-life-{run}" \
		"+ until stopped $rt state $id-life-{run} + $rt delete $id-life-{run}"
}

# oci_leftovers NAME BINARY: count and remove what NAME's runs left behind.
oci_leftovers() {
	local d id left=""
	for d in "$T/oci/$1"/*; do
		[ -d "$d" ] || continue
		id=${d##*/}
		left="$left $id"
		if [ -n "$(oci_unmount "$1")" ]; then
			unshare -m sh -c 'umount "$0"; exec "$@"' "$OCI_UNIFIED" \
				"$2" --root "$T/oci/$1" delete --force "$id" >/dev/null 2>&1
		else
			"$2" --root "$T/oci/$1" delete --force "$id" >/dev/null 2>&1
		fi
	done
	[ -z "$left" ] || fail "oci: $1 left containers behind:$left"
}

oci() {
	local name bin cg missing=""
	set -f # the arguments below are split on spaces, never globbed
	set --
	for name in hybox crun runc; do
		bin=$HYBOX
		[ $name = hybox ] || bin=$(command -v $name 2>/dev/null)
		if [ -z "$bin" ]; then
			missing="$missing  $name: not installed (apt-get install $name)\n"
			continue
		fi
		set -- "$@" $(oci_args $name "$bin")
	done
	[ -n "$BWRAP" ] && set -- "$@" :: bwrap "$BWRAP" --ro-bind "$OCI_BUNDLE/rootfs" / --unshare-all /bin/true
	shift # the first "::"
	set +f
	mkdir -p "$T/oci"
	"$STARTUP" "$OCI_N" "$@" >"$T/oci.out" </dev/null || fail "oci: the start-up timer failed"
	if grep -Eq '(failures|spawn_errors)=[1-9]' "$T/oci.out"; then
		fail "oci: some runs failed: $(grep -E '(failures|spawn_errors)=[1-9]' "$T/oci.out" | tr '\n' ' ')"
	fi
	for name in hybox crun runc; do
		bin=$HYBOX
		[ $name = hybox ] || bin=$(command -v $name 2>/dev/null) || continue
		oci_leftovers $name "$bin"
	done
	for cg in $(find /sys/fs/cgroup -maxdepth 4 -type d -name "$OCI_ID-*" 2>/dev/null); do
		fail "oci: cgroup left behind: $cg"
		rmdir "$cg" 2>/dev/null
	done
	rm -rf "$T/oci"

	echo "oci: /bin/true in one busybox bundle (build/bench/oci-bundle), $OCI_N runs each, interleaved; ms"
	awk -v f="$T/oci.out" -v missing="$missing" "$AWKLIB"'
function v(label, key) { return (label SUBSEP key) in val ? val[label, key] : "nan" }
function ms(label,    m) { m = v(label, "median_us"); return isnum(m) ? m / 1000 : "nan" }
function cell(label) {
	if (!isnum(v(label, "median_us"))) return "n/a"
	return sprintf("%.1f (%.1f..%.1f)", ms(label), v(label, "p10_us") / 1000, v(label, "p90_us") / 1000)
}
function ratio(a, b) { return isnum(a) && isnum(b) && b > 0 ? a / b : "nan" }
function judge(x, lim, up) { return !isnum(x) ? "n/a" : (up ? x >= lim : x <= lim) ? "met" : "missed" }
function verb(kind, label) {
	printf "  %-40s %18s %18s %18s\n", label, cell("hybox-" kind), cell("crun-" kind), cell("runc-" kind)
}
function summary(kind, label,    hc, rh) {
	hc = ratio(ms("hybox-" kind), ms("crun-" kind)); rh = ratio(ms("runc-" kind), ms("hybox-" kind))
	printf "  %-15s hybox/crun %s (target <= 1.00: %s), runc/hybox %s (target >= 3.0: %s)\n", label,
	       fmt(hc, 2), judge(hc, 1.0, 0), fmt(rh, 2), judge(rh, 3.0, 1)
}
BEGIN {
	while ((getline line < f) > 0) { # label=L key=value...
		n = split(line, a, " ")
		for (i = 2; i <= n; i++) { k = index(a[i], "="); val[substr(a[1], 7), substr(a[i], 1, k - 1)] = substr(a[i], k + 1) }
	}
	printf "  %-40s %18s %18s %18s\n", "median (p10..p90)", "hybox", "crun", "runc"
	verb("run", "run --bundle B ID")
	verb("life", "create+start+state..stopped+delete")
	printf "  %-40s %18s %18s %18s\n", "  state polls per lifecycle", fmt(v("hybox-life", "polls_per_run"), 2),
	       fmt(v("crun-life", "polls_per_run"), 2), fmt(v("runc-life", "polls_per_run"), 2)
	b = v("bwrap", "median_us")
	if (isnum(b)) printf "  bwrap --ro-bind rootfs / --unshare-all /bin/true (floor): %s; hybox run / bwrap %s\n",
	                     cell("bwrap"), fmt(ratio(ms("hybox-run"), ms("bwrap")), 2)
	else print "  bwrap: not installed (apt-get install bubblewrap): no floor"
	printf "%s", missing
	summary("run", "run:")
	summary("life", "create..delete:")
}'
	echo "(ratios of medians; crun runs in a private mount namespace without $OCI_UNIFIED when that is"
	echo "mounted (crun 1.8.1 refuses hybrid cgroups); each run its own id and --root per runtime)"
}
if want oci && [ "$have_hybox" = 1 ]; then
	echo
	if oci_bundle; then
		oci
	else
		fail "oci: could not build the bundle $OCI_BUNDLE"
	fi
fi

# --- cri: a Kubernetes pod's life through containerd's CRI, hybox vs runc ---------
# A private containerd with its CRI plugin and two runtime handlers, runc (the
# default) and hybox (tests/lib/containerd.sh, as tests/priv/82-cri.sh), driven
# by tests/bench/cri_bench.py: BENCH_CRI_N (default 10) rounds per handler,
# interleaved, of a hostNetwork pod running /bin/true. Needs containerd, runc
# and python3-grpcio; the section is skipped (and says why) without them.
CRI_N=${BENCH_CRI_N:-10}
. "$ROOT/tests/lib/containerd.sh"

cri_missing() {
	for t in containerd ctr runc; do
		command -v $t >/dev/null 2>&1 || { echo "$t is not installed"; return; }
	done
	/usr/bin/python3 -c 'import grpc' 2>/dev/null || echo "no python3-grpcio"
}

# cri_images D: a busybox image and a pause image (its command /pause) in
# containerd's k8s.io namespace.
cri_images() {
	"$ROOT/scripts/mkrootfs.sh" "$1/rootfs" >/dev/null || return 1
	printf '#!/bin/sh\ntrap "exit 0" TERM INT\nwhile :; do sleep 1000 & wait; done\n' >"$1/rootfs/pause"
	chmod +x "$1/rootfs/pause"
	"$ROOT/scripts/mkociimage.sh" "$1/rootfs" "$1/image.tar" hybox.bench/busybox:1 >/dev/null &&
		"$ROOT/scripts/mkociimage.sh" "$1/rootfs" "$1/pause.tar" hybox.bench/pause:1 /pause >/dev/null &&
		ctr -a "$1/sock" -n k8s.io images import "$1/image.tar" >/dev/null &&
		ctr -a "$1/sock" -n k8s.io images import "$1/pause.tar" >/dev/null
}

cri_table() {
	awk -v f="$1" "$AWKLIB"'
function v(label, key) { return (label SUBSEP key) in val ? val[label, key] : "nan" }
function cell(label) {
	if (!isnum(v(label, "median_us"))) return "n/a"
	return sprintf("%.1f (%.1f..%.1f)", v(label, "median_us") / 1000, v(label, "p10_us") / 1000, v(label, "p90_us") / 1000)
}
function row(p, label,    r) {
	r = isnum(v("hybox-" p, "median_us")) && v("runc-" p, "median_us") > 0 ? v("hybox-" p, "median_us") / v("runc-" p, "median_us") : "nan"
	printf "  %-44s %20s %20s %8s\n", label, cell("hybox-" p), cell("runc-" p), fmt(r, 2)
}
BEGIN {
	while ((getline line < f) > 0) {
		n = split(line, a, " ")
		for (i = 2; i <= n; i++) { k = index(a[i], "="); val[substr(a[1], 7), substr(a[i], 1, k - 1)] = substr(a[i], k + 1) }
	}
	printf "  %-44s %20s %20s %8s\n", "median (p10..p90), ms", "hybox", "runc", "h/r"
	row("pod", "RunPodSandbox (the pause container)")
	row("ctr", "CreateContainer+StartContainer..EXITED")
	row("rm", "StopPodSandbox+RemovePodSandbox")
	row("total", "the whole pod")
	printf "  failed rounds: hybox %s, runc %s\n", v("hybox-total", "failures"), v("runc-total", "failures")
}'
}

cri_section() {
	D=$T/cri
	mkdir -p "$D/cni" "$D/logs"
	containerd_cri_config "$D" "$D/sock" hybox.bench/pause:1 "$HYBOX" "$D/cni" >"$D/config.toml"
	containerd --config "$D/config.toml" >"$D/containerd.log" 2>&1 &
	CTRD=$!
	i=0
	until ctr -a "$D/sock" version >/dev/null 2>&1 || [ $i -ge 100 ]; do sleep 0.1; i=$((i + 1)); done
	if cri_images "$D" && /usr/bin/python3 "$ROOT/tests/bench/cri_bench.py" "$D/sock" \
		hybox.bench/busybox:1 "$D/logs" "$CRI_N" hybox runc >"$T/cri.out" 2>"$T/cri.err"; then
		echo "cri: a hostNetwork pod running /bin/true through containerd's CRI, handler hybox vs runc,"
		echo "$CRI_N rounds each, interleaved (tests/bench/cri_bench.py; the kubelet's calls)"
		cri_table "$T/cri.out"
	else
		fail "cri: $(tail -n 1 "$T/cri.err" 2>/dev/null)"
	fi
	containerd_teardown "$CTRD" "$D/sock" "$D"
	[ -z "$(ls "$D/hybox/k8s.io" 2>/dev/null)" ] || fail "cri: hybox state left behind in $D/hybox/k8s.io"
	rm -rf "$D"
}
if want cri && [ "$have_hybox" = 1 ]; then
	echo
	why=$(cri_missing)
	if [ -n "$why" ]; then
		echo "cri: skipped: $why"
	else
		cri_section
	fi
fi

# --- telemetry: the cost of events, and how many the exporter sustains ------------
# One getpid loop (TN calls, TROUNDS rounds, configurations interleaved):
# native; in hybox without events; with exec/fork/exit telemetry to a file
# (--events: BPF sched programs, a few events per run); with --trace-syscalls
# (one event per call through BPF ring -> consumer -> JSON Lines -> file, a
# 16 MiB ring), and the same without a sink (produced and counted, not
# encoded: the producer's share). mean ns per call (total / calls: every call pays its event).
# producer+exporter ns/event = traced - plain; sustained events/s = 1e9 /
# traced ns when the run lost nothing (the exporter kept up with a producer
# that ran flat out), else the loss is printed.
TROUNDS=${BENCH_TELEMETRY_ROUNDS:-7}
TN=${BENCH_TELEMETRY_N:-200000}

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }

telemetry_run() { # CONFIG: prints mean_ns (and records events/lost for traced)
	local ev=$T/tel.jsonl out
	rm -f "$ev"
	case $1 in
	native) out=$($PINNED "$LOOP" getpid "$TN" 2>"$T/err") ;;
	plain) out=$($PINNED "$HYBOX" run -- "$LOOP" getpid "$TN" 2>"$T/err") ;;
	life) out=$($PINNED "$HYBOX" run --events "$ev" -- "$LOOP" getpid "$TN" 2>"$T/err") ;;
	traced) out=$($PINNED "$HYBOX" run --trace-syscalls --events-ring-size 16M --events "$ev" \
		-- "$LOOP" getpid "$TN" 2>"$T/err") ;;
	produced) out=$($PINNED "$HYBOX" run --trace-syscalls --events-ring-size 16M \
		-- "$LOOP" getpid "$TN" 2>"$T/err") ;;
	esac || { fail "telemetry $1 failed: $(tail -n 3 "$T/err")"; return 1; }
	if [ "$1" = traced ]; then
		grep -c '"kind":"syscall"' "$ev" >>"$T/tel_events"
		{ grep '"kind":"lost"' "$ev" | sed -n 's/.*"count":\([0-9]*\).*/\1/p'; echo 0; } |
			awk '{ s += $1 } END { print s }' >>"$T/tel_lost"
	fi
	printf '%s\n' "$out" | grep '^mode=' | get mean_ns
}

telemetry() {
	local r c
	: >"$T/tel_events"
	: >"$T/tel_lost"
	for c in native plain life produced traced; do : >"$T/tel_$c"; done
	for r in $(seq "$TROUNDS"); do
		for c in native plain life produced traced; do
			telemetry_run "$c" >>"$T/tel_$c" || return
		done
	done
	for c in native plain life produced traced; do eval "m_$c=\$(median <\"\$T/tel_$c\")"; done
	lost=$(awk '{ s += $1 } END { print s }' "$T/tel_lost")
	events=$(median <"$T/tel_events")
	echo "telemetry: $TROUNDS rounds x $TN getpid calls, mean ns/call (median over rounds)"
	printf '  native %s, hybox %s, + exec/fork/exit events %s (%.3fx hybox; target <= 1.02x)\n' \
		"$m_native" "$m_plain" "$m_life" "$(echo "$m_life $m_plain" | awk '{ print $1 / $2 }')"
	printf '  + --trace-syscalls, no sink %s: %.0f ns per event produced (BPF sys_enter/exit, ring) and\n    consumed (counted, not encoded); a bare getpid in hybox costs %s ns\n' \
		"$m_produced" "$(echo "$m_produced $m_plain" | awk '{ print $1 - $2 }')" "$m_plain"
	printf '  + --trace-syscalls %s (%.2fx hybox): %.0f ns per event produced, encoded and written\n' \
		"$m_traced" "$(echo "$m_traced $m_plain" | awk '{ print $1 / $2 }')" \
		"$(echo "$m_traced $m_plain" | awk '{ print $1 - $2 }')"
	if [ "$lost" = 0 ]; then
		printf '  sustained: %.0f events/s end to end (BPF -> ring -> JSON Lines file), 0 lost; %s syscall events per run\n' \
			"$(echo "$m_traced" | awk '{ print 1e9 / $1 }')" "$events"
	else
		echo "  the exporter did not keep up: $lost events lost over $TROUNDS runs (reported in lost events)"
	fi
}
if want telemetry && [ "$have_hybox" = 1 ]; then
	echo
	telemetry
fi

# --- checkpoint: dump and restore of a container's memory, next to ceilings -------
# A container holds CK_MIB MiB of touched anonymous memory (build/bench/ckpt_mem,
# which prints "ready" and then sleeps in 1 ms ticks). Per round and state:
#  dump     `hybox checkpoint --image DIR` timed by ckpt_mem --wall (fork, exec,
#           wait), and the frozen time it reports on its summary line; the image's
#           size on disk (du -k; the image lives in $T under /tmp, as the
#           ceiling's files do).
#  restore  `hybox restore` started by ckpt_mem --stamp, which prints
#           CLOCK_REALTIME and execs it; the restored program prints its own
#           CLOCK_REALTIME (resumed_ns) on its first 1 ms tick after a gap in
#           that clock (its freeze). Restore time = resumed_ns - stamp_ns: from
#           the exec of hybox restore to the restored process executing its own
#           code again, read from one clock that the container's time namespace
#           does not shift, with no polling in the measurement (at most the
#           ~1 ms tick, plus a wake-up, too long). Then `hybox kill NEWID USR2`:
#           the program checks every word and must print PASS, hybox restore
#           must exit 0; that part is not timed.
#  ceiling  build/bench/ckpt_ceiling CK_MIB $T STATE: process_vm_readv of the
#           same amount between pre-faulted buffers, crc32c, write(2) to a new
#           file (page cache; no fsync) and the same write again over the cached
#           file, the dump's loop done serially (readv + crc32c + write), a read
#           into fresh memory, and the restore's shape (crc32c check pass, then
#           pread + process_vm_writev into fresh pages of another process).
# States: on a VM with free page reporting (virtio-balloon, as this
# Firecracker guest has) memory freed a short while ago (~2 s) is still backed
# by the host, while free blocks of 2 MiB and more that the guest has reported
# fault on the host at their first touch, ~10x slower for THP and page-cache
# large folios: enough to make a dump 2-3x slower. So every timed step that
# allocates (the dump and the restore; the ceiling's write, dump loop, read
# into fresh memory and restore shape) runs in a given state. "warm" (the
# default): right before it, 2 x CK_MIB MiB of THP memory is touched and
# freed (ckpt_ceiling --prewarm), so that it gets memory the host backs, as
# on bare metal; hybox and the ceilings then compare like for like. "cold":
# it starts CK_SETTLE seconds (BENCH_CKPT_SETTLE, default 10) after the last
# free, as after an idle while. Cold is not one state: smaller free fragments
# are never reported, and how much of a step's memory comes from them
# depends on what ran before, so cold figures vary 2-4x between runs and
# between hybox and the ceilings (which allocate more first); its ratios
# compare histories, not code. BENCH_CKPT_STATES="warm cold" runs both (about
# 4.5 min with the defaults, against 1 min for warm). The ceiling runs before
# hybox in odd rounds, after it in even ones. MB/s = MiB * 1.048576 / seconds;
# ratios are medians of per-round ratios. Everything a round starts (the
# containers, both hybox processes, the image) is removed at the end of the
# round, and by ckpt_cleanup if the script ends early.
CK_MIB=${BENCH_CKPT_MIB:-1024}
CK_ROUNDS=${BENCH_CKPT_ROUNDS:-3}
CK_SETTLE=${BENCH_CKPT_SETTLE:-10}
CK_STATES=${BENCH_CKPT_STATES:-warm}
CKPT_MEM=$BENCH_DIR/ckpt_mem
CKPT_CEIL=$BENCH_DIR/ckpt_ceiling
CK_IDS="" CK_PIDS="" CK_IMG=$T/ckpt-image

ckpt_cleanup() {
	local id p
	for id in $CK_IDS; do "$HYBOX" kill --all "$id" KILL >/dev/null 2>&1; done
	for p in $CK_PIDS; do kill -KILL "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
	rm -rf "$CK_IMG"
	CK_IDS="" CK_PIDS=""
}

# ck_wait PID SECONDS: wait for the background job PID; returns its status, or
# 124 after SECONDS (the job is then killed).
ck_wait() {
	local n=0
	while kill -0 "$1" 2>/dev/null; do
		if [ $n -ge $(($2 * 10)) ]; then
			kill -KILL "$1" 2>/dev/null
			wait "$1" 2>/dev/null
			return 124
		fi
		sleep 0.1
		n=$((n + 1))
	done
	wait "$1"
}

# ck_line FILE PATTERN PID SECONDS: wait until FILE has a line matching PATTERN
# (0), job PID ended first (1) or SECONDS passed (124).
ck_line() {
	local n=0
	until grep -q "$2" "$1" 2>/dev/null; do
		kill -0 "$3" 2>/dev/null || { grep -q "$2" "$1" 2>/dev/null; return; }
		[ $n -ge $(($4 * 10)) ] && return 124
		sleep 0.1
		n=$((n + 1))
	done
}

# ck_prep STATE: put the memory in STATE before a timed step (see above).
ck_prep() {
	if [ "$1" = warm ]; then
		"$CKPT_CEIL" --prewarm $((CK_MIB * 2)) || fail "checkpoint: ckpt_ceiling --prewarm failed"
	else
		sleep "$CK_SETTLE"
	fi
}

# ck_abort MESSAGE FIGURES: a failed round: MESSAGE recorded, FIGURES (with
# nan for what was not measured) appended to ckpt_round's $hy, processes ended.
ck_abort() {
	fail "$1"
	echo "$2" >>"$hy"
	ckpt_cleanup
}

# ckpt_round R STATE: one run, checkpoint and restore; appends "dump_wall_ns
# frozen_ns restore_ns image_kib pages_mib" to $T/ckpt_hy_STATE (nan for what
# failed, which is recorded) and "pass" to $T/ckpt_pass_STATE if the restored
# program passed its check.
ckpt_round() {
	local id rid run_pid rst_pid rc wall summary frozen pages kib t0 t1 rst hy
	id=bench-ckpt-$$-$1-$2
	rid=$id-restored
	hy=$T/ckpt_hy_$2
	CK_IDS="$id $rid"
	rm -rf "$CK_IMG"
	"$HYBOX" run --id "$id" -- "$CKPT_MEM" "$CK_MIB" >"$T/ck_run.out" 2>"$T/ck_run.err" &
	run_pid=$!
	CK_PIDS=$run_pid
	if ! ck_line "$T/ck_run.out" '^ready$' "$run_pid" 120; then
		ck_abort "checkpoint: round $1 ($2): ckpt_mem did not get ready in hybox run: $(tail -q -n 3 "$T/ck_run.out" "$T/ck_run.err")" "nan nan nan nan nan"
		return 1
	fi
	sleep 0.2 # into its sleeping loop
	ck_prep "$2"
	"$CKPT_MEM" --wall "$HYBOX" checkpoint --image "$CK_IMG" "$id" >"$T/ck_dump.out" 2>"$T/ck_dump.err"
	rc=$?
	if [ $rc -ne 0 ]; then
		ck_abort "checkpoint: round $1 ($2): hybox checkpoint exited $rc: $(tail -n 3 "$T/ck_dump.err")" "nan nan nan nan nan"
		return 1
	fi
	ck_wait "$run_pid" 30
	rc=$?
	[ $rc -eq 137 ] || fail "checkpoint: round $1 ($2): the checkpointed hybox run exited $rc, not 137"
	wall=$(get wall_ns <"$T/ck_dump.out")
	summary=$(tr '\r' '\n' <"$T/ck_dump.err" | grep '^hybox checkpoint: .* process.*frozen' | tail -n 1)
	frozen=$(printf '%s\n' "$summary" | sed -n 's/.*frozen \([0-9.]*\) ms.*/\1/p' |
		awk '{ printf "%.0f", $1 * 1e6 }')
	pages=$(printf '%s\n' "$summary" | sed -n 's/.* \([0-9.]*\) MiB of pages.*/\1/p')
	kib=$(du -sk "$CK_IMG" 2>/dev/null | cut -f 1)

	ck_prep "$2" # the container's memory was freed when it ended
	"$CKPT_MEM" --stamp "$HYBOX" restore --image "$CK_IMG" --id "$rid" >"$T/ck_rst.out" 2>"$T/ck_rst.err" &
	rst_pid=$!
	CK_PIDS=$rst_pid
	if ! ck_line "$T/ck_rst.out" '^resumed_ns=' "$rst_pid" 120; then
		ck_abort "checkpoint: round $1 ($2): the restored program did not run again: $(tail -q -n 3 "$T/ck_rst.out" "$T/ck_rst.err")" "${wall:-nan} ${frozen:-nan} nan ${kib:-nan} ${pages:-nan}"
		return 1
	fi
	"$HYBOX" kill "$rid" USR2 >/dev/null 2>"$T/err" || fail "checkpoint: round $1 ($2): hybox kill $rid USR2: $(cat "$T/err")"
	ck_wait "$rst_pid" 120
	rc=$?
	if [ $rc -ne 0 ] || ! grep -q '^PASS ckpt_mem' "$T/ck_rst.out"; then
		fail "checkpoint: round $1 ($2): hybox restore exited $rc; the restored program: $(grep -v '^resumed_ns=\|^stamp_ns=' "$T/ck_rst.out" | tail -n 2) $(tail -n 2 "$T/ck_rst.err")"
	else
		echo pass >>"$T/ckpt_pass_$2"
	fi
	t0=$(get stamp_ns <"$T/ck_rst.out")
	t1=$(get resumed_ns <"$T/ck_rst.out")
	rst=nan
	[ -n "$t0" ] && [ -n "$t1" ] && rst=$((t1 - t0))
	echo "${wall:-nan} ${frozen:-nan} $rst ${kib:-nan} ${pages:-nan}" >>"$hy"
	CK_PIDS=""
	ckpt_cleanup
}

# ckpt_ceiling_run STATE: one ckpt_ceiling run; appends its ns figures to
# $T/ckpt_ceil_STATE.
CK_CEIL_KEYS="readv crc write rewrite dump_pipe read_fresh restore_pipe"
ckpt_ceiling_run() {
	local out line k v arg=warm
	[ "$1" = warm ] || arg=$(awk -v s="$CK_SETTLE" 'BEGIN { printf "%d", s * 1000 }')
	out=$("$CKPT_CEIL" "$CK_MIB" "$T" "$arg" 2>"$T/err") || {
		fail "checkpoint: ckpt_ceiling ($1) failed: $(tail -n 3 "$T/err")"
		echo "nan nan nan nan nan nan nan" >>"$T/ckpt_ceil_$1"
		return 1
	}
	line=""
	for k in $CK_CEIL_KEYS; do
		v=$(printf '%s\n' "$out" | get "${k}_ns")
		line="$line ${v:-nan}"
	done
	echo "$line" >>"$T/ckpt_ceil_$1"
}

checkpoint() {
	local prog r s crit
	for prog in "$CKPT_MEM" "$CKPT_CEIL"; do
		[ -x "$prog" ] || { fail "checkpoint: $prog missing: run 'make bench'"; return 1; }
	done
	for s in $CK_STATES; do
		case $s in warm | cold) ;; *) fail "checkpoint: BENCH_CKPT_STATES: '$s' is not warm or cold"; return 1 ;; esac
		: >"$T/ckpt_hy_$s"
		: >"$T/ckpt_ceil_$s"
		: >"$T/ckpt_pass_$s"
	done
	trap 'ckpt_cleanup; rm -rf "$T"' EXIT
	trap 'ckpt_cleanup; rm -rf "$T"; exit 130' INT TERM
	for r in $(seq "$CK_ROUNDS"); do
		for s in $CK_STATES; do
			if [ $((r % 2)) = 1 ]; then
				ckpt_ceiling_run "$s"
				ckpt_round "$r" "$s"
			else
				ckpt_round "$r" "$s"
				ckpt_ceiling_run "$s"
			fi
		done
	done
	trap 'rm -rf "$T"' EXIT INT TERM
	echo "checkpoint: $CK_MIB MiB of touched anonymous memory, $CK_ROUNDS rounds; medians over rounds, MB/s = 10^6 B/s;"
	case " $CK_STATES " in *" warm "*)
		echo "warm = $((CK_MIB * 2)) MiB of THP memory touched and freed right before each timed step" ;;
	esac
	case " $CK_STATES " in *" cold "*)
		echo "cold = a $CK_SETTLE s pause before each (cold figures vary with what ran before: see scripts/bench.sh)" ;;
	esac
	awk -v p="$T/ckpt_" -v mib="$CK_MIB" -v rounds="$CK_ROUNDS" -v states="$CK_STATES" "$AWKLIB"'
function mbs(ns) { return isnum(ns) && ns > 0 ? fmt(mib * 1.048576 / (ns / 1e9), 0) : "n/a" }
function cross(fa, ca, fb, cb, out,    n, la, lb, a, b) { # per-round fa[ca] / fb[cb] (a time over a time)
	n = 0; delete out
	while ((getline la < fa) > 0 && (getline lb < fb) > 0) {
		split(la, a, " "); split(lb, b, " ")
		if (isnum(a[ca]) && isnum(b[cb]) && b[cb] + 0 > 0) out[++n] = a[ca] / b[cb]
	}
	close(fa); close(fb); return n
}
function lines(f,    n, l) { n = 0; while ((getline l < f) > 0) n++; close(f); return n }
# one row: LABEL, then per state what cell(KIND, STATE, A, B) gives
function row(label, kind, a, b,    i, out) {
	out = sprintf("  %-44s", label)
	for (i = 1; i <= ns; i++) out = out sprintf(" %20s", cell(kind, st[i], a, b))
	print out
}
function cell(kind, s, a, b,    hy, ce, t, v, n, arr) {
	hy = p "hy_" s; ce = p "ceil_" s
	if (kind == "hy") { t = med(hy, a); return isnum(t) ? fmt(t / 1e6, 0) " ms " mbs(t) : "n/a" }
	if (kind == "ce") { t = med(ce, a); return isnum(t) ? fmt(t / 1e6, 0) " ms " mbs(t) : "n/a" }
	if (kind == "img") { t = med(hy, 4); v = med(hy, 5); return fmt(t / 1024, 1) " / " fmt(v, 1) }
	if (kind == "pass") return lines(p "pass_" s) " of " rounds
	if (kind == "per_gib") { t = med(hy, 2); v = med(hy, 5); return isnum(t) && isnum(v) && v > 0 ? fmt(t / 1e6 * 1024 / v, 0) " ms" : "n/a" }
	if (kind == "ratio") { n = cross(ce, b, hy, a, arr); t = q(arr, n, 0.5); return isnum(t) ? fmt(t, 2) : "n/a" }
}
BEGIN {
	CONVFMT = "%.6f" # medians of ns counts pass isnum as strings (not 4.62886e+07)
	ns = split(states, st, " ")
	out = sprintf("  %-44s", "(ms MB/s)")
	for (i = 1; i <= ns; i++) out = out sprintf(" %20s", st[i])
	print out
	row("hybox checkpoint (wall)", "hy", 1)
	row("  frozen (its summary line)", "hy", 2)
	row("hybox restore, until the program runs", "hy", 3)
	row("image on disk / pages saved, MiB", "img")
	row("restored program checks its memory: PASS", "pass")
	print "  ceilings, same rounds, 4 MiB chunks:"
	row("  process_vm_readv, pre-faulted buffers", "ce", 1)
	row("  crc32c", "ce", 2)
	row("  write(2) to a new file (page cache)", "ce", 3)
	row("  write(2) again over the cached file", "ce", 4)
	row("  dump loop: readv + crc32c + write, serial", "ce", 5)
	row("  read(2) into fresh memory", "ce", 6)
	row("  restore shape: crc32c pass, pread+writev", "ce", 7)
	print "  ratios, MB/s over MB/s (medians of per-round ratios):"
	row("  dump / process_vm_readv", "ratio", 1, 1)
	row("  dump / write to a new file", "ratio", 1, 3)
	row("  dump / dump loop", "ratio", 1, 5)
	row("  frozen / dump loop", "ratio", 2, 5)
	row("  restore / restore shape", "ratio", 3, 7)
	row("  restore / read into fresh memory", "ratio", 3, 6)
	row("frozen time per GiB of pages", "per_gib")
}' | sed 's/ *$//'
	if ! command -v criu >/dev/null 2>&1; then
		crit="not measured: criu is not installed"
	elif criu check >/dev/null 2>&1; then
		crit="not measured by this script (criu is installed and criu check passes)"
	else
		crit="not measured: criu is installed but criu check fails on this kernel"
	fi
	echo "CRIU 4.2 (reference from the issue, on this kind of machine; $crit):"
	echo "  512 MiB dumped in 0.25 s (~2.2 GB/s), restored in ~0.46 s (~1.2 GB/s)"
}
if want checkpoint && [ "$have_hybox" = 1 ]; then
	echo
	checkpoint
fi

# --- BPF LSM road, in a qemu TCG guest ------------------------------------------
# This host may refuse BPF LSM: scripts/vmtest.sh --bench boots Debian's cloud
# kernel with bpf in the LSM list and runs tests/vm/bench-lsm.sh there. What
# is missing for it is said in one line, never skipped silently.
vm_lsm() {
	kernel=${VMTEST_KERNEL:-$(find /boot -maxdepth 1 -name 'vmlinuz-*-cloud-amd64' 2>/dev/null |
		sort -V | tail -n 1)}
	vmbin=${VMTEST_BIN_DIR:-$(dirname "$HYBOX")/vmtest}
	if ! command -v qemu-system-x86_64 >/dev/null 2>&1; then
		echo "vm-lsm: skipped: qemu-system-x86_64 is not installed (package qemu-system-x86)"
	elif [ -z "$kernel" ]; then
		echo "vm-lsm: skipped: no /boot/vmlinuz-*-cloud-amd64 (package linux-image-cloud-amd64; or set VMTEST_KERNEL)"
	elif [ ! -x "$vmbin/lsmctl" ]; then
		echo "vm-lsm: skipped: $vmbin/lsmctl is not built (make bench builds it, except under SANITIZE=1)"
	else
		echo "BPF LSM road, measured in a qemu TCG guest (scripts/vmtest.sh --bench): compare ratios only"
		HYBOX=$HYBOX PAYLOAD_DIR=${PAYLOAD_DIR:-$(dirname "$HYBOX")/payload} VMTEST_KERNEL=$kernel \
			VMTEST_BIN_DIR=$vmbin BENCH_BIN_DIR=$BENCH_DIR "$ROOT/scripts/vmtest.sh" --bench ||
			fail "vm-lsm: the guest bench failed (see above)"
	fi
}
if want vm-lsm; then
	echo
	vm_lsm
fi

if [ -e "$T/failed" ]; then
	echo "bench: some runs failed (see above)" >&2
	exit 1
fi
exit 0
