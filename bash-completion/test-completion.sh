#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-or-later
# Test the bash completion of vmdevctl against a sysfs tree.
#
#   bash-completion/test-completion.sh VMDEVCTL ROOT
#
# VMDEVCTL is the built binary, ROOT the tree it reads (/ for the host).
# The mdev, group and driver cases check against what `vmdevctl --root ROOT`
# itself lists, and are skipped where ROOT has none. Prints "N passed,
# M failed" and exits non-zero when a case fails (77, "skip", when VMDEVCTL
# cannot run).
set -u

VMDEVCTL=${1:?usage: test-completion.sh VMDEVCTL ROOT}
ROOT=${2:?usage: test-completion.sh VMDEVCTL ROOT}
HERE=$(cd "$(dirname "$0")" && pwd)
case $VMDEVCTL in /*) ;; *) VMDEVCTL=$(pwd)/$VMDEVCTL ;; esac

[[ -x $VMDEVCTL ]] || { echo "cannot run $VMDEVCTL"; exit 1; }

# `vmdevctl` on PATH is the binary under test.
BIN=$(mktemp -d "${TMPDIR:-/tmp}/test-completion.XXXXXX") || exit 1
trap 'rm -rf "$BIN"' EXIT
# a recorded tree (tests/golden/*/tree.tar.gz) is unpacked first; with one,
# every case must run: a skip would mean the tree lost what it recorded
STRICT=0
if [[ $ROOT == *.tar.gz ]]; then
	mkdir "$BIN/root" && tar -xzf "$ROOT" -C "$BIN/root" || exit 1
	ROOT=$BIN/root
	STRICT=1
fi
[[ -d $ROOT ]] || { echo "no directory $ROOT"; exit 1; }
ln -s "$VMDEVCTL" "$BIN/vmdevctl"
PATH=$BIN:$PATH
unset VMDEV_ROOT VMDEV_LOG VMDEV_TIMEOUT
COMP_WORDBREAKS=$' \t\n"\'@><=;|&(:'

# shellcheck source=bash-completion/vmdevctl
. "$HERE/vmdevctl"

passed=0 failed=0

