#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Every test: unit, golden, hygiene, completion and the real-kernel VM tier
# (meson test in ./build), then unit+golden+hygiene under ASan/UBSan and
# under valgrind. Needs what scripts/setup.sh installs.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -d build ] || meson setup build --werror
meson configure build -Dvm-tests=enabled >/dev/null
ninja -C build
echo "== all suites (the VM tier boots a real kernel in QEMU)"
meson test -C build --print-errorlogs

echo "== unit, golden and hygiene under ASan+UBSan"
[ -d build-asan ] || meson setup build-asan --werror -Db_sanitize=address,undefined \
	-Db_lundef=false -Dvm-tests=disabled -Ddocs=false >/dev/null
ninja -C build-asan >/dev/null
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 \
	meson test -C build-asan --print-errorlogs --suite unit --suite golden --suite hygiene

echo "== unit and golden under valgrind (any leak is an error)"
vg='valgrind --quiet --leak-check=full --show-leak-kinds=all --errors-for-leak-kinds=all --error-exitcode=99'
meson test -C build --print-errorlogs --suite unit --wrapper "$vg"
VMDEV_TEST_WRAPPER="$vg" meson test -C build --print-errorlogs --suite golden
