#!/bin/sh
# Persistent mdevs on the real kernel: definitions in /etc/mdevctl.d
# defined, started, stopped and undefined on every sample parent; vendor
# attributes written in order after create on mattr (our vfio-ap-like
# driver), each kernel error rolled back and worded; modify --live; two
# starts of one definition at once; autostart, twice, and two at once; a
# writer killed mid-replace; the built udev rule starting definitions when
# the parent appears (modprobe) and again at a coldplug replay; and the
# time to bring up 32 definitions against mdevctl's start-parent-mdevs.
# The system is left as it was found.
. ./lib.sh
if ! [ -x /usr/bin/vmdevctl ]; then
	fail "vmdevctl in the guest" "no /usr/bin/vmdevctl"
	exit 0
fi
D=/etc/mdevctl.d
B=/sys/bus/mdev/devices
R=/tmp/defs
rm -rf $R; mkdir -p $R $D
n_mdevs() { ls $B | wc -l; }
n_on() { _n=0; for _m in $B/*; do [ -e "$_m" ] || continue; [ "$(basename "$(dirname "$(readlink -f "$_m")")")" = "$1" ] && _n=$((_n + 1)); done; echo $_n; }
group_of() { basename "$(readlink $B/$1/iommu_group)"; }
matrix() { tr '\n' '|' <$B/$1/matrix | sed 's/|$//'; }
# the definitions' files must never be half written: every one parses
all_parse() { vmdevctl list --defined >/dev/null 2>$R/parse.err && ! [ -s $R/parse.err ]; }
BEFORE=$(n_mdevs)

# ------------------------------------------------ define, start, stop, undefine
for pt in mtty:mtty-2:mtty mdpy:mdpy-vga:mdpy mbochs:mbochs-small:mbochs mattr:mattr-1:mattr; do
	P=${pt%%:*}; rest=${pt#*:}; T=${rest%%:*}; DRV=${rest#*:}
	U=$(vmdevctl define -p $P -t $T 2>$R/err); RC=$?
	check_eq "define $P/$T exits 0" 0 $RC
	check_exists "define $P/$T wrote $D/$P/UUID" "$D/$P/$U"
	check_eq "define $P/$T: mdevctl's file format" "$(printf '{\n  "mdev_type": "%s",\n  "start": "manual",\n  "attrs": []\n}' $T)" "$(cat "$D/$P/$U")"
	check_match "list --defined: $P/$T defined, not active" '*"active": false*' "$(vmdevctl --json list --defined -u $U)"
	check "start $P/$T" vmdevctl start -u $U
	check_link "start $P/$T: the mdev exists" $B/$U
	check_eq "start $P/$T: bound to $DRV when start returns" $DRV "$(drv_of $B/$U)"
	G=$(group_of $U)
	check_exists "start $P/$T: /dev/vfio/$G is there when start returns" /dev/vfio/$G
	check_match "list --defined: $P/$T active" '*"active": true*' "$(vmdevctl --json list --defined -u $U)"
	vmdevctl start -u $U >/dev/null 2>$R/err; RC=$?
	check_eq "a second start of $P/$T is refused (exit 5)" 5 $RC
	check "stop $P/$T" vmdevctl stop -u $U
	check_absent "stop $P/$T: the mdev is gone" $B/$U
	check_exists "stop $P/$T: the definition stays" "$D/$P/$U"
	check "undefine $P/$T" vmdevctl undefine -u $U
	check_absent "undefine $P/$T: the file is gone" "$D/$P/$U"
done
check_eq "define/start/stop/undefine left no mdev" $BEFORE $(n_mdevs)

# ------------------------------------------------ attributes, in order
U=$(vmdevctl define -p mattr -t mattr-1 --attr assign_adapter=5 --attr assign_domain=0xab \
	--attr assign_control_domain=3)
check "start with three attributes" vmdevctl start -u $U
check_eq "the attributes were written in order" "adapter 0x05|domain 0xab|control_domain 0x03" "$(matrix $U)"
check_match "start --json gives the attrs in order" '*"name": "assign_adapter"*"value": "5"*"name": "assign_domain"*"name": "assign_control_domain"*' \
	"$(vmdevctl --json list --defined -u $U)"
# modify --live: the definition and the running device
check "modify --live appends assign_domain=7" vmdevctl modify -u $U --attr assign_domain=7 --live
check_eq "modify --live wrote it to the running mdev, last" "adapter 0x05|domain 0xab|control_domain 0x03|domain 0x07" "$(matrix $U)"
check_match "modify --live stored it in the definition" '*"assign_domain": "7"*' "$(cat $D/mattr/$U)"
check "modify without --live changes only the file" vmdevctl modify -u $U --attr assign_domain=9
check_eq "without --live the running mdev is untouched" "adapter 0x05|domain 0xab|control_domain 0x03|domain 0x07" "$(matrix $U)"

# each error the driver can return: exit 1, the attribute, value and
# meaning named, and nothing left of the device
N0=$(n_mdevs)
for c in "assign_adapter=99:no such" "assign_domain=13:reserved" "assign_adapter=5:another device" \
	"assign_domain=abc:rejected" "assign_domain=1,assign_adapter=5:another device"; do
	attrs=${c%%:*}; want=${c#*:}
	set --
	for a in $(echo $attrs | tr ',' ' '); do set -- "$@" --attr "$a"; done
	V=$(vmdevctl define -p mattr -t mattr-1 "$@")
	vmdevctl start -u $V >$R/out 2>$R/err; RC=$?
	last=${attrs##*,}
	check_eq "start with $attrs exits 1" 1 $RC
	check_match "start with $attrs names ${last%%=*}, ${last#*=} and why" "*${last%%=*}*${last#*=}*$want*" "$(cat $R/err)"
	check_eq "start with $attrs left nothing" $N0 $(n_mdevs)
	check_absent "start with $attrs: no $V" $B/$V
	vmdevctl undefine -u $V
done
check "stop the mdev with attributes" vmdevctl stop -u $U
vmdevctl undefine -u $U

# ------------------------------------------------ two starts of one definition at once
bad=""
for r in 1 2 3 4 5; do
	U=$(vmdevctl define -p mtty -t mtty-1)
	( vmdevctl start -u $U >/dev/null 2>$R/s1.err; echo $? >$R/s1.rc ) &
	( vmdevctl start -u $U >/dev/null 2>$R/s2.err; echo $? >$R/s2.rc ) &
	wait
	rcs=$(cat $R/s1.rc $R/s2.rc | sort | tr '\n' ' ')
	[ "$rcs" = "0 5 " ] || bad="$bad round $r: exits $rcs ($(cat $R/s1.err $R/s2.err | tr '\n' ' '))"
	[ "$(n_on mtty)" = 1 ] || bad="$bad round $r: $(n_on mtty) mdevs on mtty"
	vmdevctl stop -u $U 2>/dev/null; vmdevctl undefine -u $U
done
check_eq "two starts of one definition at once: one wins, one is refused (5), one mdev (5 rounds)" "" "$bad"
check_eq "the start races left nothing" $BEFORE $(n_mdevs)

# ------------------------------------------------ autostart: idempotent, and safe against itself
A1=$(vmdevctl define -p mtty -t mtty-1 --auto)
A2=$(vmdevctl define -p mtty -t mtty-2 --auto)
M1=$(vmdevctl define -p mtty -t mtty-1)
vmdevctl autostart mtty >$R/out 2>&1; RC=$?
check_eq "autostart mtty exits 0" 0 $RC
check_link "autostart started the first auto definition" $B/$A1
check_link "autostart started the second" $B/$A2
check_absent "autostart left the manual one alone" $B/$M1
OUT=$(vmdevctl --json autostart mtty); RC=$?
check_eq "a second autostart exits 0" 0 $RC
check_match "a second autostart reports both already active" '*"action": "already-active"*"action": "already-active"*' "$OUT"
check_eq "a second autostart changed nothing" 2 $(n_on mtty)
vmdevctl stop -u $A1; vmdevctl stop -u $A2
( vmdevctl autostart mtty >$R/a1.out 2>&1; echo $? >$R/a1.rc ) &
( vmdevctl autostart mtty >$R/a2.out 2>&1; echo $? >$R/a2.rc ) &
wait
check_eq "two autostarts of mtty at once both exit 0" "0 0" "$(cat $R/a1.rc) $(cat $R/a2.rc)"
check_eq "two autostarts at once: each definition started once" 2 $(n_on mtty)
vmdevctl stop -u $A1; vmdevctl stop -u $A2
for u in $A1 $A2 $M1; do vmdevctl undefine -u $u; done

# ------------------------------------------------ a writer killed mid-replace
U=$(vmdevctl define -p mtty -t mtty-2)
torn=""
i=0
while [ $i -lt 30 ]; do
	vmdevctl modify -u $U --attr "note$i=value$i" >/dev/null 2>&1 &
	usleep $(( (i * 7919) % 3000 ))
	kill -9 $! 2>/dev/null
	wait 2>/dev/null
	all_parse || torn="$torn after kill $i: $(cat $R/parse.err | tr '\n' ' ')"
	i=$((i + 1))
done
check_eq "30 writers killed with SIGKILL mid-replace: the file is always whole" "" "$torn"
check_match "the definition is still its own after the kills" '*"mdev_type": "mtty-2"*' "$(cat $D/mtty/$U)"
vmdevctl undefine -u $U
leftover=$(ls -A $D/mtty 2>/dev/null | grep -v '^\.' | tr '\n' ' ')
check_eq "no definition of mtty is left" "" "$leftover"

# ------------------------------------------------ the udev rule: hotplug and coldplug
RULE=/tests/vm/60-vmdevctl.rules
if ! [ -f $RULE ] || ! [ -x /usr/bin/systemd-udevd ]; then
	fail "the built udev rule and udevd in the guest" "rule $RULE or systemd-udevd missing"
else
	# the rule names vmdevctl where the build installs it: put it there
	BIN=$(sed -n "s|.*RUN+=\"/bin/sh -c '\([^ ]*vmdevctl\) .*|\1|p" $RULE)
	check_match "the rule runs vmdevctl by its installed path" "/*/vmdevctl" "$BIN"
	mkdir -p "$(dirname "$BIN")" /etc/udev/rules.d /run/udev
	[ -x "$BIN" ] || ln -s /usr/bin/vmdevctl "$BIN"
	cp $RULE /etc/udev/rules.d/
	/usr/bin/systemd-udevd --daemon >/dev/null 2>&1
	n=50; while [ $n -gt 0 ] && ! [ -e /run/udev/control ]; do sleep 0.1; n=$((n-1)); done
	UDEVD=$(pidof systemd-udevd | cut -d' ' -f1)
	# every mattr mdev away, the module out: the parent is gone
	for m in $B/*; do [ -e "$m" ] && [ "$(drv_of "$m")" = mattr ] && echo 1 >"$m/remove"; done
	rmmod mattr
	check_absent "mattr unloaded: no parent" /sys/class/mdev_bus/mattr
	H1=$(vmdevctl define -p mattr -t mattr-1 --auto --attr assign_adapter=2)
	H2=$(vmdevctl define -p mattr -t mattr-1 --auto)
	H3=$(vmdevctl define -p mattr -t mattr-1)
	check_exists "definitions of an absent parent are stored" $D/mattr/$H1
	modprobe mattr
	n=200; while [ $n -gt 0 ] && ! { [ -e $B/$H1/driver ] && [ -e $B/$H2/driver ]; }; do sleep 0.1; n=$((n-1)); done
	udevadm settle --timeout=20 2>/dev/null
	check_link "hotplug: the rule started the first auto definition" $B/$H1/driver
	check_link "hotplug: the rule started the second" $B/$H2/driver
	check_absent "hotplug: the manual definition stays down" $B/$H3
	check_eq "hotplug: the first one's attribute was written" "adapter 0x02" "$(matrix $H1)"
	check_eq "hotplug: two mdevs on mattr" 2 $(n_on mattr)
	# coldplug replay (what udevadm trigger does at boot): nothing new
	udevadm trigger --action=add /sys/devices/virtual/mattr/mattr
	udevadm settle --timeout=20 2>/dev/null
	sleep 1
	check_eq "coldplug replay: still two mdevs on mattr (autostart is idempotent)" 2 $(n_on mattr)
	kill $UDEVD; n=30; while [ $n -gt 0 ] && [ -e /proc/$UDEVD ]; do sleep 0.1; n=$((n-1)); done
	rm -f /run/udev/control /etc/udev/rules.d/60-vmdevctl.rules
	for u in $H1 $H2; do vmdevctl stop -u $u; done
	for u in $H1 $H2 $H3; do vmdevctl undefine -u $u; done
fi

# ------------------------------------------------ 32 at once: vmdevctl autostart and mdevctl
rmmod mattr && modprobe mattr max_mdevs=40
check_eq "mattr reloaded with 40 instances" 40 "$(cat /sys/class/mdev_bus/mattr/mdev_supported_types/mattr-1/available_instances)"
i=0; while [ $i -lt 32 ]; do vmdevctl define -p mattr -t mattr-1 --auto >/dev/null; i=$((i + 1)); done
t0=$(cut -d' ' -f1 /proc/uptime)
vmdevctl autostart mattr >$R/out 2>&1; RC=$?
t1=$(cut -d' ' -f1 /proc/uptime)
check_eq "autostart of 32 definitions exits 0" 0 $RC
ready=0
for f in $D/mattr/*; do
	u=$(basename $f)
	[ -e $B/$u/driver ] && [ -e /dev/vfio/$(group_of $u) ] && ready=$((ready + 1))
done
check_eq "autostart of 32: each bound with its /dev/vfio node when it returns" 32 $ready
echo "# fact: vmdevctl autostart of 32 mattr definitions, each ready: $(echo "$t0 $t1" | awk '{printf "%d ms", ($2 - $1) * 1000}')"
for f in $D/mattr/*; do echo 1 >$B/$(basename $f)/remove; done
if [ -x /usr/bin/mdevctl ]; then
	t0=$(cut -d' ' -f1 /proc/uptime)
	mdevctl start-parent-mdevs mattr >$R/mout 2>&1; MRC=$?
	t1=$(cut -d' ' -f1 /proc/uptime)
	echo "# fact: mdevctl 1.2.0 start-parent-mdevs of the same 32 (exit $MRC, $(n_on mattr) created; it does not wait for the driver): $(echo "$t0 $t1" | awk '{printf "%d ms", ($2 - $1) * 1000}')"
	for m in $B/*; do [ -e "$m" ] && [ "$(drv_of "$m")" = mattr ] && echo 1 >"$m/remove"; done
fi
rm -rf $D/mattr
rmmod mattr && modprobe mattr
check_eq "mattr back to 8 instances" 8 "$(cat /sys/class/mdev_bus/mattr/mdev_supported_types/mattr-1/available_instances)"
check_eq "the definitions tests left no mdev" $BEFORE $(n_mdevs)
exit 0
