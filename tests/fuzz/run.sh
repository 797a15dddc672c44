#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# One bounded libFuzzer run: what each test of suite fuzz runs
# (tests/fuzz/meson.build builds the targets with -Dfuzz=enabled, CC=clang).
#
#   tests/fuzz/run.sh FUZZER NAME SECONDS SEED_CORPUS TREE.tar.gz
#
# Seeds the target from SEED_CORPUS (read only: new inputs go to a temp
# corpus, not back into the tree); the command-line target runs on a copy of
# TREE (VMDEV_FUZZ_ROOT), which must be unchanged afterwards. Stops at the
# first crash, leak or sanitizer report and keeps the input and the log in
# $FUZZ_OUT (default: the temp dir, kept on failure). VMDEV_FUZZ_SECONDS
# overrides SECONDS. Exit 0 when the target ran clean, 1 on a finding.
set -euo pipefail
[ $# = 5 ] || { sed -n '3,13p' "$0" >&2; exit 2; }
FUZZER=$1 NAME=$2 SECS=${VMDEV_FUZZ_SECONDS:-$3} SEED=$4 TREE=$5
case $FUZZER in /*) ;; *) FUZZER=$(pwd)/$FUZZER ;; esac

OUT=${FUZZ_OUT:-$(mktemp -d "${TMPDIR:-/tmp}/vmdev-fuzz-$NAME.XXXXXX")}
mkdir -p "$OUT"
tree=$OUT/tree
mkdir -p "$tree" "$OUT/corpus-$NAME"
tar -xzf "$TREE" -C "$tree"
sum() { (cd "$1" && find . -printf '%p %m %l\n' | sort && find . -type f -print0 | sort -z | xargs -0 cat) | md5sum; }
before=$(sum "$tree")

extra=()
[ "$NAME" = cli ] && extra=(-close_fd_mask=2)
log=$OUT/$NAME.log
echo "== fuzz $NAME for ${SECS}s"
rc=0
(cd "$OUT" && VMDEV_FUZZ_ROOT="$tree" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	"$FUZZER" -max_total_time="$SECS" -timeout=10 -rss_limit_mb=2048 -max_len=512 \
	-artifact_prefix="$OUT/$NAME-" -print_final_stats=1 "${extra[@]}" \
	"$OUT/corpus-$NAME" "$SEED") >"$log" 2>&1 || rc=$?
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
status=0
if [ $rc != 0 ]; then
	status=1
	grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -n 8 || true
	echo "FOUND (exit $rc); full log: $log"
fi
if [ -z "$execs" ] || [ "$execs" = 0 ]; then
	echo "no executions recorded (log: $log)"
	status=1
fi
[ "$(sum "$tree")" = "$before" ] || { echo "the target changed the tree under --root"; status=1; }
echo "$NAME: ${execs:-?} executions in ${SECS}s, $([ $status = 0 ] && echo clean || echo FAILED)"
if [ $status = 0 ] && [ -z "${FUZZ_OUT:-}" ]; then rm -rf "$OUT"; else echo "kept: $OUT"; fi
exit $status
