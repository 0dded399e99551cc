#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# bench-lsm.sh: what the BPF LSM road costs, measured inside the VM guest.
# `scripts/vmtest.sh --bench` boots the guest with HYBOX_VM_RUN=bench and
# tests/vm/init runs this instead of the suite (the name is not NN-*.sh, so
# the suite never runs it). Two comparisons, each interleaved round by round
# (A B, then B A, ...) and summarised as medians over rounds, because TCG
# timing drifts with the host's load:
#   1. open+close of an allowed file (`loop open_close`): natively vs inside
#      `hybox run --policy tests/bench/policy-no-r.json`. On the LSM road the
#      open stays native and the file_open hook checks it; on the emulated
#      road the same policy sends every open to kernel-emu (scripts/bench.sh,
#      section file, measures that on the host).
#   2. a process outside any container: `loop getpid` (no hook on its path:
#      the control) and `loop open_close` (file_open runs, finds no container
#      and allows), with no LSM program attached vs with the programs
#      attached and one container's rules loaded (`lsmctl run --outside`).
#      Target: within 2 % of no programs attached.
# Absolute times are the emulated CPU's, not the host's: only the ratios mean
# something. Exit status 0 unless a run failed or the LSM road is not active;
# the numbers themselves are never judged here.
#
# Environment: BENCH_VM_ROUNDS (default 11), BENCH_VM_N (getpid calls per
# run, default 20000), BENCH_VM_FILE_N (open+close per run, default 2000);
# HYBOX, LSMCTL, LOOP, BENCH_POLICY (paths, default the guest's).
set -u
# shellcheck source-path=SCRIPTDIR source=vmlib.sh
. "$(dirname "$0")/vmlib.sh"

HYBOX=${HYBOX:-/hybox/bin/hybox}
LSMCTL=${LSMCTL:-/hybox/bin/lsmctl}
LOOP=${LOOP:-/hybox/bench/loop}
POLICY=${BENCH_POLICY:-/hybox/tests/bench/policy-no-r.json}
ROUNDS=${BENCH_VM_ROUNDS:-11}
GN=${BENCH_VM_N:-20000}
FN=${BENCH_VM_FILE_N:-2000}
# tmpfs natively and in the container (as scripts/bench.sh's file section).
DIR=/dev/shm
CG=/sys/fs/cgroup/hybox-bench-$$
T=$(mktemp -d /tmp/bench-lsm.XXXXXX) || exit 1
trap 'rm -rf "$T"' EXIT
failed=0

fail() {
	echo "bench-lsm: $*" >&2
	failed=1
}

# get MODE KEY < loop output: KEY's value on the line of MODE.
get() {
	awk -v m="mode=$1" -v k="$2=" '$1 == m {
		for (i = 2; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1) }'
}

# The same command line outside any container, with and without the programs.
OUTSIDE="$LOOP getpid $GN && $LOOP open_close $FN $DIR"

# measure CONFIG: one run, its output in $T/out; a failure is recorded.
measure() {
	local rc
	case $1 in
	native) "$LOOP" open_close "$FN" "$DIR" ;;
	container) "$HYBOX" run --policy "$POLICY" -- "$LOOP" open_close "$FN" "$DIR" ;;
	none) sh -c "$OUTSIDE" ;;
	hooks) "$LSMCTL" run --bare -- sh -c "$OUTSIDE" ;;
	rules) "$LSMCTL" run --outside --policy "$POLICY" --cgroup "$CG" -- sh -c "$OUTSIDE" ;;
	esac >"$T/out" 2>"$T/err"
	rc=$?
	# hybox falls back to the emulated road with a warning: that is not this bench.
	if [ $rc -ne 0 ] || grep -q 'enforced on the emulated road' "$T/err"; then
		fail "$1 failed (exit $rc): $(tail -n 3 "$T/err")"
	fi
}

# stats < VALUES: "MEDIAN P25 P75" of the numbers read, blank-separated, "nan"
# (failed runs) skipped; "nan nan nan" when none is left.
stats() {
	tr -s ' \t' '\n\n' | grep -E '^[0-9.]+$' | sort -g | awk '
	function q(p,   k, b) { k = 1 + p * (NR - 1); b = int(k)
		return b >= NR ? v[NR] : v[b] + (k - b) * (v[b + 1] - v[b]) }
	{ v[NR] = $1 }
	END { if (NR == 0) print "nan nan nan"; else printf "%.4f %.4f %.4f\n", q(0.5), q(0.25), q(0.75) }'
}

