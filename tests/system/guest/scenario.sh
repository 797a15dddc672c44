# The libvirt scenario (sourced by the phases): libvirt drives whichever
# mdevctl the PATH gives. VIEWS names the views that must agree at every
# step (see lib.sh). Part 1 runs before the reboot, part 2 after it.

xml() { # UUID TYPE: a node device XML for an mdev on mtty
	cat <<XML
<device>
  <parent>mtty_mtty</parent>
  <capability type='mdev'>
    <type id='$2'/>
    <uuid>$1</uuid>
  </capability>
</device>
XML
}

# libvirt learns about definition changes from inotify and udev: its view
# may lag a command by a moment, so agree_settled waits up to 15 s for it
agree_settled() {
	local want
	want=$(printf '%s' "$2" | sort)
	wait_for 15 test "$(view_libvirt 2>&1)" = "$want"
	agree "$@"
}

# libvirt and the mtty parent as the boot left them
scenario_start() {
	fact "kernel $(uname -r); libvirt $(dpkg-query -W -f='${Version}' libvirt-daemon); mdevctl: $(readlink -f "$(command -v mdevctl)" 2>/dev/null || echo none)"
	check "mtty loaded at boot (modules-load.d)" test -e /sys/class/mdev_bus/mtty
	# libvirt found no /etc/mdevctl.d when it started before the package
	# was installed: a restart, as after installing mdevctl
	check "libvirtd restarts" systemctl restart libvirtd
	check "virsh connects" wait_for 60 virsh nodedev-list
}

scenario_part1() {
	local out
	out=$(virsh nodedev-list --cap mdev_types 2>&1)
	check_eq "nodedev-list --cap mdev_types: the mtty parent" mtty_mtty "$(grep mtty <<<"$out")"
	agree "before any definition" ""

	xml "$U1" mtty-2 >/tmp/u1.xml
	check "nodedev-define (mtty-2, fixed UUID)" virsh nodedev-define /tmp/u1.xml
	agree_settled "after nodedev-define" "$U1 mtty mtty-2 manual no"
	out=$(virsh nodedev-list --cap mdev --all)
	check_eq "nodedev-list --cap mdev --all: the defined one" "$N1" "$(grep mdev_ <<<"$out")"
	out=$(virsh nodedev-list --cap mdev)
	check_eq "nodedev-list --cap mdev: nothing active" "" "$(grep mdev_ <<<"$out")"
	check "nodedev-info: inactive" grep -qx 'Active: *no' <(virsh nodedev-info "$N1")

	check "nodedev-start" virsh nodedev-start "$N1"
	check "the mdev exists" active "$U1"
	agree_settled "after nodedev-start" "$U1 mtty mtty-2 manual yes"

	check "nodedev-autostart" virsh nodedev-autostart "$N1"
	agree_settled "after nodedev-autostart" "$U1 mtty mtty-2 auto yes"

	xml "$U2" mtty-1 >/tmp/u2.xml
	check "nodedev-define of a second, manual one (mtty-1)" virsh nodedev-define /tmp/u2.xml
	check "nodedev-start of the manual one" virsh nodedev-start "$N2"
	agree_settled "two definitions, both active" "$U1 mtty mtty-2 auto yes
$U2 mtty mtty-1 manual yes"

	out=$(virsh nodedev-dumpxml "$N1")
	check "nodedev-dumpxml: uuid" grep -q "<uuid>$U1</uuid>" <<<"$out"
	check "nodedev-dumpxml: type" grep -q "<type id='mtty-2'" <<<"$out"
	check "nodedev-dumpxml: parent" grep -q "<parent>mtty_mtty</parent>" <<<"$out"
	fact "definition files before the reboot: $(cd /etc/mdevctl.d && echo */*)"
}

scenario_part2() {
	local t=0
	while ! active "$U1" && [ $t -lt 30 ]; do sleep 1; t=$((t + 1)); done
	check "after the reboot: the autostart definition is active by itself" active "$U1"
	fact "waited $t s for it after the scenario began; uptime $(cut -d' ' -f1 /proc/uptime) s"
	check "after the reboot: the manual definition is not active" test ! -e "/sys/bus/mdev/devices/$U2"
	check "virsh connects" wait_for 60 virsh nodedev-list
	agree_settled "after the reboot" "$U1 mtty mtty-2 auto yes
$U2 mtty mtty-1 manual no"

	# who holds the mdev's group, if anyone (a stop is refused then)
	local p f t
	for p in /proc/[0-9]*; do
		for f in "$p"/fd/*; do
			t=$(readlink "$f" 2>/dev/null) || continue
			case $t in /dev/vfio/*) fact "holder: $(cat "$p/comm" 2>/dev/null) (pid ${p#/proc/}, $(tr '\0' ' ' <"$p/cmdline" 2>/dev/null | cut -c1-80)) has $t open" ;; esac
		done
	done
	[ -x /usr/sbin/vmdevctl ] && vmdevctl groups 2>&1 | grep -v '^ *0000:' | sed 's/^/# vmdevctl groups: /'
	check "nodedev-destroy of the autostart one" virsh nodedev-destroy "$N1"
	check "the mdev is gone" test ! -e "/sys/bus/mdev/devices/$U1"
	agree_settled "after nodedev-destroy" "$U1 mtty mtty-2 auto no
$U2 mtty mtty-1 manual no"
	check "nodedev-undefine of the autostart one" virsh nodedev-undefine "$N1"
	agree_settled "after nodedev-undefine" "$U2 mtty mtty-1 manual no"
	check "nodedev-undefine of the manual one" virsh nodedev-undefine "$N2"
	agree_settled "after both are undefined" ""
	check "/etc/mdevctl.d/mtty holds no definition" test -z "$(ls /etc/mdevctl.d/mtty 2>/dev/null)"
}
