#!/bin/sh
# The mdevctl personality on the real kernel, against Debian's mdevctl: the
# same sequence of define, start (by definition, transient by type, and
# libvirt's transient --jsonfile=/dev/stdin), start-parent-mdevs, stop and
# undefine on mtty, run once through each tool from the same starting
# point, leaves the same devices (UUID, parent, type), the same files in
# /etc/mdevctl.d and the same listings byte for byte; the error paths (a
# start of an active device, an unknown type, a type without instances, a
# stop of a device that does not run) fail the same way (exit 1) and leave
# nothing behind. The personality's start returns with the device bound.
# The system is left as it was found.
. ./lib.sh
if ! [ -x /usr/bin/mdevctl ] || ! [ -x /usr/bin/vmdevctl ]; then
	fail "mdevctl and vmdevctl in the guest" "not copied in (install the mdevctl package on the host)"
	exit 0
fi
D=/etc/mdevctl.d
B=/sys/bus/mdev/devices
T=/sys/class/mdev_bus
R=/tmp/mdevctl-peer
rm -rf $R; mkdir -p $R/ours
ln -s /usr/bin/vmdevctl $R/ours/mdevctl
mkdir -p $D/scripts.d/callouts $D/scripts.d/notifiers
# libvirt's start passes --jsonfile=/dev/stdin: a busybox guest may have no such link
MADE_STDIN=
if ! [ -e /dev/stdin ]; then ln -s /proc/self/fd/0 /dev/stdin && MADE_STDIN=1; fi
THEIRS=/usr/bin/mdevctl
OURS=$R/ours/mdevctl
BEFORE=$(ls $B | wc -l)
U1=55000000-0000-4000-8000-000000000001   # defined, started by UUID
U2=55000000-0000-4000-8000-000000000002   # defined auto: start-parent-mdevs
U3=55000000-0000-4000-8000-000000000003   # transient by parent and type
U4=55000000-0000-4000-8000-000000000004   # transient, libvirt's --jsonfile=/dev/stdin
U5=55000000-0000-4000-8000-000000000005   # for the error paths
U6=55000000-0000-4000-8000-000000000006   # defined, never started

