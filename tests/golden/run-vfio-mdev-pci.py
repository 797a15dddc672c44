#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Golden tier for vfio-mdev-pci: a tree built by make-vfio-mdev-pci-tree.py
from the thread's description on top of a recorded real-kernel tree, and the
JSON vmdevctl must print for it (types.json, parents.json, groups.json,
list.json, devices.json in CASE_DIR, tests/golden/vfio-mdev-pci), plus bind,
create, check and qemu-args on it.

usage: run-vfio-mdev-pci.py VMDEVCTL BASE_TREE.tar.gz CASE_DIR [--update]
--update rewrites the expected JSON from vmdevctl's output (review the diff).
"""
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "common"))
from cli import first_difference, run, strip_host_keys  # noqa: E402
from tap import finish, result, tree_digest  # noqa: E402

COMMANDS = ["list", "types", "parents", "devices", "groups"]
M1 = "0b0c1a7e-00a1-4000-8000-0000000000a1"  # on 0000:00:03.0, alone in group 2
M2 = "0b0c1a7e-00a2-4000-8000-0000000000a2"  # on 0000:00:04.1, group 3 split
M3 = "0b0c1a7e-00a3-4000-8000-0000000000a3"  # old form on 0000:02:02.0, drift
T1 = "vfio-mdev-pci-8086:10d3:8086:0000:020000:00"
T_OLD = "vfio-mdev-pci-type1"
T_BAD = "vfio-mdev-pci-1af4:1001:1af4:0002:010000:00"
DRV = "/sys/bus/pci/drivers"



def vm(vmdevctl, root, *args):
    return run([vmdevctl, "--root", root, *args])


def vm_json(vmdevctl, root, *args):
    rc, out, err = vm(vmdevctl, root, "--json", *args)
    try:
        return rc, json.loads(out) if out.strip() else None, err
    except ValueError:
        return rc, None, err


def check_json(vmdevctl, root, case, update):
    for cmd in COMMANDS:
        rc, data, err = vm_json(vmdevctl, root, cmd)
        path = os.path.join(case, f"{cmd}.json")
        if update:
            with open(path, "w") as f:
                json.dump(data, f, indent=2)
                f.write("\n")
        with open(path) as f:
            want = json.load(f)
        diff = first_difference(strip_host_keys(cmd, want), strip_host_keys(cmd, data or []))
        result(rc == 0 and diff is None, f"{cmd} --json matches {cmd}.json", diff or err)
        rc, out, err = vm(vmdevctl, root, cmd)
        result(rc == 0 and out.strip() != "", f"{cmd} text output", err)


def check_types(vmdevctl, root):
    rc, data, _ = vm_json(vmdevctl, root, "types")
    types = {(t["parent"], t["type"]): t for t in data or []}
    t = types.get(("0000:00:03.0", T1), {})
    result(t.get("pci_ids") == {"vendor": "8086", "device": "10d3", "subsystem_vendor": "8086",
                                "subsystem_device": "0000", "class": "020000", "revision": "00"}
           and t.get("pci_ids_match") is True and t.get("pci_address") is None
           and t.get("compatibility_key") == "8086:10d3:8086:0000:020000:00"
           and t.get("available_instances_drift") is False,
           "types: the new form decodes into the parent's ids", t)
    t = types.get(("0000:02:02.0", T_OLD), {})
    result(t.get("pci_ids") is None and t.get("pci_address") == "0000:02:02.0"
           and t.get("pci_ids_match") is None and t.get("available_instances_drift") is True
           and t.get("compatibility_key") == "1af4:1005:1af4:0004:00ff00:00",
           "types: the old form gives the address, the device's ids as key, and drift", t)
    t = types.get(("0000:02:01.0", T_BAD), {})
    result(t.get("pci_ids_match") is False and t.get("available_instances_drift") is False,
           "types: ids that are not the parent's are flagged", t)
    t = types.get(("mtty", "mtty-2"), {})
    result(t.get("compatibility_key") == "vfio-pci/mtty-2" and t.get("pci_ids") is None
           and t.get("available_instances_drift") is None,
           "types: other drivers key by device_api/type, drift null", t)
    # same ids, same key: the old form of 0000:00:04.1's sibling type and 0000:02:02.0
    k = {types[x]["compatibility_key"] for x in types if x[0] in ("0000:00:04.1", "0000:02:02.0")}
    result(len(k) == 1, "types: equal devices (1af4:1005 rev 00) get one compatibility key", k)
    rc, out, err = vm(vmdevctl, root, "types", "-p", "0000:02:01.0")
    result(rc == 0 and "note: the ids in the type name are not those of 0000:02:01.0" in out,
           "types text: a note for ids that disagree", out)
    rc, out, err = vm(vmdevctl, root, "types", "-p", "0000:02:02.0")
    result(rc == 0 and "note: available_instances says 1 but 1 mdev exists" in out,
           "types text: a note for drift", out)
    rc, data, _ = vm_json(vmdevctl, root, "parents")
    wrapped = sorted(p["parent"] for p in data or [] if p["wrapped_pci"])
    result(wrapped == ["0000:00:03.0", "0000:00:04.1", "0000:02:01.0", "0000:02:02.0"],
           "parents: wrapped_pci for the PCI parents on vfio-mdev-pci", wrapped)


def check_groups(vmdevctl, root):
    rc, data, _ = vm_json(vmdevctl, root, "groups")
    groups = {g["group"]: g for g in data or []}
    w3 = groups.get(3, {}).get("warnings", [])
    result(any("split" in w and "0000:00:04.0" in w and "0000:00:04.1" in w and M2 in w for w in w3)
           and any("not alone in group 3" in w for w in w3),
           "groups: group 3 is split (vfio-pci and a wrapped device with mdev) and not a singleton", w3)
    w12 = groups.get(22, {}).get("warnings", [])
    result(len(w12) == 1 and "0000:00:04.1" in w12[0] and "singleton" in w12[0],
           "groups: the mdev's group 22 says its parent is not alone", w12)
    result(groups.get(22, {}).get("viable") is True and groups.get(23, {}).get("viable") is True,
           "groups: warnings do not change the verdict")
    w7 = groups.get(7, {}).get("warnings", [])
    result(len(w7) == 1 and M3 in w7[0] and "split" not in w7[0],
           "groups: group 7 (no member on vfio-pci) is not split, its parent is not alone", w7)
    result(groups.get(2, {}).get("warnings") == [] and groups.get(21, {}).get("warnings") == [],
           "groups: a singleton parent and its mdev's group have no warnings")
    rc, out, err = vm(vmdevctl, root, "groups", "3")
    result(rc == 0 and out.count("  warning: ") == 2, "groups text prints the warnings", out)
    for target, code in ((M2, 0), (M1, 0), ("0000:00:04.0", 1), ("22", 0)):
        rc, data, err = vm_json(vmdevctl, root, "check", target)
        result(rc == code and data and "warnings" in data[0],
               f"check {target} exits {code}, warnings in its JSON", f"rc={rc} {err}")


def check_bind(vmdevctl, root):
    before = tree_digest(root)
    a = "0000:00:04.0"
    # its driver_override (vfio-pci) would keep vfio-mdev-pci from matching:
    # cleared first (a failure restores it)
    want = (f"write /sys/bus/pci/devices/{a}/driver_override\n"
            f"write {DRV}/vfio-pci/unbind {a}\n"
            f"write {DRV}/vfio-mdev-pci/new_id 1af4 1000\n"
            f"write {DRV}/vfio-mdev-pci/remove_id 1af4 1000\n")
    rc, out, err = vm(vmdevctl, root, "-n", "bind", "-d", "vfio-mdev-pci", a)
    result(rc == 0 and out == want, "bind -n -d vfio-mdev-pci: clear override, unbind, new_id, remove_id",
           f"rc={rc} out={out!r} {err}")
    result("note:" in err and "new_id" in err and "1af4 1000" in err and "vmdevctl: note" in err,
           "bind -d vfio-mdev-pci names the new_id side effect on stderr", err)
    rc, out, err = vm(vmdevctl, root, "-q", "-n", "bind", "-d", "vfio-mdev-pci", a)
    result(rc == 0 and out == want and err == "", "--quiet silences the note", err)
    a = "0000:00:1f.2"  # no driver: nothing to unbind
    rc, out, err = vm(vmdevctl, root, "-n", "bind", "-d", "vfio-mdev-pci", a)
    result(rc == 0 and out == f"write {DRV}/vfio-mdev-pci/new_id 8086 2922\n"
           f"write {DRV}/vfio-mdev-pci/remove_id 8086 2922\n",
           "bind -n -d vfio-mdev-pci of a driverless device: new_id, remove_id", f"{out!r} {err}")
    rc, out, err = vm(vmdevctl, root, "-n", "bind", "-d", "vfio-mdev-pci", "0000:00:03.0")
    result(rc == 0 and out == "", "bind to vfio-mdev-pci of a device on it writes nothing", out)
    rc, out, err = vm(vmdevctl, root, "-n", "bind", "0000:00:04.1")
    result(rc == 0 and "driver_override vfio-pci" in out and "unbind 0000:00:04.1" in out
           and "new_id" not in out, "bind to vfio-pci still uses driver_override", out)
    result(tree_digest(root) == before, "the tree is unchanged after the dry runs")
    # refusals, for real (no --dry-run): nothing is written
    for args, code, words, desc in (
            (["-d", "vfio-mdev-pci", "0000:00:05.0"], 1, ["header type is 1", "not a normal"],
             "a bridge (header type 1) for vfio-mdev-pci: header type refusal"),
            (["0000:00:05.0"], 1, ["bridge"], "a bridge for vfio-pci: bridge refusal"),
            (["-d", "vfio-mdev-pci", "0000:00:02.0"], 1,
             ["SR-IOV PF with 2 VFs", "vfio-mdev-pci's probe returns EBUSY", "vmdevctl sriov 0000:00:02.0 0"],
             "an SR-IOV PF for vfio-mdev-pci")):
        rc, out, err = vm(vmdevctl, root, "bind", *args)
        result(rc == code and out == "" and err.count("\n") == 1 and all(w in err for w in words),
               f"bind {desc}, exit {code}", f"rc={rc} {err}")
    result(tree_digest(root) == before, "refused binds wrote nothing")


def check_create(vmdevctl, root):
    before = tree_digest(root)
    rc, out, err = vm(vmdevctl, root, "create", "-p", "0000:02:02.0", "-t", T_OLD)
    result(rc == 5 and out == "" and
           "available_instances says 1 but 1 mdev exists: the driver miscounts; remove it first" in err,
           "create on the old form with its one mdev: exit 5, names the drift", f"rc={rc} {err}")
    rc, out, err = vm(vmdevctl, root, "-n", "create", "-p", "0000:02:02.0", "-t", T_OLD)
    result(rc == 5 and out == "", "create --dry-run is refused the same way", f"rc={rc} {err}")
    rc, out, err = vm(vmdevctl, root, "create", "-p", "0000:00:03.0", "-t", T1)
    result(rc == 5 and "no available instances" in err, "create with 0 available: exit 5", err)
    result(tree_digest(root) == before, "refused creates wrote nothing")
    u = "0b0c1a7e-00b1-4000-8000-0000000000b1"
    rc, out, err = vm(vmdevctl, root, "-n", "create", "-p", "0000:02:01.0", "-t", T_BAD, "-u", u)
    path = "/sys/devices/pci0000:00/0000:00:05.0/0000:01:00.0/0000:02:01.0"
    result(rc == 0 and out == f"write {path}/mdev_supported_types/{T_BAD}/create {u}\n",
           "create --dry-run on a free vfio-mdev-pci type prints the one write", f"{out!r} {err}")
    rc, out, err = vm(vmdevctl, root, "-n", "remove", M3)
    result(rc == 0 and out == f"write /sys/bus/mdev/devices/{M3}/remove 1\n",
           "remove --dry-run of a vfio-mdev-pci mdev", out)


def check_qemu_args(vmdevctl, root):
    for args, code, out_want, err_words in (
            ([M1.upper()], 0, f"-device vfio-pci,sysfsdev=/sys/bus/mdev/devices/{M1}\n", []),
            (["0000:00:02.0"], 0, "-device vfio-pci,host=0000:00:02.0\n", []),
            (["00:04.0"], 0, "-device vfio-pci,host=0000:00:04.0\n", []),
            (["0000:00:03.0"], 1, "", ["wrapped by vfio-mdev-pci",
                                       f"vmdevctl create -p 0000:00:03.0 -t {T1}", "UUID"]),
            (["0000:00:1f.0"], 1, "", ["vmdevctl bind 0000:00:1f.0"]),
            (["0000:02:01.0", "0000:00:04.1"], 1, "", ["wrapped"]),
            (["0000:00:0a.0"], 3, "", ["no PCI device"]),
            (["0b0c1a7e-ffff-4000-8000-0000000000a1"], 3, "", ["no mdev"]),
            (["0000:00:20.0"], 2, "", ["invalid"]),
            (["not-a-device"], 2, "", ["invalid"]),
            ([], 2, "", ["needs"])):
        rc, out, err = vm(vmdevctl, root, "qemu-args", *args)
        result(rc == code and out == out_want and all(w in err for w in err_words)
               and (code == 0) == (err == ""),
               f"qemu-args {' '.join(args)}: exit {code}", f"rc={rc} out={out!r} err={err!r}")
    rc, data, err = vm_json(vmdevctl, root, "qemu-args", M1, "0000:00:02.0")
    result(rc == 0 and data == [
        {"id": M1, "kind": "mdev", "args": ["-device", f"vfio-pci,sysfsdev=/sys/bus/mdev/devices/{M1}"]},
        {"id": "0000:00:02.0", "kind": "pci", "args": ["-device", "vfio-pci,host=0000:00:02.0"]}],
        "qemu-args --json", data)


def check_held_children(vmdevctl, root):
    """Taking a parent off its driver takes its mdevs along: a process
    holding an mdev's group refuses the parent's unbind and rebind too."""
    before = tree_digest(root)
    parent, uuid, group = "0000:02:02.0", "0b0c1a7e-00a3-4000-8000-0000000000a3", 23
    fd_dir = os.path.join(root, "proc/777/fd")
    os.makedirs(fd_dir)
    with open(os.path.join(root, "proc/777/comm"), "w") as f:
        f.write("qemu\n")
    os.symlink(f"/dev/vfio/{group}", os.path.join(fd_dir, "3"))
    before = tree_digest(root)
    for args, desc in ((["remove", uuid], "remove of the held mdev"),
                       (["unbind", parent], "unbind of its parent"),
                       (["bind", parent], "rebind of its parent to vfio-pci")):
        rc, out, err = vm(vmdevctl, root, *args)
        result(rc == 5 and out == "" and "qemu (pid 777)" in err,
               f"{desc} is refused while the mdev is held, exit 5", f"rc={rc} {err}")
    result(tree_digest(root) == before, "the refusals wrote nothing")
    import shutil
    shutil.rmtree(os.path.join(root, "proc/777"))


def check_new_id_peers(vmdevctl, root):
    """The new_id note names the devices new_id takes, by bind's own rules:
    driverless, an override empty or naming the driver, and not refused
    by the driver's probe (an SR-IOV PF with VFs)."""
    import shutil
    a, peer = "0000:00:04.0", "0000:02:01.0"  # both 1af4:1000
    with tempfile.TemporaryDirectory(prefix="vmdev-newid-") as copy:
        shutil.copytree(root, copy, symlinks=True, dirs_exist_ok=True)
        pdir = os.path.join(copy, "sys/bus/pci/devices", peer)
        override = os.path.join(os.path.realpath(pdir), "driver_override")

        def note():
            rc, out, err = vm(vmdevctl, copy, "-n", "bind", "-d", "vfio-mdev-pci", a)
            return rc, err

        rc, err = note()
        result(rc == 0 and "(now:" not in err, "new_id note: a peer on its host driver is not named", err)
        os.unlink(os.path.join(pdir, "driver"))
        rc, err = note()
        result(rc == 0 and f"(now: {peer})" in err, "new_id note: a driverless peer is named", err)
        with open(override, "w") as f:
            f.write("vfio-pci\n")
        rc, err = note()
        result(rc == 0 and peer not in err,
               "new_id note: a peer whose driver_override names another driver is not named", err)
        with open(override, "w") as f:
            f.write("vfio-mdev-pci\n")
        rc, err = note()
        result(rc == 0 and f"(now: {peer})" in err,
               "new_id note: a peer whose driver_override names the driver is named", err)
        with open(os.path.join(os.path.realpath(pdir), "sriov_numvfs"), "w") as f:
            f.write("2\n")
        rc, err = note()
        result(rc == 0 and peer not in err,
               "new_id note: a PF with VFs enabled (the probe refuses it) is not named", err)


