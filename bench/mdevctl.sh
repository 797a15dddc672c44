#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# The two listings libvirt runs on every mdev event, through the mdevctl
# personality: `mdevctl list --dumpjson --defined` and `mdevctl list
# --dumpjson`, Debian's mdevctl 1.2.0 against vmdevctl run through an
# `mdevctl` link, on the same generated tree with N mdevs and a definition
# for each (alternately auto and manual, every third with two attributes).
# Both tools read the same files the same way (the private mount namespace
# binds the tree's sys over /sys and its etc/mdevctl.d over /etc/mdevctl.d);
# their outputs are checked to be the same bytes before anything is timed.
# Wall time is the median of RUNS alternating runs; syscalls from strace.
#
# usage: sudo bench/mdevctl.sh BUILD_DIR [N...]     (default N: 1000 10000)
# env:   RUNS (default 7), BENCH_DIR (a tmpfs, default /dev/shm), OUT
# needs: root (unshare -m, mount --bind), mdevctl, strace, python3.
set -euo pipefail

. "$(dirname "$0")/common.sh"

build=$(cd "${1:?usage: mdevctl.sh BUILD_DIR [N...]}" && pwd)
shift
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
runs=${RUNS:-7}
work=$(mktemp -d "${BENCH_DIR:-/dev/shm}/vmdev-mdevctl.XXXXXX")
trap 'umount /etc/mdevctl.d 2>/dev/null || true; umount /sys 2>/dev/null || true; rm -rf "$work"' EXIT
V=$build/cli/vmdevctl
tree=$work/tree
mkdir "$work/bin"
ln -s "$V" "$work/bin/mdevctl"
ours=$work/bin/mdevctl
theirs=$(command -v mdevctl)
[ "$(readlink -f "$theirs")" != "$(readlink -f "$V")" ] || { echo "mdevctl is vmdevctl here" >&2; exit 1; }

echo "| N | listing | mdevctl 1.2.0 ms | vmdevctl as mdevctl ms | ratio | mdevctl syscalls | vmdevctl syscalls |" > "$work/table"
echo "| ---: | --- | ---: | ---: | ---: | ---: | ---: |" >> "$work/table"
for n in "${sizes[@]}"; do
	umount /sys 2>/dev/null || true
	umount /etc/mdevctl.d 2>/dev/null || true
	rm -rf "$tree"
	"$build/bench/gen-tree" "$tree" -p 16 -t 4 -n "$n"
	"$V" --root "$tree" --json list | python3 -c '
import json, os, sys
etc = sys.argv[1]
for i, m in enumerate(json.load(sys.stdin)):
    d = os.path.join(etc, m["parent"])
    os.makedirs(d, exist_ok=True)
    attrs = "[]" if i % 3 else "[\n    {\n      \"a\": \"1\"\n    },\n    {\n      \"b\": \"2\"\n    }\n  ]"
    with open(os.path.join(d, m["uuid"]), "w") as f:
        f.write("{\n  \"mdev_type\": \"%s\",\n  \"start\": \"%s\",\n  \"attrs\": %s\n}"
                % (m["type"], "auto" if i % 2 else "manual", attrs))
' "$tree/etc/mdevctl.d"
	mkdir -p "$tree/etc/mdevctl.d/scripts.d/callouts" "$tree/etc/mdevctl.d/scripts.d/notifiers"
	mount --bind "$tree/sys" /sys
	mount --bind "$tree/etc/mdevctl.d" /etc/mdevctl.d
	for listing in "list --dumpjson --defined" "list --dumpjson"; do
		a="$theirs $listing"
		b="$ours $listing"
		# the same bytes, all N devices, before any timing
		$a > "$work/a.out"
		$b > "$work/b.out"
		cmp -s "$work/a.out" "$work/b.out" || { echo "mdevctl $listing: outputs differ at N=$n" >&2; exit 1; }
		got=$(grep -c '"mdev_type"' "$work/b.out")
		[ "$got" = "$n" ] || { echo "mdevctl $listing lists $got of $n" >&2; exit 1; }
		ta="" tb=""
		for ((r = 0; r < runs; r++)); do
			ta+="$(wall_ms "$a") "
			tb+="$(wall_ms "$b") "
		done
		ma=$(echo "$ta" | tr ' ' '\n' | grep . | median)
		mb=$(echo "$tb" | tr ' ' '\n' | grep . | median)
		ratio=$(awk -v x="$ma" -v y="$mb" 'BEGIN {printf "%.1f", x / y}')
		echo "| $n | \`mdevctl $listing\` | $ma | $mb | $ratio | $(syscalls "$a") | $(syscalls "$b") |" >> "$work/table"
		tail -1 "$work/table" >&2
	done
done
{
	echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r), tmpfs, $(date -u +%Y-%m-%d), mdevctl $(dpkg-query -W -f '${Version}' mdevctl 2>/dev/null || echo '?'), RUNS=$runs"
	echo "Tree: 16 parents x 4 types, N mdevs (gen-tree), each with a definition"
	echo
	cat "$work/table"
} > "${OUT:-/dev/stdout}"
