#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every test tier (tests/README.md), each a meson test run in its own build dir:
#   build        gcc, warnings as errors: every suite, the QEMU VM and system tiers forced on
#   build-asan   meson/dev.ini (ASan+UBSan): unit golden badinput fault hygiene (--setup asan)
#   build-fuzz   CC=clang -Dfuzz=enabled: suite fuzz, FUZZ_SECONDS (default 12) per parser
#   build        --setup valgrind (unit) and --setup valgrindcli (golden, badinput)
# Each run's counts come from its meson-logs/testlog*.json and its verdict from
# meson test's exit status. Ends with one line, "meson: N passed, M failed,
# K skipped"; a skipped test is never a pass, and with CI=true it fails the run.
# Needs what scripts/setup.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)

passed=0 failed=0 skipped=0 status=0
summary=()
# tier LABEL BUILDDIR LOGNAME MESON-TEST-ARGS...: run meson test, add the
# results of BUILDDIR/meson-logs/LOGNAME.json to the totals
tier() {
	local label=$1 dir=$2 log=$2/meson-logs/$3.json rc=0 p f s
	shift 3
	echo "== $label"
	rm -f "$log"
	meson test -C "$dir" --print-errorlogs "$@" || rc=$?
	if [ -s "$log" ]; then
		read -r p f s < <(python3 - "$log" <<'PY'
import json, sys
n = {"OK": 0, "SKIP": 0, "other": 0}
with open(sys.argv[1]) as f:
    for line in f:
        r = json.loads(line)["result"]
        n[r if r in n else "other"] += 1
print(n["OK"], n["other"], n["SKIP"])
PY
)
	else
		p=0 f=1 s=0   # meson test could not build or start the tests
	fi
	# meson's exit status is the verdict: a failure it reports counts even
	# where the log shows none
	if [ "$rc" != 0 ] && [ "$f" = 0 ]; then f=1; fi
	[ "$rc" = 0 ] && [ "$f" = 0 ] || status=1
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
	summary+=("$(printf '%-44s %3d passed, %d failed, %d skipped' "$label" "$p" "$f" "$s")")
}

[ -d build ] || meson setup build --werror >/dev/null
meson configure build -Dtests=true -Dexamples=true -Dvm-tests=enabled -Dsystem-tests=enabled >/dev/null
tier "all suites (the VM tier boots real kernels)" build testlog

[ -d build-asan ] || meson setup build-asan --native-file meson/dev.ini \
	-Dvm-tests=disabled -Ddocs=false -Dbench=false >/dev/null
tier "ASan+UBSan (meson/dev.ini, --setup asan)" build-asan testlog-asan --setup asan

[ -d build-fuzz ] || CC=clang meson setup build-fuzz -Dfuzz=enabled -Dvm-tests=disabled \
	-Ddocs=false -Dexamples=false -Dbench=false >/dev/null
meson configure build-fuzz -Dfuzz-seconds="${FUZZ_SECONDS:-12}" >/dev/null
tier "fuzz (clang libFuzzer, ${FUZZ_SECONDS:-12} s a parser)" build-fuzz testlog --suite fuzz

tier "valgrind: C tests (--setup valgrind)" build testlog-valgrind --setup valgrind
tier "valgrind: every vmdevctl run (--setup valgrindcli)" build testlog-valgrindcli --setup valgrindcli

echo "-- tiers --"
printf '   %s\n' "${summary[@]}"
# a skipped test is not a pass: in CI every tier must run
if [ "${CI:-}" = true ] && [ "$skipped" -gt 0 ]; then
	echo "CI: $skipped tests skipped"
	status=1
fi
echo "meson: $passed passed, $failed failed, $skipped skipped ($(( $(date +%s) - start )) s)"
exit $status