def check_unbound_mdev(vmdevctl, root):
    """An unbound mdev leaves its group without a /dev/vfio node: not viable,
    naming its driver (the one its sibling on the parent uses) and the way
    back: the mdev bus binds only at create (a bind fails with ENODEV)."""
    import shutil
    u = "0b0c1a7e-0001-4000-8000-000000000001"  # mtty-1, beside an mtty-2 on mtty
    with tempfile.TemporaryDirectory(prefix="vmdev-unbound-") as copy:
        shutil.copytree(root, copy, symlinks=True, dirs_exist_ok=True)
        os.unlink(os.path.join(copy, "sys/bus/mdev/devices", u, "driver"))
        rc, data, err = vm_json(vmdevctl, copy, "check", u)
        dev = (data or [{}])[0].get("devices", [{}])[0]
        result(rc == 1 and data and data[0]["viable"] is False and dev.get("ok") is False
               and dev.get("driver") is None
               and "its driver mtty let it go" in (dev.get("reason") or "")
               and f"vmdevctl remove {u}; vmdevctl create -p mtty -t mtty-1 -u {u}"
               in (dev.get("reason") or ""),
               "check of an unbound mdev: not viable (exit 1), the reason names its driver and the way back",
               f"rc={rc} {dev} {err}")
        rc, out, err = vm(vmdevctl, copy, "check", u)
        result(rc == 1 and "has no driver, so its group has no /dev/vfio node" in out,
               "check text: the unbound mdev's reason", out)


def main():
    args = [a for a in sys.argv[1:] if a != "--update"]
    update = len(args) < len(sys.argv) - 1
    if len(args) != 3:
        sys.exit(__doc__)
    vmdevctl, base, case = args
    with tempfile.TemporaryDirectory(prefix="vmdev-mdevpci-") as tmp:
        root = os.path.join(tmp, "root")
        subprocess.run([sys.executable, os.path.join(HERE, "make-vfio-mdev-pci-tree.py"), base, root],
                       check=True)
        check_json(vmdevctl, root, case, update)
        check_types(vmdevctl, root)
        check_groups(vmdevctl, root)
        check_bind(vmdevctl, root)
        check_create(vmdevctl, root)
        check_qemu_args(vmdevctl, root)
        check_held_children(vmdevctl, root)
        check_new_id_peers(vmdevctl, root)
        check_unbound_mdev(vmdevctl, root)
    sys.exit(finish())


if __name__ == "__main__":
    main()
