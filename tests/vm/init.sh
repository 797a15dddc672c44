#!/bin/busybox sh
# Guest init (PID 1) for the VM tier: mount, load modules, run the guest scripts,
# send $VM_OUT back over ttyS1, power off. Installed as /init by tests/vm/run.sh.
export PATH=/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mkdir -p /dev/pts /dev/shm /tmp /run /out /root
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /run
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
hostname vmtest

KVER=$(uname -r)
echo "VMTEST-BEGIN kernel $KVER"
echo "kernel-cmdline: $(cat /proc/cmdline)"

for m in $(cat /etc/vm-modules); do
	if ! out=$(modprobe "$m" 2>&1); then
		echo "not ok - init: modprobe $m: $out"
	fi
done

export VM_OUT=/out
export VMTEST_KVER=$KVER
cd /tests/vm/guest || echo "not ok - init: no /tests/vm/guest"
for t in [0-9]*.sh; do
	[ -f "$t" ] || continue
	# VMDEV_VM_ONLY (run.sh): a development run of a few scripts
	if [ -f /tests/vm/only ] && [ "${t#0}" = "$t" ]; then
		want=0
		for p in $(cat /tests/vm/only); do
			case $t in "$p"*) want=1 ;; esac
		done
		[ $want = 1 ] || continue
	fi
	echo "VMTEST-SCRIPT $t"
	# each script in its own shell: an exit or set -e there cannot stop the run
	sh "./$t" </dev/null
	rc=$?
	if [ $rc -ne 0 ]; then
		echo "not ok - $t exited with status $rc"
	fi
	cd /tests/vm/guest
done

# $VM_OUT back to the host: base64 of a tar.gz on the second serial port
if [ -n "$(ls -A /out 2>/dev/null)" ]; then
	stty -F /dev/ttyS1 raw -echo 2>/dev/null
	(tar -cz -C /out . | base64) >/dev/ttyS1
	echo "VMTEST-OUT $(ls /out | tr '\n' ' ')"
fi

echo "VMTEST-END"
# let the serial ports drain before powering off
sync
sleep 1
poweroff -f