# every mdev as "UUID PARENT TYPE", sorted
devices() {
	for m in $B/*; do
		[ -e "$m" ] || continue
		echo "$(basename $m) $(basename "$(dirname "$(readlink -f $m)")") $(basename "$(readlink -f $m/mdev_type)")"
	done | sort
}
# every definition file: name, mode, content
files() {
	for f in $(cd $D && find . -path ./scripts.d -prune -o -type f -print | sort); do
		echo "$f $(stat -c %a $D/$f)"; cat $D/$f; echo
	done
}

# run TOOL TAG: the sequence; results under $R/TAG
sequence() {
	M=$1 O=$R/$2
	mkdir -p $O
	$M define -u $U1 -p mtty -t mtty-2 >$O/define1.out 2>>$O/err; echo "define1 $?" >>$O/rc
	$M define --uuid=$U2 --parent=mtty --type=mtty-1 --auto >$O/define2.out 2>>$O/err; echo "define2 $?" >>$O/rc
	$M start -u $U1 >$O/start1.out 2>>$O/err; echo "start1 $?" >>$O/rc
	echo "start1-bound $(drv_of $B/$U1)" >>$O/bound
	$M start -p mtty -t mtty-2 -u $U3 >$O/start3.out 2>>$O/err; echo "start3 $?" >>$O/rc
	echo '{"mdev_type":"mtty-1","start":"manual"}' |
		$M start --parent=mtty --jsonfile=/dev/stdin --uuid=$U4 >$O/start4.out 2>>$O/err
	echo "start4 $?" >>$O/rc
	$M start-parent-mdevs mtty >$O/spm.out 2>>$O/err; echo "start-parent-mdevs $?" >>$O/rc
	$M define -u $U6 -p mtty -t mtty-2 >/dev/null 2>>$O/err; echo "define6 $?" >>$O/rc
	$M list >$O/list.out 2>>$O/err; echo "list $?" >>$O/rc
	$M list --dumpjson >$O/list-json.out 2>>$O/err; echo "list --dumpjson $?" >>$O/rc
	$M list --dumpjson --defined >$O/list-defined.out 2>>$O/err; echo "list --dumpjson --defined $?" >>$O/rc
	$M list -d -v >$O/list-dv.out 2>>$O/err; echo "list -d -v $?" >>$O/rc
	$M types -p mtty --dumpjson >$O/types.out 2>>$O/err; echo "types $?" >>$O/rc
	devices >$O/devices
	files >$O/files
	# error paths: exit 1, nothing new
	$M start -u $U1 >/dev/null 2>>$O/err; echo "start of an active device $?" >>$O/rc
	$M start -p mtty -t mtty-9 -u $U5 >/dev/null 2>>$O/err; echo "start of an unknown type $?" >>$O/rc
	$M stop -u $U5 >/dev/null 2>>$O/err; echo "stop of a device that does not run $?" >>$O/rc
	$M start -u $U5 >/dev/null 2>>$O/err; echo "start of an unknown UUID without parent $?" >>$O/rc
	# a type without instances: mdpy-xga filled up behind the tools' backs
	made=""
	while [ "$(cat $T/mdpy/mdev_supported_types/mdpy-xga/available_instances)" -gt 0 ]; do
		u=$(new_uuid); sysw $T/mdpy/mdev_supported_types/mdpy-xga/create $u || break
		made="$made $u"
	done
	$M start -p mdpy -t mdpy-xga -u $U5 >/dev/null 2>>$O/err; echo "start without instances $?" >>$O/rc
	for u in $made; do sysw $B/$u/remove 1; done
	devices >$O/devices-after-errors
	# down again: stop and undefine through the tool
	for u in $U1 $U2 $U3 $U4; do $M stop -u $u 2>>$O/err; echo "stop $? " >>$O/rc; done
	for u in $U1 $U2 $U6; do $M undefine -u $u 2>>$O/err; echo "undefine $?" >>$O/rc; done
	$M undefine -u $U1 2>>$O/err; echo "undefine of an undefined UUID $?" >>$O/rc
	devices >$O/devices-end
	files >$O/files-end
}

sequence $THEIRS mdevctl
# the parent directory mdevctl leaves empty: gone, so both start alike
rmdir $D/mtty 2>/dev/null
sequence $OURS ours
rmdir $D/mtty 2>/dev/null

for f in rc devices files list.out list-json.out list-defined.out list-dv.out types.out \
	 define1.out define2.out start1.out start3.out start4.out spm.out \
	 devices-after-errors devices-end files-end; do
	check_eq "the same $f from mdevctl 1.2.0 and the personality" "$(cat $R/mdevctl/$f)" "$(cat $R/ours/$f)"
done
check_eq "the sequence made the four devices" 4 "$(wc -l <$R/ours/devices)"
check_match "the devices are the ones asked for" "*$U1 mtty mtty-2*$U2 mtty mtty-1*$U3 mtty mtty-2*$U4 mtty mtty-1*" \
	"$(cat $R/ours/devices | tr '\n' ' ')"
check_match "the error paths exit 1 in the personality" \
	"*active device 1*unknown type 1*does not run 1*without parent 1*without instances 1*" "$(cat $R/ours/rc | tr '\n' ' ')"
check_eq "the personality's start returns with the device bound" "start1-bound mtty" "$(cat $R/ours/bound)"
check_eq "the sequence left no mdev" $BEFORE $(ls $B | wc -l)
# vmdevctl mdevctl ARGS is the same personality
check_eq "vmdevctl mdevctl types is mdevctl types" "$($THEIRS types)" "$(vmdevctl mdevctl types)"
[ -z "$MADE_STDIN" ] || rm -f /dev/stdin
echo "# mdevctl's stderr:"; sed 's/^/#   /' $R/mdevctl/err
echo "# the personality's stderr:"; sed 's/^/#   /' $R/ours/err
exit 0
