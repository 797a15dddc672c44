#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Bounded libFuzzer run of every parser and of the whole command line.
#
#   tests/fuzz/run.sh [SECONDS_PER_TARGET]     (default 10; the CLI gets 3x)
#
# Builds each target with clang -fsanitize=fuzzer,address,undefined into a
# temp dir (the library and CLI sources compiled in), seeds it from
# tests/fuzz/corpus/<target>/ (kept small: new inputs go to a temp corpus,
# not back into the tree) and stops at the first crash, leak or sanitizer
# report, leaving the input in $FUZZ_OUT (default: the temp dir, kept on
# failure). Exit 0 when every target ran clean, 1 on a finding, 77 when
# clang's libFuzzer is missing (1 when CI=true). Prints executions per target.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../.." && pwd)
SECS=${1:-10}
CC=${FUZZ_CC:-clang}

skip() {
	echo "FUZZ SKIPPED: $*" >&2
	[ "${CI:-}" = true ] && { echo "CI=true: the fuzz run must happen" >&2; exit 1; }
	exit 77
}
command -v "$CC" >/dev/null || skip "$CC not found (apt-get install clang)"
OUT=${FUZZ_OUT:-$(mktemp -d /tmp/vmdev-fuzz.XXXXXX)}
mkdir -p "$OUT"
echo 'int LLVMFuzzerTestOneInput(const char *d, unsigned long n) { return 0; }' >"$OUT/probe.c"
"$CC" -fsanitize=fuzzer "$OUT/probe.c" -o "$OUT/probe" 2>/dev/null ||
	skip "$CC cannot link -fsanitize=fuzzer (apt-get install libclang-rt-14-dev or clang-14)"

FLAGS=(-g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer,address,undefined
       -fno-sanitize-recover=undefined -D_GNU_SOURCE -std=gnu11 -w
       -I"$REPO/include" -I"$REPO/lib" -I"$REPO/cli")
LIBS=(-ludev -lkmod -luuid)
LIB_SRC=("$REPO"/lib/*.c)

build() { # NAME SOURCES... [-- EXTRA FLAGS]
	local name=$1; shift
	echo "== build $name"
	"$CC" "${FLAGS[@]}" "$@" "${LIBS[@]}" -o "$OUT/$name"
}
targets=(parse-pci-address parse-uuid parse-group check-name parse-hex-attr path-normalize)
for i in "${!targets[@]}"; do
	build "${targets[$i]}" -DFUZZ_TARGET=$((i + 1)) "$HERE/fuzz-parse.c" "${LIB_SRC[@]}"
done
CLI_SRC=()
for f in "$REPO"/cli/*.c; do CLI_SRC+=("$f"); done
build cli -Dmain=vmdevctl_main -DVMDEVCTL_VERSION='"fuzz"' "$HERE/fuzz-cli.c" "${CLI_SRC[@]}" "${LIB_SRC[@]}" -ljson-c

tree=$(mktemp -d "$OUT/tree.XXXXXX")
tar -xzf "$REPO/tests/golden/mdev-nonviable/tree.tar.gz" -C "$tree"
sum() { (cd "$1" && find . -printf '%p %m %l\n' | sort && find . -type f -print0 | sort -z | xargs -0 cat) | md5sum; }
before=$(sum "$tree")

status=0
report=()
for t in "${targets[@]}" cli; do
	secs=$SECS
	extra=()
	[ $t = cli ] && secs=$((SECS * 3)) extra=(-close_fd_mask=2)
	work="$OUT/corpus-$t"
	mkdir -p "$work"
	seed="$HERE/corpus/$t"
	echo "== fuzz $t for ${secs}s"
	log="$OUT/$t.log"
	rc=0
	(cd "$OUT" && VMDEV_FUZZ_ROOT="$tree" ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
		"./$t" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -max_len=512 \
		-artifact_prefix="$OUT/$t-" -print_final_stats=1 "${extra[@]}" "$work" ${seed:+"$seed"}) >"$log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n1)
	report+=("$(printf '%-18s %10s executions  %s' "$t" "${execs:-?}" "$([ $rc = 0 ] && echo clean || echo "FOUND (exit $rc)")")")
	if [ $rc != 0 ]; then
		status=1
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' "$log" | head -n 8 >&2 || true
		echo "full log: $log" >&2
	fi
done
[ "$(sum "$tree")" = "$before" ] || { echo "the CLI target changed the tree under --root" >&2; status=1; }
echo "-- fuzz executions --"
printf '   %s\n' "${report[@]}"
if [ $status = 0 ] && [ -z "${FUZZ_OUT:-}" ]; then rm -rf "$OUT"; else echo "kept: $OUT"; fi
exit $status
