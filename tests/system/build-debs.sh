#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Builds the Debian packages from this source tree, as an admin would
# (dpkg-buildpackage -us -uc -b), in OUTDIR: a copy of the tracked files in
# OUTDIR/src/vmdevctl-VERSION, the .deb files and the .changes next to it.
# Prints the .changes path. DEB_BUILD_OPTIONS passes through (nocheck: no
# test suites in the build).
#
#   tests/system/build-debs.sh OUTDIR
set -euo pipefail
SRC=$(cd "$(dirname "$0")/../.." && pwd)
[ $# -eq 1 ] || { echo "usage: build-debs.sh OUTDIR" >&2; exit 2; }
OUT=$1
version=$(dpkg-parsechangelog -l "$SRC/debian/changelog" -S Version)
rm -rf "$OUT"
mkdir -p "$OUT/src"
OUT=$(cd "$OUT" && pwd)
tree=$OUT/src/vmdevctl-$version
mkdir -p "$tree"
# the tracked files (a clean clone's view); without git, the tree minus
# build directories
if git -C "$SRC" rev-parse --is-inside-work-tree >/dev/null 2>&1; then
	git -C "$SRC" ls-files -z --cached --others --exclude-standard |
		(cd "$SRC" && xargs -0 cp --parents -t "$tree" 2>/dev/null || true)
	# files deleted in the work tree but still in the index are gone
else
	tar -C "$SRC" --exclude='./build*' --exclude='./.git' --exclude='./obj-*' -cf - . | tar -C "$tree" -xf -
fi
(cd "$tree" && dpkg-buildpackage -us -uc -b) >"$OUT/build.log" 2>&1 ||
	{ tail -n 40 "$OUT/build.log" >&2; echo "build-debs.sh: dpkg-buildpackage failed (log: $OUT/build.log)" >&2; exit 1; }
ls "$OUT"/src/*.changes
