#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every test: unit, golden, hygiene, completion and the real-kernel VM tier
# (meson test in ./build), then unit+golden+badinput+fault+hygiene under ASan/UBSan,
# a bounded fuzz run (tests/fuzz) and unit+golden+badinput under valgrind.
# Needs what scripts/setup.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."

passed=0 failed=0 skipped=0 status=0
# meson_test ARGS...: run meson test, add its counts to the totals
meson_test() {
	local log rc=0
	log=$(mktemp)
	meson test "$@" 2>&1 | tee "$log" || rc=$?
	passed=$((passed + $(sed -n 's/^Ok: *//p' "$log" | head -n1)))
	failed=$((failed + $(sed -n 's/^Fail: *//p' "$log" | head -n1) + $(sed -n 's/^Timeout: *//p' "$log" | head -n1)))
	skipped=$((skipped + $(sed -n 's/^Skipped: *//p' "$log" | head -n1)))
	rm -f "$log"
	[ "$rc" = 0 ] || status=1
}

[ -d build ] || meson setup build --werror
meson configure build -Dvm-tests=enabled >/dev/null
ninja -C build
echo "== all suites (the VM tier boots a real kernel in QEMU)"
meson_test -C build --print-errorlogs

echo "== unit, golden, badinput, fault and hygiene under ASan+UBSan"
[ -d build-asan ] || meson setup build-asan --werror -Db_sanitize=address,undefined \
	-Db_lundef=false -Dvm-tests=disabled -Ddocs=false >/dev/null
ninja -C build-asan >/dev/null
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson_test -C build-asan --print-errorlogs --suite unit --suite golden --suite badinput --suite fault --suite hygiene

echo "== fuzz: every parser and the whole command line, bounded (tests/fuzz/run.sh)"
fuzz_rc=0
bash tests/fuzz/run.sh "${FUZZ_SECONDS:-12}" || fuzz_rc=$?
case $fuzz_rc in
0) passed=$((passed + 1)) ;;
77) skipped=$((skipped + 1)) ;;
*) failed=$((failed + 1)); status=1 ;;
esac

echo "== unit, golden and badinput under valgrind (any leak is an error)"
vg='valgrind --quiet --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all --error-exitcode=99'
meson_test -C build --print-errorlogs --suite unit --wrapper "$vg"
VMDEV_TEST_WRAPPER="$vg" meson_test -C build --print-errorlogs --suite golden --suite badinput

# a skipped suite is not a pass: in CI every tier must run
if [ "${CI:-}" = true ] && [ "$skipped" -gt 0 ]; then
	echo "CI: $skipped suites skipped"
	status=1
fi
echo "meson: $passed passed, $failed failed, $skipped skipped"
exit $status
