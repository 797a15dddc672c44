#!/bin/sh
# Concurrency on the real kernel: many creates racing for few instances,
# two creates of one UUID, a create/remove storm under `monitor --json`,
# two binds and two removes of the same device at once. Every race must
# end consistent (exit codes honest, nothing left over) and the system is
# left as it was found.
. ./lib.sh
T=/sys/class/mdev_bus
if ! [ -x /usr/bin/vmdevctl ]; then
	fail "vmdevctl in the guest" "no /usr/bin/vmdevctl"
	exit 0
fi
R=/tmp/races
rm -rf $R; mkdir -p $R
avail() { cat $T/$1/mdev_supported_types/$2/available_instances; }
n_mdevs() { ls /sys/bus/mdev/devices | wc -l; }
# count LINES of FILE equal to WORD
count() { grep -cx "$1" "$2"; }

# ------------------------------------------------ many creates, few instances
A=$(avail mdpy mdpy-vga)
echo "# fact: mdpy-vga available_instances before the race: $A"
N=$((A * 2))
i=0
while [ $i -lt $N ]; do
	( vmdevctl create -p mdpy -t mdpy-vga >$R/c$i.out 2>$R/c$i.err; echo $? >$R/c$i.rc ) &
	i=$((i + 1))
done
wait
ok0=0 busy=0 other=""
i=0
while [ $i -lt $N ]; do
	case $(cat $R/c$i.rc) in
	0) ok0=$((ok0 + 1)) ;;
	5) busy=$((busy + 1))
	   grep -q "no available instances" $R/c$i.err || other="$other c$i:msg=$(cat $R/c$i.err)" ;;
	*) other="$other c$i:rc=$(cat $R/c$i.rc):$(cat $R/c$i.err)" ;;
	esac
	i=$((i + 1))
done
check_eq "$N parallel creates on mdpy-vga ($A available): exactly $A succeed" $A $ok0
check_eq "$N parallel creates: the other $((N - A)) exit 5 'no available instances'" "$((N - A))" "$busy"
check_eq "$N parallel creates: no other outcome" "" "$other"
check_eq "$N parallel creates: $A mdevs exist" $A $(n_mdevs)
check_eq "$N parallel creates: available_instances is 0" 0 $(avail mdpy mdpy-vga)
made=$(cat $R/c*.out)
check_eq "every printed UUID is an mdev" "$(echo $made | tr ' ' '\n' | sort)" "$(ls /sys/bus/mdev/devices | sort)"
vmdevctl remove $made
check_eq "after removing them: no mdevs left" 0 $(n_mdevs)
check_eq "after removing them: available_instances back to $A" $A $(avail mdpy mdpy-vga)

# ------------------------------------------------ the same UUID twice at once
rounds=10 bad=""
r=0
while [ $r -lt $rounds ]; do
	U=$(new_uuid)
	( vmdevctl create -p mtty -t mtty-1 -u $U >/dev/null 2>$R/u1.err; echo $? >$R/u1.rc ) &
	( vmdevctl create -p mtty -t mtty-2 -u $U >/dev/null 2>$R/u2.err; echo $? >$R/u2.rc ) &
	wait
	got="$(cat $R/u1.rc) $(cat $R/u2.rc)"
	case $got in
	"0 5"|"5 0") grep -qh "an mdev with that UUID exists" $R/u1.err $R/u2.err || bad="$bad round$r:msg" ;;
	*) bad="$bad round$r:rc=$got:$(cat $R/u1.err $R/u2.err | tr '\n' ' ')" ;;
	esac
	[ "$(n_mdevs)" = 1 ] || bad="$bad round$r:mdevs=$(n_mdevs)"
	vmdevctl -q remove $U || bad="$bad round$r:remove"
	r=$((r + 1))
done
check_eq "$rounds rounds of two creates of one UUID: one exits 0, one 5, one mdev" "" "$bad"
check_eq "same-UUID races left no mdevs" 0 $(n_mdevs)
check_eq "same-UUID races: mtty-1 and mtty-2 instances back" "24 12" "$(avail mtty mtty-1) $(avail mtty mtty-2)"

# ------------------------------------------------ two removes of one mdev at once
bad=""
r=0
while [ $r -lt 5 ]; do
	U=$(vmdevctl create -p mtty -t mtty-1)
	( vmdevctl remove $U 2>$R/r1.err; echo $? >$R/r1.rc ) &
	( vmdevctl remove $U 2>$R/r2.err; echo $? >$R/r2.rc ) &
	wait
	got="$(cat $R/r1.rc) $(cat $R/r2.rc)"
	case $got in
	"0 0"|"0 3"|"3 0") ;;
	*) bad="$bad round$r:rc=$got:$(cat $R/r1.err $R/r2.err | tr '\n' ' ')" ;;
	esac
	echo "# fact: two removes of one mdev at once: exit codes $got"
	r=$((r + 1))
done
check_eq "5 rounds of two removes of one mdev: each 0 or 3 'no mdev', at least one 0" "" "$bad"
check_eq "remove races left no mdevs" 0 $(n_mdevs)

# ------------------------------------------------ create/remove storm under monitor
LOOPS=3 ITER=50
vmdevctl monitor --json >$R/mon.json 2>$R/mon.err &
M=$!
sleep 0.5
t0=$(cut -d' ' -f1 /proc/uptime)
l=0
while [ $l -lt $LOOPS ]; do
	(
		i=0 fails=0
		while [ $i -lt $ITER ]; do
			u=$(vmdevctl create -p mtty -t mtty-1) && echo $u >>$R/storm$l.uuids || fails=$((fails + 1))
			[ -n "$u" ] && { vmdevctl remove $u || fails=$((fails + 1)); }
			i=$((i + 1))
		done
		echo $fails >$R/storm$l.fails
	) &
	l=$((l + 1))
