#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Listing definitions, the path libvirt takes on every mdev event:
# `vmdevctl list --defined --json` against Debian's mdevctl 1.2.0
# `list --defined --dumpjson` on the same N definition files and the same
# generated tree (every definition's mdev active, so both look each up).
# Wall time is the median of RUNS alternating runs; syscalls from strace.
#
# usage: sudo bench/defs.sh BUILD_DIR [N...]        (default N: 1000 10000)
# env:   RUNS (default 7), BENCH_DIR (a tmpfs, default /dev/shm), OUT
# needs: root (unshare -m, mount --bind), mdevctl, strace, python3.
# As bench/run.sh: a private mount namespace binds the tree's sys over /sys
# and its etc/mdevctl.d over /etc/mdevctl.d for mdevctl (no root option).
set -euo pipefail

. "$(dirname "$0")/common.sh"

build=$(cd "${1:?usage: defs.sh BUILD_DIR [N...]}" && pwd)
shift
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 10000)
runs=${RUNS:-7}
work=$(mktemp -d "${BENCH_DIR:-/dev/shm}/vmdev-defs.XXXXXX")
trap 'umount /etc/mdevctl.d 2>/dev/null || true; umount /sys 2>/dev/null || true; rm -rf "$work"' EXIT
V=$build/cli/vmdevctl
tree=$work/tree


echo "| N definitions | tool | wall ms (median of $runs) | syscalls | ratio mdevctl / vmdevctl |" > "$work/table"
echo "| ---: | --- | ---: | ---: | ---: |" >> "$work/table"
for n in "${sizes[@]}"; do
	umount /sys 2>/dev/null || true
	umount /etc/mdevctl.d 2>/dev/null || true
	rm -rf "$tree"
	"$build/bench/gen-tree" "$tree" -p 16 -t 4 -n "$n"
	# a definition for every mdev: alternately auto and manual, every third
	# with two attributes, in mdevctl's file format
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
	a="$V --root $tree list --defined --json"
	b="mdevctl list --defined --dumpjson"
	got=$($a | grep -c '"uuid"')
	peer=$($b | python3 -c 'import json,sys; print(sum(len(v) for p in json.load(sys.stdin) for v in p.values()))')
	[ "$got" = "$n" ] || { echo "vmdevctl lists $got of $n definitions" >&2; exit 1; }
	[ "$peer" = "$n" ] || { echo "mdevctl lists $peer of $n definitions" >&2; exit 1; }
	ta="" tb=""
	$a >/dev/null; $b >/dev/null
	for ((r = 0; r < runs; r++)); do
		ta+="$(wall_ms "$a") "
		tb+="$(wall_ms "$b") "
	done
	ma=$(echo "$ta" | tr ' ' '\n' | grep . | median)
	mb=$(echo "$tb" | tr ' ' '\n' | grep . | median)
	ratio=$(awk -v x="$mb" -v y="$ma" 'BEGIN {printf "%.1f", x / y}')
	echo "| $n | vmdevctl list --defined --json | $ma | $(syscalls "$a") | |" >> "$work/table"
	echo "| $n | mdevctl list --defined --dumpjson | $mb | $(syscalls "$b") | $ratio |" >> "$work/table"
	cat "$work/table" >&2
done
{
	echo "Machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), kernel $(uname -r), tmpfs, $(date -u +%Y-%m-%d), mdevctl $(dpkg-query -W -f '${Version}' mdevctl 2>/dev/null || echo '?')"
	echo
	cat "$work/table"
} > "${OUT:-/dev/stdout}"
