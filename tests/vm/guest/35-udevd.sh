#!/bin/sh
# With udevd running, create waits for udev to have processed the mdev and
# its /dev/vfio node (events from udevd, not the kernel); with udevd
# stopped, a create cannot finish: it times out and removes the mdev again.
. ./lib.sh
if ! [ -x /usr/bin/systemd-udevd ]; then
	fail "systemd-udevd in the guest" "not copied in (install the udev package on the host)"
	exit 0
fi
mkdir -p /run/udev
/usr/bin/systemd-udevd --daemon >/dev/null 2>&1
n=50; while [ $n -gt 0 ] && ! [ -e /run/udev/control ]; do sleep 0.1; n=$((n-1)); done
check_exists "udevd runs (/run/udev/control)" /run/udev/control
UDEVD=$(pidof systemd-udevd | cut -d' ' -f1)

OUT=$(vmdevctl --timeout 10000 create -p mtty -t mtty-2 2>/tmp/err); RC=$?
check_eq "create with udevd running exits 0" 0 $RC
U=$OUT
check_link "create with udevd: the mdev exists" /sys/bus/mdev/devices/$U
# udev keeps no database record of an mdev (no rule gives it a property),
# so udev_device_get_is_initialized() never turns true for it: only
# udevd's events tell that it is done, and those are what create waits for
check_absent "udev keeps no record of an mdev: only its events can be waited for" /run/udev/data/+mdev:$U
check "remove with udevd running" vmdevctl -q remove $U

# udevd frozen: the kernel is done but udev never is
kill -STOP $UDEVD
before=$(ls /sys/bus/mdev/devices | wc -l)
OUT=$(vmdevctl --timeout 1000 create -p mtty -t mtty-2 2>/tmp/err); RC=$?
ERR=$(cat /tmp/err)
check_eq "create while udevd is stopped exits 1 after the timeout" 1 $RC
check_match "the timeout says nothing of the mdev is left" "*not ready after 1000 ms; nothing of it is left*" "$ERR"
check_eq "the timed-out create left nothing behind" $before $(ls /sys/bus/mdev/devices | wc -l)
kill -CONT $UDEVD
kill $UDEVD; n=30; while [ $n -gt 0 ] && [ -e /proc/$UDEVD ]; do sleep 0.1; n=$((n-1)); done
rm -f /run/udev/control
check_absent "udevd stopped" /run/udev/control
exit 0
