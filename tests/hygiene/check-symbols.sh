#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every function in the public header is in the version script and exported
# from the shared library, and the library exports nothing else.
set -eu
header=$1 sym=$2 lib=$3
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -oE '\bvmdev_[a-z0-9_]+\(' "$header" | tr -d '(' | grep -v '_foreach$' | sort -u >"$tmp/header"
grep -oE '^[[:space:]]+vmdev_[a-z0-9_]+;' "$sym" | tr -d ' \t;' | sort -u >"$tmp/sym"
nm -D --defined-only "$lib" | awk '$2 == "T" { sub(/@.*/, "", $3); print $3 }' | sort -u >"$tmp/lib"
status=0
diff -u "$tmp/header" "$tmp/sym" || { echo "header and libvmdev.sym differ"; status=1; }
diff -u "$tmp/header" "$tmp/lib" || { echo "header and exported symbols differ"; status=1; }
nm -D --defined-only "$lib" | grep -q 'LIBVMDEV_1' || { echo "no LIBVMDEV_1 version node"; status=1; }
n=$(wc -l <"$tmp/header")
[ "$status" = 0 ] && echo "1 passed, 0 failed ($n symbols)" || echo "0 passed, 1 failed"
exit $status
