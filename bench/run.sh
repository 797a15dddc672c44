#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The read-path benchmark: vmdevctl list/types/groups, the library in-process
# (bench-lib), the naive floor (floor) and Debian's mdevctl on the same
# generated tree (gen-tree), for each N. Wall time is the median of RUNS
# runs, alternating between the tools; syscalls from strace -c -f, total
# instructions (Ir) from callgrind, peak RSS from /usr/bin/time -v.
#
# usage: sudo bench/run.sh BUILD_DIR [N...]        (default N: 1000 10000 100000)
# env:   RUNS (default 7), BENCH_DIR (a tmpfs, default /dev/shm),
#        PARENTS (16), TYPES (4), CALLGRIND_MAX_N_MDEVCTL (10000: callgrind
#        on mdevctl above it takes minutes), OUT (the markdown table, default
#        stdout)
# needs: root (unshare -m, mount --bind), mdevctl, strace, valgrind, time.
#
# mdevctl 1.2.0 has no root option: the whole benchmark runs in a private
# mount namespace where the tree's sys is bind-mounted over /sys and an empty
# directory over /etc/mdevctl.d; vmdevctl and the others read the same tree
# through --root. Each tree is deleted before the next (a 100k tree is
# ~1.5M inodes; /dev/shm has ~3M).
set -euo pipefail

. "$(dirname "$0")/common.sh"

build=$(cd "${1:?usage: run.sh BUILD_DIR [N...]}" && pwd)
shift
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000 100000)
runs=${RUNS:-7}
parents=${PARENTS:-16}
types=${TYPES:-4}
cg_max_mdevctl=${CALLGRIND_MAX_N_MDEVCTL:-10000}
work=$(mktemp -d "${BENCH_DIR:-/dev/shm}/vmdev-bench.XXXXXX")
trap 'umount /etc/mdevctl.d 2>/dev/null || true; umount /sys 2>/dev/null || true; rm -rf "$work"' EXIT

V=$build/cli/vmdevctl
tree=$work/tree
# empty, with the two script directories mdevctl insists on
mkdir -p "$work/etc-mdevctl.d/scripts.d/callouts" "$work/etc-mdevctl.d/scripts.d/notifiers"
mount --bind "$work/etc-mdevctl.d" /etc/mdevctl.d

declare -A cmd
names=(vmdevctl-list vmdevctl-types vmdevctl-groups bench-lib floor mdevctl-list mdevctl-types)
cmd[vmdevctl-list]="$V --root $tree list --json"
cmd[vmdevctl-types]="$V --root $tree types --json"
cmd[vmdevctl-groups]="$V --root $tree groups --json"
cmd[bench-lib]="$build/bench/bench-lib $tree"
cmd[floor]="$build/bench/floor $tree"
cmd[mdevctl-list]="mdevctl list --dumpjson"
cmd[mdevctl-types]="mdevctl types --dumpjson"



instructions() {
	valgrind --tool=callgrind --callgrind-out-file="$work/cg.out" $1 >/dev/null 2>&1
	awk '/^(summary|totals):/ {print $2; exit}' "$work/cg.out"
	rm -f "$work"/cg.out*
}
peak_rss_kb() { /usr/bin/time -v $1 2>&1 >/dev/null | awk -F': ' '/Maximum resident/ {print $2}'; }
self_ms() { $1 2>&1 >/dev/null | sed -n 's/.* in \([0-9.]*\) ms.*/\1/p'; }

{
echo "| N | tool | wall ms (median of $runs) | syscalls | syscalls/mdev | Ir | peak RSS MiB |"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: |"
} > "$work/table"

for n in "${sizes[@]}"; do
	umount /sys 2>/dev/null || true
	rm -rf "$tree"
	"$build/bench/gen-tree" "$tree" -p "$parents" -t "$types" -n "$n"
	mount --bind "$tree/sys" /sys

	# the peers really see the whole tree
	listed=$($V --root "$tree" list --json | grep -c '"uuid"')
	peer=$(mdevctl list --dumpjson | python3 -c 'import json,sys
d = json.load(sys.stdin)
print(sum(len(v) for p in d for v in p.values()) if isinstance(d, list) else len(d))')
	[ "$listed" = "$n" ] || { echo "vmdevctl lists $listed of $n" >&2; exit 1; }
	[ "$peer" = "$n" ] || { echo "mdevctl lists $peer of $n" >&2; exit 1; }

	declare -A times=()
	for name in "${names[@]}"; do ${cmd[$name]} >/dev/null 2>&1; done # warm
	for ((r = 0; r < runs; r++)); do
		for name in "${names[@]}"; do
			times[$name]+="$(wall_ms "${cmd[$name]}") "
		done
	done
	declare -A medians=()
	for name in "${names[@]}"; do
		wall=$(echo "${times[$name]}" | tr ' ' '\n' | grep . | median)
		medians[$name]=$wall
		sc=$(syscalls "${cmd[$name]}")
		if [[ $name == mdevctl-* && $n -gt $cg_max_mdevctl ]]; then
			ir="-"
		else
			ir=$(instructions "${cmd[$name]}")
		fi
		rss=$(peak_rss_kb "${cmd[$name]}")
		printf '| %s | %s | %s | %s | %.2f | %s | %.1f |\n' "$n" "$name" "$wall" "$sc" \
			"$(awk -v a="$sc" -v b="$n" 'BEGIN {print a / b}')" "$ir" \
			"$(awk -v a="$rss" 'BEGIN {print a / 1024}')" >> "$work/table"
	done
	# in-process times, as bench-lib and floor measure themselves
	lib=$(for ((r = 0; r < runs; r++)); do self_ms "${cmd[bench-lib]}"; done | median)
	flo=$(for ((r = 0; r < runs; r++)); do self_ms "${cmd[floor]}"; done | median)
	echo "| $n | in-process: bench-lib $lib ms, floor $flo ms (self-timed medians) | | | | | |" >> "$work/table"
	# the ratio the project tracks: mdevctl's list over vmdevctl's, same tree, same run
	ratio=$(awk -v a="${medians[mdevctl-list]}" -v b="${medians[vmdevctl-list]}" 'BEGIN {printf "%.1f", a / b}')
	echo "| $n | ratio mdevctl-list / vmdevctl-list: $ratio (wall medians) | | | | | |" >> "$work/table"
	cat "$work/table" >&2
done

machine="$(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r), tree on $(df -T "$work" | awk 'NR==2 {print $2}') ($(df "$work" | awk 'NR==2 {print $6}')), $(date -u +%Y-%m-%d), mdevctl $(dpkg-query -W -f '${Version}' mdevctl 2>/dev/null || echo '?')"
{
	echo "Machine: $machine"
	echo "Tree: $parents parents x $types types, N mdevs (gen-tree), RUNS=$runs"
	echo
	cat "$work/table"
} > "${OUT:-/dev/stdout}"