# ratios A B: per-round B/A of two space-separated lists, one per line.
ratios() {
	awk -v a="$1" -v b="$2" 'BEGIN { n = split(a, x, " "); split(b, y, " ")
		for (i = 1; i <= n; i++)
			if (x[i] ~ /^[0-9.]+$/ && y[i] ~ /^[0-9.]+$/ && x[i] > 0) printf "%.5f\n", y[i] / x[i] }'
}

# report LABEL A_NAME A_VALUES B_NAME B_VALUES: one summary line (B against A).
report() {
	local a b r r25 r75
	read -r a _ _ < <(stats <<<"$3")
	read -r b _ _ < <(stats <<<"$5")
	read -r r r25 r75 < <(ratios "$3" "$5" | stats)
	printf '%s: %s %.0f ns/call, %s %.0f ns/call, ratio %.3f (per-round IQR %.3f..%.3f)\n' \
		"$1" "$4" "$b" "$2" "$a" "$r" "$r25" "$r75"
}

# --- preconditions --------------------------------------------------------------
for f in "$HYBOX" "$LSMCTL" "$LOOP"; do
	[ -x "$f" ] || { echo "bench-lsm: $f missing (scripts/vmtest.sh --bench installs it)"; exit 1; }
done
[ -r "$POLICY" ] || { echo "bench-lsm: $POLICY missing"; exit 1; }
road=$(json_value "$("$HYBOX" features --json 2>/dev/null | json_flat)" roads.files.road)
if [ "$road" != bpf-lsm ]; then
	echo "bench-lsm: the files road is '${road:-?}', not bpf-lsm: nothing to measure"
	"$LSMCTL" check
	exit 1
fi
echo "bench-lsm: $ROUNDS rounds; open_close $FN calls per run in $DIR, getpid $GN; policy $POLICY"
echo "bench-lsm: lsmctl check: $("$LSMCTL" check 2>&1 | tail -n 1)"

# --- rounds -------------------------------------------------------------------------
# VALS[CONFIG.MODE]: one value per round, "nan" for a failed run, so that the
# rounds stay paired. The configurations rotate so that none always runs first.
declare -A VALS
record() { # CONFIG MODES...: from the last run's output ($T/out)
	local cfg=$1 m key x
	shift
	for m in "$@"; do
		key=median_ns
		[ "$m" = getpid ] && key=ns_per_call
		x=$(get "$m" "$key" <"$T/out")
		VALS[$cfg.$m]+=" ${x:-nan}"
	done
}
for ((r = 0; r < ROUNDS; r++)); do
	if ((r % 2)); then pair="container native"; else pair="native container"; fi
	case $((r % 3)) in
	0) outside="none hooks rules" ;;
	1) outside="hooks rules none" ;;
	*) outside="rules none hooks" ;;
	esac
	for cfg in $pair; do
		measure "$cfg"
		record "$cfg" open_close
	done
	for cfg in $outside; do
		measure "$cfg"
		record "$cfg" getpid open_close
	done
done

# --- report -------------------------------------------------------------------------
# within2 LINE: LINE plus the verdict on its ratio.
within2() {
	local ratio=${1##*ratio }
	ratio=${ratio%% *}
	if awk -v x="$ratio" 'BEGIN { exit !(x <= 1.02) }'; then
		echo "$1: within 2%: yes"
	else
		echo "$1: within 2%: no ($(awk -v x="$ratio" 'BEGIN { printf "%+.1f%%", (x - 1) * 100 }'))"
	fi
}
echo "bench-lsm: medians over $ROUNDS rounds (TCG: compare ratios, not absolute times)"
report "lsm open_close in container" native "${VALS[native.open_close]}" \
	"hybox run --policy" "${VALS[container.open_close]}"
echo
for m in getpid open_close; do
	hook="no hook"
	[ $m = open_close ] && hook="file_open"
	within2 "$(report "outside, LSM attached + rules: $m ($hook)" none "${VALS[none.$m]}" \
		attached "${VALS[rules.$m]}")"
	# Diagnostic: the programs attached but no container registered (hy_cg_level
	# 0: every hook returns at once), i.e. the trampoline's share.
	echo "  (no container registered: $(report "" none "${VALS[none.$m]}" \
		attached "${VALS[hooks.$m]}" | sed 's/^: //'))"
done
exit $failed
