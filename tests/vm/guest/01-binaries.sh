#!/bin/sh
# The project binaries copied in by run.sh (cli/vmdevctl, examples/*, VMDEV_VM_EXTRA)
# find all their shared libraries in the guest.
. ./lib.sh
n=0
for b in /usr/bin/*; do
	[ -L "$b" ] && continue          # busybox applets
	[ -f "$b" ] && [ -x "$b" ] || continue
	n=$((n + 1))
	out=$(LD_TRACE_LOADED_OBJECTS=1 "$b" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && ! echo "$out" | grep -q 'not found'; then
		ok "guest binary ${b##*/}: shared libraries resolve"
	else
		fail "guest binary ${b##*/}: shared libraries resolve" "$(echo "$out" | grep 'not found' | tr '\n' ' ')"
	fi
done
echo "# $n project binaries in /usr/bin"
[ -x /usr/bin/vmdevctl ] || echo "# no /usr/bin/vmdevctl in this run (BUILDDIR had no cli/vmdevctl)"
exit 0