done
wait_storm() { l=0; while [ $l -lt $LOOPS ]; do while ! [ -e $R/storm$l.fails ]; do sleep 0.1; done; l=$((l + 1)); done; }
wait_storm
t1=$(cut -d' ' -f1 /proc/uptime)
echo "# fact: storm of $LOOPS x $ITER create+remove: $(echo "$t1 $t0" | awk '{printf "%.1f s", $1-$2}') (TCG guest)"
sleep 1
alive=yes; kill -0 $M 2>/dev/null || alive=no
check_eq "monitor survived the storm" yes $alive
kill -INT $M; wait $M; rc=$?
check_eq "monitor exits 0 after the storm" 0 $rc
check_eq "monitor wrote nothing on stderr" "" "$(cat $R/mon.err)"
check_eq "storm: no create or remove failed" "0 0 0" "$(cat $R/storm0.fails) $(cat $R/storm1.fails) $(cat $R/storm2.fails)"
cat $R/storm*.uuids | sort >$R/made
n=$(wc -l <$R/made)
check_eq "storm: $((LOOPS * ITER)) mdevs made" $((LOOPS * ITER)) $n
sed -n 's/.*"event": "add", "kind": "mdev", "id": "\([^"]*\)".*/\1/p' $R/mon.json | sort >$R/adds
sed -n 's/.*"event": "remove", "kind": "mdev", "id": "\([^"]*\)".*/\1/p' $R/mon.json | sort >$R/removes
echo "# fact: monitor saw $(wc -l <$R/adds) mdev adds and $(wc -l <$R/removes) removes for $n creates"
check_eq "monitor saw one add per created mdev" "$(cat $R/made)" "$(cat $R/adds)"
check_eq "monitor saw one remove per created mdev" "$(cat $R/made)" "$(cat $R/removes)"
check_eq "monitor: every line one JSON object" "" "$(grep -v '^{.*}$' $R/mon.json | head -3)"
check_eq "storm left no mdevs" 0 $(n_mdevs)
check_eq "storm: mtty-1 instances back to 24" 24 $(avail mtty mtty-1)

# ------------------------------------------------ two binds of one device at once
GB=$(group_of $NIC_B)
bad=""
r=0
while [ $r -lt 10 ]; do
	( vmdevctl bind $NIC_B >/dev/null 2>$R/b1.err; echo $? >$R/b1.rc ) &
	( vmdevctl bind $NIC_B >/dev/null 2>$R/b2.err; echo $? >$R/b2.rc ) &
	wait
	rc1=$(cat $R/b1.rc) rc2=$(cat $R/b2.rc)
	d=$(drv_of $NIC_B) o=$(cat /sys/bus/pci/devices/$NIC_B/driver_override)
	echo "# fact: round $r: two binds of $NIC_B: exit $rc1 $rc2, ends on '$d', override $o"
	# binds of one device are serialized (flock on its sysfs directory):
	# the second sees the first's result, "already on vfio-pci", a success
	[ "$rc1 $rc2|$d|$o" = "0 0|vfio-pci|vfio-pci" ] ||
		bad="$bad round$r:exit $rc1 $rc2, ended '$d' override '$o': $(cat $R/b1.err $R/b2.err | tr '\n' ' ')"
	vmdevctl -q unbind $NIC_B 2>/dev/null || pci_restore $NIC_B
	[ "$(drv_of $NIC_B)" = e1000e ] || { pci_restore $NIC_B; bad="$bad round$r:unbind-did-not-restore"; }
	r=$((r + 1))
done
check_eq "10 rounds of two binds of $NIC_B: both exit 0, it ends on vfio-pci with the override set" "" "$bad"

# ------------------------------------------------ bind and unbind of one device at once
bad=""
r=0
while [ $r -lt 5 ]; do
	vmdevctl -q bind $NIC_B
	( vmdevctl unbind $NIC_B >/dev/null 2>$R/b1.err; echo $? >$R/b1.rc ) &
	( vmdevctl bind $NIC_B >/dev/null 2>$R/b2.err; echo $? >$R/b2.rc ) &
	wait
	rc1=$(cat $R/b1.rc) rc2=$(cat $R/b2.rc)
	d=$(drv_of $NIC_B) o=$(cat /sys/bus/pci/devices/$NIC_B/driver_override)
	echo "# fact: round $r: unbind and bind of $NIC_B at once: exit $rc1 $rc2, ends on '$d', override $o"
	# either order is fine; the end state must match the last one to run
	case "$rc1 $rc2|$d|$o" in
	"0 0|vfio-pci|vfio-pci"|"0 0|e1000e|(null)") ;;
	*) bad="$bad round$r:exit $rc1 $rc2, ended '$d' override '$o': $(cat $R/b1.err $R/b2.err | tr '\n' ' ')" ;;
	esac
	vmdevctl -q unbind $NIC_B 2>/dev/null
	[ "$(drv_of $NIC_B)" = e1000e ] || pci_restore $NIC_B
	r=$((r + 1))
done
check_eq "5 rounds of an unbind and a bind of $NIC_B at once: both exit 0, a consistent end state" "" "$bad"

# ------------------------------------------------ clean
check_eq "clean: no mdevs" 0 $(n_mdevs)
check_eq "clean: NICs on e1000e, no override" "e1000e e1000e (null)" "$(drv_of $NIC_A) $(drv_of $NIC_B) $(cat /sys/bus/pci/devices/$NIC_B/driver_override)"
check_absent "clean: /dev/vfio/$GB gone" /dev/vfio/$GB
rm -rf $R
exit 0
