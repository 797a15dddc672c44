# Shell helpers for guest scripts (busybox sh). Source it: . ./lib.sh
# Every assertion prints one line: "ok - DESC" or "not ok - DESC: DETAILS".
# The host counts them; keep DESC unique and free of newlines.

VM_OUT=${VM_OUT:-/out}
export VM_OUT

# Fixed topology (see tests/vm/README.md)
NIC_A=0000:00:02.0        # e1000e, single-device group
NIC_B=0000:00:03.0        # e1000e, single-device group
MF_NET=0000:00:04.0       # virtio-net, multifunction slot: shares a group with MF_RNG
MF_RNG=0000:00:04.1       # virtio-rng
ROOT_PORT=0000:00:05.0    # pcie-root-port (pcieport)
BRIDGE=0000:01:00.0       # pcie-pci-bridge
BR_NET=0000:02:01.0       # virtio-net behind the bridge
BR_RNG=0000:02:02.0       # virtio-rng behind the bridge
SRIOV_PF=0000:03:00.0     # nvme behind root port 00:09.0: an SR-IOV PF, 2 VFs at most

ok() { echo "ok - $*"; }
fail() { _d=$1; shift; echo "not ok - $_d: $*"; }

# skip DESC REASON: reported and counted as skipped, never as passed
skip() { echo "skip - $1: ${2:-}"; }

# check DESC CMD...: ok iff CMD exits 0
check() {
	_d=$1; shift
	_o=$("$@" 2>&1); _rc=$?
	if [ $_rc -eq 0 ]; then ok "$_d"; else fail "$_d" "'$*' exited $_rc: $(printf '%s' "$_o" | tr '\n' ' ' | cut -c1-300)"; fi
	return $_rc
}

# check_fail DESC CMD...: ok iff CMD exits non-zero
check_fail() {
	_d=$1; shift
	_o=$("$@" 2>&1); _rc=$?
	if [ $_rc -ne 0 ]; then ok "$_d"; return 0; fi
	fail "$_d" "'$*' succeeded unexpectedly: $(printf '%s' "$_o" | tr '\n' ' ' | cut -c1-300)"
	return 1
}

# check_eq DESC EXPECTED ACTUAL
check_eq() {
	if [ "$2" = "$3" ]; then ok "$1"; return 0; fi
	fail "$1" "expected '$2', got '$3'"
	return 1
}

# check_match DESC GLOB ACTUAL (shell case pattern)
check_match() {
	case $3 in
	$2) ok "$1"; return 0 ;;
	esac
	fail "$1" "'$3' does not match '$2'"
	return 1
}

# check_exists DESC PATH / check_absent DESC PATH / check_link DESC PATH
check_exists() { if [ -e "$2" ] || [ -L "$2" ]; then ok "$1"; else fail "$1" "$2 does not exist"; return 1; fi; }
check_absent() { if [ -e "$2" ] || [ -L "$2" ]; then fail "$1" "$2 exists"; return 1; else ok "$1"; fi; }
check_link() { if [ -L "$2" ]; then ok "$1"; else fail "$1" "$2 is not a symlink"; return 1; fi; }

# sysw PATH VALUE: write VALUE to PATH like `echo VALUE > PATH`.
# Returns the shell's status; the error text is in $SYSW_ERR (e.g. "write error: No space left on device").
sysw() {
	SYSW_ERR=$( (echo "$2" >"$1") 2>&1 )
	_rc=$?
	SYSW_ERR=$(printf '%s' "$SYSW_ERR" | sed 's/^[^:]*: [0-9]*: //; s/^sh: //' | tr '\n' ' ')
	return $_rc
}

# the errno text of a failed write, from $SYSW_ERR ("write error: XXX" -> "XXX")
sysw_errmsg() { printf '%s' "$SYSW_ERR" | sed 's/.*write error: //; s/ *$//'; }

new_uuid() { cat /proc/sys/kernel/random/uuid; }

# driver NAME of a PCI device or mdev path ("" when unbound)
drv_of() {
	_p=$1
	case $_p in /*) ;; *) _p=/sys/bus/pci/devices/$_p ;; esac
	if [ -L "$_p/driver" ]; then basename "$(readlink "$_p/driver")"; fi
}
group_of() {
	_p=$1
	case $_p in /*) ;; *) _p=/sys/bus/pci/devices/$_p ;; esac
	basename "$(readlink "$_p/iommu_group")"
}

# pci_bind ADDR DRIVER: bind with driver_override (DRIVER "" = unbind only)
pci_bind() {
	_a=$1 _dr=$2 _p=/sys/bus/pci/devices/$1
	if [ -L "$_p/driver" ]; then
		[ "$(drv_of "$_a")" = "$_dr" ] && return 0
		sysw "$_p/driver/unbind" "$_a" || return 1
	fi
	[ -z "$_dr" ] && return 0
	sysw "$_p/driver_override" "$_dr" || return 1
	sysw /sys/bus/pci/drivers_probe "$_a"
	[ "$(drv_of "$_a")" = "$_dr" ]
}

# pci_restore ADDR: clear the override and give the device back to its host driver
pci_restore() {
	_p=/sys/bus/pci/devices/$1
	sysw "$_p/driver_override" ""
	if [ -L "$_p/driver" ]; then sysw "$_p/driver/unbind" "$1"; fi
	sysw /sys/bus/pci/drivers_probe "$1"
	return 0
}

# wait_for PATH [TENTHS]: poll until PATH exists (default 3 s)
wait_for() {
	_n=${2:-30}
	while [ $_n -gt 0 ]; do
		{ [ -e "$1" ] || [ -L "$1" ]; } && return 0
		sleep 0.1; _n=$((_n - 1))
	done
	return 1
}
