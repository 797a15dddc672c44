# Shell helpers of the system tier's guest phases (bash; sourced).
# Every assertion prints one line, "ok - DESC" or "not ok - DESC: WHY";
# "# ..." lines are facts for the report. The host counts them.

export LIBVIRT_DEFAULT_URI=qemu:///system
export LC_ALL=C.UTF-8
T=/run/vmdevtest
# the scenario's two definitions: U1 libvirt's autostart one, U2 manual
U1=5b9c0f36-1a2b-4c3d-8e4f-0123456789ab
U2=7c1d2e3f-4a5b-4c6d-9e7f-fedcba987654
N1=mdev_${U1//-/_}_mtty
N2=mdev_${U2//-/_}_mtty

# a virsh that hangs (seen once, at libvirtd's idle exit, --timeout 120 in
# its unit) is a failed step, not a boot that runs into QEMU's timeout
virsh() { timeout 120 /usr/bin/virsh "$@"; }

ok() { echo "ok - $*"; }
fail() { local d=$1; shift; echo "not ok - $d: $*"; }
fact() { echo "# $*"; }

# check DESC CMD...: ok iff CMD exits 0
check() {
	local d=$1 out rc
	shift
	out=$("$@" 2>&1)
	rc=$?
	if [ $rc -eq 0 ]; then ok "$d"; else fail "$d" "'$*' exited $rc: $(printf '%s' "$out" | tr '\n' ' ' | cut -c1-400)"; fi
	return $rc
}
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; return 0; fi
	fail "$1" "expected '$(printf '%s' "$2" | tr '\n' '|')', got '$(printf '%s' "$3" | tr '\n' '|')'"
	return 1
}

# wait_for SECS CMD...: until CMD succeeds, at most SECS seconds
wait_for() {
	local n=$(($1 * 5))
	shift
	while ! "$@" >/dev/null 2>&1; do
		n=$((n - 1))
		[ $n -gt 0 ] || return 1
		sleep 0.2
	done
}

active() { [ -e "/sys/bus/mdev/devices/$1" ]; }

# the sysfs path of the parent node device NODE
parent_path() { virsh nodedev-dumpxml "$1" | sed -n 's:.*<path>\(.*\)</path>.*:\1:p'; }
# the parents' paths do not change: asked once, in this shell, so that the
# views (subshells) have them (virsh is slow under TCG)
declare -A PARENT_PATH
known_parents() {
	local p
	[ ${#PARENT_PATH[@]} -eq 0 ] || return 0
	for p in $(virsh nodedev-list --cap mdev_types); do PARENT_PATH[$p]=$(parent_path "$p"); done
}
# Each view of the definitions as sorted lines "UUID PARENT TYPE START ACTIVE".
# libvirt: its node devices, their XML and nodedev-info
view_libvirt() {
	local n x uuid type pnode parent info act auto
	for n in $(virsh nodedev-list --cap mdev --all); do
		x=$(virsh nodedev-dumpxml "$n") || return 1
		uuid=$(sed -n 's:.*<uuid>\(.*\)</uuid>.*:\1:p' <<<"$x")
		type=$(sed -n "s:.*<type id='\([^']*\)'.*:\1:p" <<<"$x")
		pnode=$(sed -n 's:.*<parent>\(.*\)</parent>.*:\1:p' <<<"$x")
		parent=${PARENT_PATH[$pnode]:-$(parent_path "$pnode")}
		info=$(virsh nodedev-info "$n") || return 1
		act=$(sed -n 's/^Active: *//p' <<<"$info")
		auto=$(sed -n 's/^Autostart: *//p' <<<"$info")
		[ "$auto" = yes ] && auto=auto || auto=manual
		echo "$uuid ${parent##*/} $type $auto $act"
	done | sort
}
# mdevctl (whichever the PATH gives, or MDEVCTL): the definitions, active per
# mdevctl list
view_mdevctl() {
	local json actives
	json=$(${MDEVCTL:-mdevctl} list --defined --dumpjson) || return 1
	actives=$(${MDEVCTL:-mdevctl} list | cut -d' ' -f1)
	jq -r '.[]? | to_entries[] | .key as $p | .value[] | to_entries[] |
		"\(.key) \($p) \(.value.mdev_type) \(.value.start)"' <<<"$json" |
		while read -r u p t s; do
			grep -qx "$u" <<<"$actives" && a=yes || a=no
			echo "$u $p $t $s $a"
		done | sort
}
# vmdevctl's own listing
view_vmdevctl() {
	vmdevctl list --defined --json |
		jq -r '.[] | "\(.uuid) \(.parent) \(.type) \(.start) \(if .active then "yes" else "no" end)"' | sort
}
# the files, active per sysfs
view_files() {
	local f u p
	for f in /etc/mdevctl.d/*/*; do
		[ -f "$f" ] || continue
		u=${f##*/} p=${f%/*} p=${p##*/}
		case $u in *-*-*-*-*) ;; *) continue ;; esac
		echo "$u $p $(jq -r '"\(.mdev_type) \(.start)"' "$f") $(active "$u" && echo yes || echo no)"
	done | sort
}

# agree STEP EXPECTED: each of the VIEWS equals the expected lines.
# libvirt learns about definition changes from inotify and udev: its view
# may lag a command by a moment, so it is given up to 15 s to settle.
agree() {
	local step=$1 want v got n=0
	want=$(printf '%s' "$2" | sort)
	known_parents
	for v in $VIEWS; do
		got=$("view_$v" 2>&1)
		while [ "$v" = libvirt ] && [ "$got" != "$want" ] && [ $n -lt 15 ]; do
			sleep 1
			n=$((n + 1))
			got=$("view_$v" 2>&1)
		done
		check_eq "$step: the $v view" "$want" "$got"
	done
}