# comp WORD...: complete the last WORD (as bash splits the line) and leave
# the candidates in COMPREPLY.
comp()
{
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE="$*"
	COMP_POINT=${#COMP_LINE}
	COMPREPLY=()
	_vmdevctl vmdevctl "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
}

ok() { passed=$((passed + 1)); echo "ok - $1"; }
not_ok() { failed=$((failed + 1)); echo "not ok - $1"; echo "#   got: ${COMPREPLY[*]:-(nothing)}"; }

# has DESC WANT WORD...: WANT is among the candidates
has()
{
	local desc=$1 want=$2 c
	shift 2
	comp "$@"
	for c in "${COMPREPLY[@]}"; do
		[[ $c == "$want" ]] && { ok "$desc"; return; }
	done
	not_ok "$desc (want $want)"
}

# lacks DESC UNWANTED WORD...: UNWANTED is not among the candidates
lacks()
{
	local desc=$1 unwanted=$2 c
	shift 2
	comp "$@"
	for c in "${COMPREPLY[@]}"; do
		[[ $c == "$unwanted" ]] && { not_ok "$desc (unwanted $unwanted)"; return; }
	done
	ok "$desc"
}

# exactly DESC "WANT..." WORD...: the candidates, sorted, are WANT
exactly()
{
	local desc=$1 want=$2 got
	shift 2
	comp "$@"
	got=$(printf '%s\n' "${COMPREPLY[@]}" | sed '/^$/d' | sort | tr '\n' ' ')
	# shellcheck disable=SC2086 # WANT is a list of words
	want=$(printf '%s\n' $want | sed '/^$/d' | sort | tr '\n' ' ')
	if [[ $got == "$want" ]]; then
		ok "$desc"
	else
		not_ok "$desc (want $want)"
	fi
}

# all_start DESC PREFIX WORD...: there are candidates and all start with PREFIX
all_start()
{
	local desc=$1 prefix=$2 c
	shift 2
	comp "$@"
	((${#COMPREPLY[@]} > 0)) || { not_ok "$desc (no candidates)"; return; }
	for c in "${COMPREPLY[@]}"; do
		[[ $c == "$prefix"* ]] || { not_ok "$desc ($c)"; return; }
	done
	ok "$desc"
}

R=(--root "$ROOT")
v() { "$VMDEVCTL" "${R[@]}" "$@" 2>/dev/null; }

# ---- commands and options ------------------------------------------------
cmds=$("$VMDEVCTL" --list-cmds)
exactly "commands for 'vmdevctl '" "$cmds" vmdevctl ""
exactly "commands for 'vmdevctl l'" "list" vmdevctl l
has "commands after a global option" groups vmdevctl -j "${R[@]}" g
has "commands after --root=DIR" devices vmdevctl --root "=" "$ROOT" d
has "--json among the options of list" --json vmdevctl list --
has "-j among the options of list" -j vmdevctl list -
has "--parent among the options of list" --parent vmdevctl list --p
has "--uuid among the options of list" --uuid vmdevctl list --
lacks "no --uuid for types" --uuid vmdevctl types --
has "--iommu-group among the options of devices" --iommu-group vmdevctl devices --
has "-d among the options of devices" -d vmdevctl devices -
has "-n among the global short options" -n vmdevctl devices -
lacks "no --driver for list" --driver vmdevctl list --
has "--root among the global options" --root vmdevctl --r
has "--version before a command" --version vmdevctl --v
exactly "help completes commands" "$cmds" vmdevctl help ""
exactly "help completes one command" "" vmdevctl help list ""
exactly "nothing for --timeout" "" vmdevctl --timeout ""
exactly "no argument for parents" "" vmdevctl parents ""
for c in create remove bind unbind monitor qemu-args; do
	has "$c among the commands" "$c" vmdevctl ""
done
has "--parent among the options of create" --parent vmdevctl create --
has "--type among the options of create" --type vmdevctl create --
has "--uuid among the options of create" --uuid vmdevctl create --
has "--uuid among the options of remove" --uuid vmdevctl remove --
lacks "no --parent for remove" --parent vmdevctl remove --
has "--group among the options of bind" --group vmdevctl bind --
has "--new-id among the options of bind" --new-id vmdevctl bind --
has "--force among the options of bind" --force vmdevctl bind --
has "--force among the options of start (past a refusing callout)" --force vmdevctl start --
has "--force among the options of define" --force vmdevctl define --
lacks "no --force for list" --force vmdevctl list --
has "--driver among the options of bind" --driver vmdevctl bind --
has "-d among the options of bind" -d vmdevctl bind -
has "--dry-run among the options of bind" --dry-run vmdevctl bind --d
lacks "no --no-probe for bind" --no-probe vmdevctl bind --
has "--no-probe among the options of unbind" --no-probe vmdevctl unbind --
lacks "no --group for unbind" --group vmdevctl unbind --
has "--json among the options of monitor" --json vmdevctl monitor --
lacks "no --uuid for monitor" --uuid vmdevctl monitor --
exactly "no argument for monitor" "" vmdevctl monitor ""
exactly "options after bind --group" "--group" vmdevctl bind --group --gr
has "--iommufd among the options of qemu-args" --iommufd vmdevctl qemu-args --
lacks "no --iommufd for devices" --iommufd vmdevctl devices --

# ---- --root completes directories ---------------------------------------
has "--root completes directories" "$BIN" vmdevctl --root "$BIN"
has "--root=DIR completes directories" "$BIN" vmdevctl --root "=" "$BIN"
lacks "--root offers no files" "$BIN/vmdevctl" vmdevctl --root "$BIN/"

# ---- PCI devices ----------------------------------------------------------
mapfile -t addrs < <(v devices | awk 'NR > 1 { print $1 }')
if ((${#addrs[@]})); then
	a=${addrs[0]}
	has "a PCI address for 'devices 0000:'" "${a#0000:}" vmdevctl "${R[@]}" devices 0000 ":"
	has "a PCI address for 'devices ' (whole word)" "$a" vmdevctl "${R[@]}" devices ""
	all_start "addresses for 'devices ${a:0:7}' keep the prefix" "${a:5:2}" \
		vmdevctl "${R[@]}" devices 0000 ":" "${a:5:2}"
	has "a PCI address as a check target" "$a" vmdevctl "${R[@]}" check ""
	has "PCI addresses after options" "$a" vmdevctl devices -j "${R[@]}" ""
	has "a PCI address for 'bind '" "$a" vmdevctl "${R[@]}" bind ""
	has "a PCI address for 'bind 0000:'" "${a#0000:}" vmdevctl "${R[@]}" bind 0000 ":"
	has "a PCI address after bind --group" "$a" vmdevctl "${R[@]}" bind --group ""
	has "a PCI address after bind -d DRIVER" "$a" vmdevctl "${R[@]}" bind -d vfio-pci ""
	has "a PCI address for 'qemu-args '" "$a" vmdevctl "${R[@]}" qemu-args ""
	has "a PCI address after qemu-args --iommufd" "$a" vmdevctl "${R[@]}" qemu-args --iommufd ""
	has "a second PCI address for bind" "${addrs[-1]}" vmdevctl "${R[@]}" bind "$a" ""
	has "a PCI address for 'unbind '" "$a" vmdevctl "${R[@]}" unbind ""
	has "a PCI address after unbind --no-probe" "$a" vmdevctl "${R[@]}" unbind --no-probe ""
	has "bind -d offers vfio-pci" vfio-pci vmdevctl "${R[@]}" bind -d ""
	has "bind -d offers pci-stub" pci-stub vmdevctl "${R[@]}" bind -d ""
	has "bind -d offers auto" auto vmdevctl "${R[@]}" bind -d ""
	lacks "devices -d does not offer auto" auto vmdevctl "${R[@]}" devices -d ""
	exactly "bind --driver=vf offers vfio-pci" "vfio-pci" vmdevctl "${R[@]}" bind --driver "=" vf
	lacks "bind -d offers no address" "$a" vmdevctl "${R[@]}" bind -d ""
	drv=$(v devices | awk 'NR > 1 && $5 != "-" { print $5; exit }')
	if [[ -n $drv ]]; then
		has "drivers after -d" "$drv" vmdevctl "${R[@]}" devices -d ""
		has "drivers after --driver" "$drv" vmdevctl "${R[@]}" devices --driver "${drv:0:1}"
		has "drivers after --driver=" "$drv" vmdevctl "${R[@]}" devices --driver "=" ""
		lacks "no '-' among drivers" "-" vmdevctl "${R[@]}" devices -d ""
		has "bind -d offers the bound drivers" "$drv" vmdevctl "${R[@]}" bind -d ""
		lacks "bind -d offers no '-'" "-" vmdevctl "${R[@]}" bind -d ""
	else
		SKIPS+="no bound PCI device under $ROOT"$'\n'; echo "# skip: no bound PCI device under $ROOT"
	fi
else
	SKIPS+="no PCI device under $ROOT"$'\n'; echo "# skip: no PCI device under $ROOT"
fi
exactly "no PCI address for a prefix that matches none" "" vmdevctl "${R[@]}" devices zz

# ---- IOMMU groups ---------------------------------------------------------
mapfile -t groups < <(v groups | sed -n 's/^group \([0-9]*\):.*/\1/p')
if ((${#groups[@]})); then
	has "groups for 'groups '" "${groups[0]}" vmdevctl "${R[@]}" groups ""
	has "groups as check targets" "${groups[-1]}" vmdevctl "${R[@]}" check ""
	has "groups after devices -g" "${groups[0]}" vmdevctl "${R[@]}" devices -g ""
	has "groups after --iommu-group" "${groups[0]}" vmdevctl "${R[@]}" devices --iommu-group ""
else
	SKIPS+="no IOMMU group under $ROOT"$'\n'; echo "# skip: no IOMMU group under $ROOT"
	exactly "no group for 'groups '" "" vmdevctl "${R[@]}" groups ""
fi

# ---- SR-IOV PFs ------------------------------------------------------------
has "sriov among the commands" sriov vmdevctl ""
has "-d among the options of sriov" -d vmdevctl sriov -
lacks "no --group for sriov" --group vmdevctl sriov --
mapfile -t pfs < <(v sriov | awk 'NR > 1 && $1 != "VF" { print $1 }')
if ((${#pfs[@]})); then
	pf=${pfs[0]}
	total=$(v sriov "$pf" | awk 'NR == 2 { print $4 }')
	has "a PF for 'sriov '" "$pf" vmdevctl "${R[@]}" sriov ""
	lacks "no device that is no PF for 'sriov '" "${addrs[0]}" vmdevctl "${R[@]}" sriov ""
	has "count 0 after 'sriov PF '" 0 vmdevctl "${R[@]}" sriov "$pf" ""
	has "the PF's total after 'sriov PF '" "$total" vmdevctl "${R[@]}" sriov "$pf" ""
	lacks "no count over the total" "$((total + 1))" vmdevctl "${R[@]}" sriov "$pf" ""
	exactly "nothing after 'sriov PF NUM '" "" vmdevctl "${R[@]}" sriov "$pf" 1 ""
	for d in none probe vfio-pci; do
		has "sriov -d offers $d" "$d" vmdevctl "${R[@]}" sriov "$pf" 1 -d ""
	done
	lacks "bind -d offers no 'none'" none vmdevctl "${R[@]}" bind -d ""
else
	SKIPS+="no SR-IOV PF under $ROOT"$'\n'; echo "# skip: no SR-IOV PF under $ROOT"
fi

# ---- mdev parents, types and mdevs ---------------------------------------
mapfile -t parents < <(v parents | awk 'NR > 1 { print $1 }')
if ((${#parents[@]})); then
	p=${parents[-1]}
	has "parents after -p" "$p" vmdevctl "${R[@]}" list -p ""
	has "parents after --parent" "$p" vmdevctl "${R[@]}" types --parent ""
	mapfile -t ptypes < <(v types -p "$p" | awk '/^  [^ ]/ { print $1 }')
	mapfile -t alltypes < <(v types | awk '/^  [^ ]/ { print $1 }' | sort -u)
	exactly "types of the parent given with -p" "${ptypes[*]}" \
		vmdevctl "${R[@]}" types -p "$p" -t ""
	exactly "types of every parent without -p" "${alltypes[*]}" \
		vmdevctl "${R[@]}" list -t ""
	has "parents after create -p" "$p" vmdevctl "${R[@]}" create -p ""
	exactly "create -t: the types of the parent given with -p" "${ptypes[*]}" \
		vmdevctl "${R[@]}" create -p "$p" -t ""
	exactly "create --type: the types of the parent given with --parent=" "${ptypes[*]}" \
		vmdevctl "${R[@]}" create --parent "=" "$p" --type ""
	exactly "create -t before -p: every type" "${alltypes[*]}" \
		vmdevctl "${R[@]}" create -t ""
	exactly "no positional argument for create" "" vmdevctl "${R[@]}" create -p "$p" ""
	if [[ $p == *:* ]]; then
		exactly "types of a PCI parent split at ':'" "${ptypes[*]}" \
			vmdevctl "${R[@]}" types -p "${p%%:*}" ":" "${p#*:}" -t ""
	fi
	for q in "${parents[@]}"; do
		if [[ $q == *:* ]]; then
			has "a PCI parent after -p 0000:" "${q#*:}" vmdevctl "${R[@]}" list -p "${q%%:*}" ":"
			break
		fi
	done
else
	SKIPS+="no mdev parent under $ROOT"$'\n'; echo "# skip: no mdev parent under $ROOT"
	exactly "no parent after -p" "" vmdevctl "${R[@]}" list -p ""
fi
mapfile -t uuids < <(v list | awk 'NR > 1 { print $1 }')
if ((${#uuids[@]})); then
	u=${uuids[0]}
	exactly "UUIDs after -u" "${uuids[*]}" vmdevctl "${R[@]}" list -u ""
	has "UUIDs after --uuid with a prefix" "$u" vmdevctl "${R[@]}" list --uuid "${u:0:4}"
	has "UUIDs as check targets" "$u" vmdevctl "${R[@]}" check ""
	has "UUIDs for 'qemu-args '" "$u" vmdevctl "${R[@]}" qemu-args ""
	exactly "no positional argument for list" "" vmdevctl "${R[@]}" list ""
	exactly "UUIDs for 'remove '" "${uuids[*]}" vmdevctl "${R[@]}" remove ""
	has "UUIDs for remove with a prefix" "$u" vmdevctl "${R[@]}" remove "${u:0:4}"
	has "more UUIDs after one for remove" "${uuids[-1]}" vmdevctl "${R[@]}" remove "$u" ""
	exactly "UUIDs after remove -u" "${uuids[*]}" vmdevctl "${R[@]}" remove -u ""
	exactly "UUIDs after remove --uuid=" "${uuids[*]}" vmdevctl "${R[@]}" remove --uuid "=" ""
	exactly "no existing UUID after create -u" "" vmdevctl "${R[@]}" create -p mtty -t mtty-1 -u ""
	lacks "no UUID for 'unbind '" "$u" vmdevctl "${R[@]}" unbind ""
else
	SKIPS+="no mdev under $ROOT"$'\n'; echo "# skip: no mdev under $ROOT"
fi

# ---- definitions (on a scratch copy: define writes under /etc) -----------
for c in define undefine modify start stop autostart; do
	has "$c among the commands" "$c" vmdevctl ""
done
has "--defined among the options of list" --defined vmdevctl list --d
for o in --attr --auto --jsonfile --parent --type --uuid; do
	has "$o among the options of define" "$o" vmdevctl define --
done
lacks "no --manual for define" --manual vmdevctl define --
for o in --attr --del-attr --auto --manual --jsonfile --live; do
	has "$o among the options of modify" "$o" vmdevctl modify --
done
lacks "no --type for undefine" --type vmdevctl undefine --
lacks "no --parent for stop" --parent vmdevctl stop --
exactly "nothing after --attr" "" vmdevctl modify --attr ""
if ((${#uuids[@]})); then
	DEFROOT=$BIN/defroot
	cp -a "$ROOT" "$DEFROOT"
	D=(--root "$DEFROOT")
	d1=0b0c1a7e-c0c0-4000-8000-00000000c0c0
	"$VMDEVCTL" "${D[@]}" define -u "$d1" -p nowhere -t t-1 --attr a=1 >/dev/null
	"$VMDEVCTL" "${D[@]}" define -u "${uuids[0]}" >/dev/null
	exactly "start -u: the defined UUIDs" "$d1 ${uuids[0]}" vmdevctl "${D[@]}" start -u ""
	exactly "undefine -u: the defined UUIDs" "$d1 ${uuids[0]}" vmdevctl "${D[@]}" undefine -u ""
	has "modify --uuid=: a defined UUID" "$d1" vmdevctl "${D[@]}" modify --uuid "=" ""
	exactly "list --defined -u: the defined UUIDs" "$d1 ${uuids[0]}" vmdevctl "${D[@]}" list --defined -u ""
	has "define -u: the active mdevs" "${uuids[-1]}" vmdevctl "${D[@]}" define -u ""
	lacks "define -u: not a definition that is not active" "$d1" vmdevctl "${D[@]}" define -u ""
	has "stop -u: the active mdevs" "${uuids[0]}" vmdevctl "${D[@]}" stop -u ""
	has "autostart: a parent with definitions" nowhere vmdevctl "${D[@]}" autostart ""
	has "autostart: the mdev parents" "${parents[0]}" vmdevctl "${D[@]}" autostart ""
	has "--jsonfile completes files" "$DEFROOT" vmdevctl "${D[@]}" define -p mtty --jsonfile "$BIN/defr"
	# vmdevctl mdevctl ...: the mdevctl personality
	exactly "vmdevctl mdevctl: its commands" "$("$VMDEVCTL" mdevctl --list-cmds)" vmdevctl "${D[@]}" mdevctl ""
	exactly "vmdevctl mdevctl: mdevctl's seven commands (start-parent-mdevs is hidden)" "define undefine modify start stop list types" \
		vmdevctl "${D[@]}" mdevctl ""
	has "vmdevctl mdevctl list: --dumpjson" --dumpjson vmdevctl "${D[@]}" mdevctl list --
	has "vmdevctl mdevctl modify: --addattr" --addattr vmdevctl "${D[@]}" mdevctl modify --
	lacks "vmdevctl mdevctl list: no --addattr" --addattr vmdevctl "${D[@]}" mdevctl list --
	exactly "vmdevctl mdevctl modify -u: the defined UUIDs" "$d1 ${uuids[0]}" vmdevctl "${D[@]}" mdevctl modify -u ""
	has "vmdevctl mdevctl stop --uuid=: an active mdev" "${uuids[0]}" vmdevctl "${D[@]}" mdevctl stop --uuid "=" ""
	has "vmdevctl mdevctl list -p: a parent" "${parents[0]}" vmdevctl "${D[@]}" mdevctl list -p ""
	has "vmdevctl mdevctl define -p mtty -t: mtty's types" mtty-2 vmdevctl "${D[@]}" mdevctl define -p mtty -t ""
fi

skipped=$(grep -c . <<<"${SKIPS:-}")
if ((STRICT && skipped)); then
	echo "not ok - a recorded tree must exercise every case"
	failed=$((failed + 1))
fi
echo "$passed passed, $failed failed"
((failed == 0))
