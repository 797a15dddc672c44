#!/bin/bash
# Build the VM tier's "cdev" kernel once and cache it: Debian's linux-source-6.12
# with a small config (allnoconfig + tests/vm/cdev-kernel/config) that has
# the VFIO device cdev (/dev/vfio/devices/vfioN), iommufd (/dev/iommu) and
# noiommu, none of which Debian's own kernels turn on.
#
#   tests/vm/build-cdev-kernel.sh CACHE_DIR
#
# Prints the kernel release (= the cache directory's name) on stdout; logs go
# to stderr. The directory CACHE_DIR/KVER has the layout tests/vm/run.sh
# expects of a fetched and built Debian kernel (vmlinux, root/lib/modules/KVER,
# root/usr/src/linux-headers-KVER for the mattr module, .fetched and .built),
# so run.sh goes on from there as for any kernel.
# KVER is <upstream version>-vmdev-<key>: the key is the md5 of the fragment
# and the source package's version, so changing either builds a new kernel.
# Exit: 0 built or cached; 1 a build error; 77 apt cannot fetch the source.
set -euo pipefail

PROG=${0##*/}
HERE=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $PROG CACHE_DIR" >&2; exit 2; }
CACHE=$1
SERIES=6.12
FRAGMENT=$HERE/cdev-kernel/config

log() { echo "== cdev kernel: $*" >&2; }
die() { echo "$PROG: error: $*" >&2; exit 1; }

# The source version apt would fetch; without apt metadata, an already
# built kernel for this fragment.
FRAG_MD5=$(md5sum <"$FRAGMENT" | cut -c1-32)
SRCVER=$(apt-cache policy "linux-source-$SERIES" 2>/dev/null | sed -n 's/^ *Candidate: //p' | head -n1)
if [ -z "$SRCVER" ] || [ "$SRCVER" = "(none)" ]; then
	for d in "$CACHE"/*-vmdev-*/; do
		[ -e "$d/.built" ] && [ "$(cat "$d/fragment.md5" 2>/dev/null)" = "$FRAG_MD5" ] || continue
		basename "$d"
		exit 0
	done
	log "cannot resolve linux-source-$SERIES with apt-cache and no cached build of this fragment"
	exit 77
fi
KEY=$( { cat "$FRAGMENT"; echo "linux-source-$SERIES=$SRCVER"; } | md5sum | cut -c1-8)
UPSTREAM=${SRCVER%%-*}                       # 6.12.117-1~deb12u1 -> 6.12.117
KVER=$UPSTREAM-vmdev-$KEY
KD=$CACHE/$KVER
ROOT=$KD/root
OBJ=$KD/build                          # O= output: the source stays pristine
SRCD=$CACHE/linux-source-$SRCVER       # unpacked once per source version
SRC=$SRCD/linux
mkdir -p "$KD"
exec 9>"$KD/.lock"
flock 9
if [ -e "$KD/.built" ]; then
	echo "$KVER"
	exit 0
fi

T0=$(date +%s)
log "building $KVER from linux-source-$SERIES $SRCVER (once; cached in $KD)"
mkdir -p "$SRCD"
exec 8>"$SRCD/.lock"
flock 8
if [ ! -e "$SRCD/.unpacked" ]; then
	rm -rf "$SRCD/debs" "$SRC"
	mkdir -p "$SRCD/debs" "$SRC"
	(cd "$SRCD/debs" && apt-get download "linux-source-$SERIES=$SRCVER" >/dev/null 2>"$SRCD/debs/apt.err") || {
		cat "$SRCD/debs/apt.err" >&2
		log "apt-get download linux-source-$SERIES=$SRCVER failed"
		exit 77
	}
	dpkg-deb --fsys-tarfile "$SRCD"/debs/linux-source-"$SERIES"_*.deb |
		tar -xO "./usr/src/linux-source-$SERIES.tar.xz" |
		tar -xJ -C "$SRC" --strip-components=1
	rm -rf "$SRCD/debs"
	touch "$SRCD/.unpacked"
fi
exec 8>&-
T_FETCH=$(date +%s)

# allnoconfig, then the fragment; every line of the fragment must hold in the
# result (Kconfig drops a value whose dependencies are not met, silently)
rm -rf "$OBJ" "$ROOT" "$KD/vmlinux"
mkdir -p "$OBJ"
cd "$SRC"
make -s O="$OBJ" allnoconfig >/dev/null
cd "$OBJ"
"$SRC/scripts/kconfig/merge_config.sh" -m .config "$FRAGMENT" >"$KD/config.log" 2>&1 ||
	{ cat "$KD/config.log" >&2; die "merge_config.sh failed"; }
"$SRC/scripts/config" --set-str LOCALVERSION "-vmdev-$KEY"
make -s olddefconfig >>"$KD/config.log" 2>&1
bad=0
while IFS= read -r line; do
	case $line in CONFIG_*=*) ;; *) continue ;; esac
	opt=${line%%=*} val=${line#*=}
	if [ "$val" = n ]; then
		grep -qx "$opt=[ym]" .config || continue
	else
		grep -qx "$line" .config && continue
	fi
	echo "$PROG: $line did not hold: $(grep -E "^$opt=|^# $opt is not set" .config || echo "$opt absent")" >&2
	bad=1
done <"$FRAGMENT"
[ $bad = 0 ] || die "the config fragment does not hold (see above)"

log "compiling (nice -n 19, -j$(nproc)); log: $KD/build.log"
TIMEFORMAT='%R %U %S'
{ time nice -n 19 make -j"$(nproc)" vmlinux modules >"$KD/build.log" 2>&1; } 2>"$KD/build.cpu" ||
	{ tail -n 40 "$KD/build.log" >&2; die "the kernel build failed (log: $KD/build.log)"; }
make -s modules_install INSTALL_MOD_PATH="$ROOT" INSTALL_MOD_STRIP=1 >>"$KD/build.log" 2>&1 ||
	{ tail -n 20 "$KD/build.log" >&2; die "modules_install failed"; }
[ "$(make -s kernelrelease)" = "$KVER" ] || die "kernelrelease $(make -s kernelrelease), expected $KVER"
rm -f "$ROOT/lib/modules/$KVER/build" "$ROOT/lib/modules/$KVER/source"
cp vmlinux "$KD/vmlinux"
# External modules (mattr) build against $OBJ: object files are not needed
# for that, only the config, generated headers, scripts and Module.symvers.
find "$OBJ" \( -path "$OBJ/scripts" -o -path "$OBJ/tools" \) -prune -o \
	\( -name '*.o' -o -name '*.ko' -o -name '*.a' \) -type f -print0 | xargs -0 rm -f
rm -f "$OBJ/vmlinux" "$OBJ/vmlinux.unstripped"
mkdir -p "$ROOT/usr/src"
ln -sfn "$OBJ" "$ROOT/usr/src/linux-headers-$KVER"
echo "$FRAG_MD5" >"$KD/fragment.md5"
T_END=$(date +%s)
read -r real user sys <"$KD/build.cpu"
printf 'fetch+unpack %d s, build %d s (compile: %.0f s wall, %.0f s CPU), total %d s on %d cores, %s\n' \
	$((T_FETCH - T0)) $((T_END - T_FETCH)) "$real" "$(echo "$user + $sys" | bc)" \
	$((T_END - T0)) "$(nproc)" "$(date -u +%FT%TZ)" >"$KD/build-time"
log "built in $((T_END - T0)) s: $(cat "$KD/build-time")"
touch "$KD/.fetched" "$KD/.built"
echo "$KVER"
