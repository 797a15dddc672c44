#!/bin/sh
# libvirt's nodedev-destroy opens the mdev's group (to prove no VM has it) and keeps it
# open while "mdevctl stop" runs as its child. The mdevctl personality lets the caller's
# own line hold a bare group node (vmdev_set_callers_may_hold); the native remove does
# not, and neither of them lets go of a device held by anyone else, or of a device fd
# even in the caller's line (the kernel's remove would wait for it to close).
. ./lib.sh
if ! [ -x /usr/bin/vmdevctl ] || ! [ -x /usr/bin/vfio-holder ]; then
	fail "vmdevctl and vfio-holder in the guest" "missing"
	exit 0
fi
R=/tmp/caller-holds
rm -rf $R; mkdir -p $R
ln -s /usr/bin/vmdevctl $R/mdevctl
B=/sys/bus/mdev/devices
U=56000000-0000-4000-8000-000000000001
run() { OUT=$("$@" 2>/tmp/err); RC=$?; ERR=$(cat /tmp/err); }
make_mdev() { vmdevctl -q create -p mtty -t mtty-1 -u $U; }
wait_for_ready() { n=50; while [ $n -gt 0 ] && ! grep -q ready /tmp/holder.out; do sleep 0.1; n=$((n-1)); done; grep -q ready /tmp/holder.out; }

check "create an mtty mdev" make_mdev
G=$(group_of $B/$U)
# the caller (our parent) holds the group node, as libvirtd does
run vfio-holder --run $G -- vmdevctl remove $U
check_eq "native remove under the caller's group fd: refused (5)" 5 $RC
check_exists "and the mdev is still there" $B/$U
run vfio-holder --run $G -- $R/mdevctl stop --uuid=$U
check_eq "mdevctl stop under the caller's group fd (libvirt's nodedev-destroy): exit 0" 0 $RC
check_absent "and the mdev is gone" $B/$U

# the caller holds a device fd: the kernel would wait for it, so even the caller's line refuses
check "create it again" make_mdev
G=$(group_of $B/$U)
run vfio-holder --run $G $U -- $R/mdevctl stop --uuid=$U
check_eq "mdevctl stop under the caller's device fd: refused (1), no hang" 1 $RC
check_exists "and the mdev is still there" $B/$U

# another process (not in the caller's line) holds the group: refused too
vfio-holder $G >/tmp/holder.out 2>&1 &
H=$!
check "another process holds group $G" wait_for_ready
run $R/mdevctl stop --uuid=$U
check_eq "mdevctl stop while another process holds the group: refused (1)" 1 $RC
check_match "and says a process holds it" "*holds it open*" "$ERR"
check_exists "and the mdev is still there" $B/$U
kill $H; wait $H 2>/dev/null

run $R/mdevctl stop --uuid=$U
check_eq "mdevctl stop once nobody holds it: exit 0" 0 $RC
check_absent "clean: the mdev is gone" $B/$U
rm -rf $R
exit 0
