# SPDX-License-Identifier: GPL-2.0-or-later
# What bench/run.sh and bench/defs.sh share: run in a private mount
# namespace (mdevctl 1.2.0 has no root option: each script binds its tree
# over /sys and /etc/mdevctl.d there), and the measures. Source it first:
#   . "$(dirname "$0")/common.sh"

if [ -z "${VMDEV_BENCH_NS:-}" ]; then
	export VMDEV_BENCH_NS=1
	exec unshare -m --propagation private "$0" "$@"
fi

# the median of numbers on stdin, one a line
median() { sort -n | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }

# the wall time of one run of CMD (unquoted: a command line), ms
wall_ms() {
	local t0 t1
	t0=$EPOCHREALTIME
	$1 >/dev/null 2>&1
	t1=$EPOCHREALTIME
	awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f\n", (b - a) * 1000}'
}

# the system calls of one run of CMD, every thread and child (strace -c);
# $work must be a scratch directory
syscalls() { strace -f -c -o "$work/strace" $1 >/dev/null 2>&1; awk '$NF == "total" {print $(NF-2) + 0}' "$work/strace"; }
