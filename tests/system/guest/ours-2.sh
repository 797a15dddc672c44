# Boot 2 with our packages: the reboot's outcome and the rest of the
# scenario; libvirt's environment for mdevctl; upgrade, removal, purge.
. ./lib.sh
. ./scenario.sh
VIEWS="libvirt mdevctl vmdevctl files"
PKGS="libvmdev1 vmdevctl vmdevctl-mdevctl"

dpkg_clean() {
	local d=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ] && ! grep -qi error <<<"$out"; then ok "$d"; else fail "$d" "exit $rc: $(tr '\n' ' ' <<<"$out" | cut -c1-600)"; fi
	grep -i warning <<<"$out" | sed 's/^/# dpkg: /'
}

j=$(journalctl -b -u vmdevctl-autostart@mtty.service -o cat)
sed 's/^/# journal: /' <<<"$j" | head -n 20
check "vmdevctl-autostart@mtty.service started the definition this boot" grep -q "^$U1 on mtty/mtty-2: started" <<<"$j"
check_eq "vmdevctl-autostart@mtty.service succeeded" success "$(systemctl show -p Result --value vmdevctl-autostart@mtty.service)"

# libvirt runs mdevctl under its own service: a logging mdevctl earlier in
# its PATH (/usr/local/bin) records how, then runs ours
cat >/usr/local/bin/mdevctl <<'WRAP'
#!/bin/bash
{
	echo "argv: $*"
	echo "uid: $(id -u)"
	echo "cgroup: $(cat /proc/self/cgroup)"
	echo "parent: $(cat /proc/$PPID/comm)"
	grep -E '^(CapEff|NoNewPrivs|Seccomp):' /proc/self/status
	env | sort | sed 's/^/env: /'
} >>/run/mdevctl-calls.log
(exec -a mdevctl /usr/bin/mdevctl "$@")
rc=$?
echo "rc: $rc" >>/run/mdevctl-calls.log
exit $rc
WRAP
chmod 755 /usr/local/bin/mdevctl
# the scenario's own views use ours directly: the log is libvirt's alone
MDEVCTL=/usr/bin/mdevctl
scenario_start
scenario_part2
rm -f /usr/local/bin/mdevctl
log=/run/mdevctl-calls.log
check "libvirt ran mdevctl stop through its PATH" grep -q "^argv: stop --uuid=$U1" $log
check "libvirt ran mdevctl undefine through its PATH" grep -q "^argv: undefine --uuid=$U2" $log
check_eq "every mdevctl libvirt ran succeeded" "" "$(grep '^rc: ' $log | grep -v '^rc: 0$')"
check "libvirt ran mdevctl list --dumpjson --defined" grep -q "^argv: list --dumpjson --defined$" $log
check_eq "every call from libvirtd's own service (its cgroup)" "" "$(grep '^cgroup: ' $log | grep -v '^cgroup: 0::/system.slice/libvirtd.service$')"
check_eq "as root" "" "$(grep '^uid: ' $log | grep -v '^uid: 0$')"
sed -n 's/^argv: /# libvirt ran: mdevctl /p' $log | sort | uniq -c | sed 's/^ */# /'
awk '/^argv: /{n++} n==1 && !/^argv: /' $log | sed 's/^/# libvirt env: /'
for p in ProtectSystem ProtectHome PrivateTmp PrivateDevices NoNewPrivileges CapabilityBoundingSet \
	DevicePolicy SystemCallFilter ReadWritePaths KillMode LimitNOFILE TasksMax; do
	fact "libvirtd.service $p=$(systemctl show -p $p --value libvirtd.service | cut -c1-120)"
done

# the packages: upgrade (the same build with a higher version), removal
# and purge keep the admin's definitions
U3=9e8d7c6b-5a49-4c38-b271-60504030201f
check "a definition of the admin's" vmdevctl define -u $U3 -p mtty -t mtty-1
f=/etc/mdevctl.d/mtty/$U3
sum=$(md5sum <"$f")
next=$(dpkg-deb -f "$(ls "$T"/debs-next/vmdevctl_*.deb)" Version)
dpkg_clean "dpkg -i upgrades to $next" dpkg -i "$T"/debs-next/*.deb
check_eq "vmdevctl is $next" "$next" "$(dpkg-query -W -f='${Version}' vmdevctl)"
check "after the upgrade vmdevctl lists the definition" grep -q $U3 <(mdevctl list --defined)
dpkg_clean "dpkg -r of the three packages" dpkg -r $PKGS
check "removed: no /usr/bin/mdevctl" test ! -e /usr/bin/mdevctl
check "removed: no /usr/sbin/vmdevctl" test ! -e /usr/sbin/vmdevctl
check_eq "removed: the definition is kept, unchanged" "$sum" "$(md5sum <"$f" 2>&1)"
dpkg_clean "dpkg --purge of the three packages" dpkg --purge $PKGS
check_eq "purged: the definition is kept, unchanged" "$sum" "$(md5sum <"$f" 2>&1)"
check_eq "purged: dpkg knows none of them" "" "$(dpkg-query -W -f='${Package} ${Status}\n' $PKGS 2>/dev/null | grep -v 'not-installed$')"
check "dpkg --audit finds nothing" test -z "$(dpkg --audit 2>&1)"
dpkg_clean "dpkg -i after the purge" dpkg -i "$T"/debs/*.deb
check_eq "the kept definition is listed again" "$U3 mtty mtty-1 manual no" "$(view_vmdevctl)"
# the end reached: the host checks for it
exit 0
