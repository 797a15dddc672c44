#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Golden tier: replay sysfs trees recorded from a real kernel (tests/vm)
through vmdevctl --root and compare with what vmdevctl printed on that
live kernel when the tree was recorded.

usage: run.py [--examples DIR] VMDEVCTL CASE_DIR...
Each CASE_DIR holds data only: tree.tar.gz, KERNEL and the live JSON
(list.json, types.json, parents.json, devices.json, groups.json; sriov.json
where the case has SR-IOV VFs). With
--examples (the build's examples/), the example programs are run on each
tree too. Prints TAP-like lines and a closing 'N passed, M failed'; exits 1
on any failure.
"""
import json
import os
import subprocess
import sys
import tarfile
import tempfile
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from cli import WRAPPER, first_difference, run, strip_host_keys, vmdevctl_json  # noqa: E402
from tap import finish, result, tree_digest  # noqa: E402

COMMANDS = ["list", "types", "parents", "devices", "groups"]


def check_case(vmdevctl, examples, case):
    name = os.path.basename(os.path.normpath(case))
    with tempfile.TemporaryDirectory(prefix="vmdev-golden-") as root:
        with tarfile.open(os.path.join(case, "tree.tar.gz")) as tar:
            tar.extractall(root)
        live = {}
        for cmd in COMMANDS:
            with open(os.path.join(case, f"{cmd}.json")) as f:
                live[cmd] = json.load(f)
            rc, data, err = vmdevctl_json(vmdevctl, root, cmd)
            result(rc == 0 and data is not None,
                   f"{name}: {cmd} --json exits 0 with JSON", err.strip())
            if data is None:
                continue
            diff = first_difference(strip_host_keys(cmd, live[cmd]),
                                    strip_host_keys(cmd, data))
            result(diff is None, f"{name}: {cmd} matches the live kernel", diff)
            rc, out, err = run([vmdevctl, "--root", root, cmd])
            result(rc == 0 and (out.strip() != "") == (len(data) > 0),
                   f"{name}: {cmd} text output", err.strip())

        if os.path.exists(os.path.join(case, "sriov.json")):
            check_sriov(vmdevctl, root, case, name)
        check_names(vmdevctl, root, name)
        check_dry_run(vmdevctl, root, name, live)
        check_host_use(vmdevctl, root, name, live)
        check_odd_trees(vmdevctl, root, name, live)
        check_filters(vmdevctl, root, name, live)
        check_groups(vmdevctl, root, name, live)
        check_qemu_args(vmdevctl, root, name, live)
        if examples:
            check_examples(vmdevctl, examples, root, name, live)
        check_no_mdevs(vmdevctl, root, name, live)
        check_definitions(vmdevctl, root, name, live)


def check_sriov(vmdevctl, root, case, name):
    """sriov --json as it was live; each VF's physfn in devices, each PF's
    totalvfs; a dry run of a new count names the VFs' real addresses."""
    with open(os.path.join(case, "sriov.json")) as f:
        live = json.load(f)
    rc, data, err = vmdevctl_json(vmdevctl, root, "sriov")
    result(rc == 0 and data is not None, f"{name}: sriov --json exits 0 with JSON", err.strip())
    if data is None:
        return
    diff = first_difference(live, data)
    result(diff is None, f"{name}: sriov matches the live kernel", diff)
    rc, devices, _ = vmdevctl_json(vmdevctl, root, "devices")
    by_address = {d["address"]: d for d in devices or []}
    for pf in live:
        d = by_address.get(pf["pf"], {})
        result(d.get("sriov_totalvfs") == pf["totalvfs"] and d.get("sriov_numvfs") == pf["numvfs"],
               f"{name}: devices {pf['pf']} sriov_totalvfs/numvfs as sriov says", d)
        for vf in pf["vfs"]:
            d = by_address.get(vf["address"], {})
            result(d.get("physfn") == pf["pf"] and d.get("iommu_group") == vf["iommu_group"],
                   f"{name}: devices {vf['address']} physfn and group as sriov says", d)
        # a dry run from the count it has to one less: through 0, the binds at the
        # addresses the VFs had
        if len(pf["vfs"]) < 2 or pf["driver"] is None:
            continue
        want = pf["numvfs"] - 1
        before = tree_digest(root)
        rc, out, err = run([vmdevctl, "--root", root, "-n", "sriov", pf["pf"], str(want)])
        lines = out.splitlines()
        pfdir = f"/sys/bus/pci/devices/{pf['pf']}"
        result(rc == 0 and lines[:1] == [f"write {pfdir}/sriov_numvfs 0"]
               and f"write {pfdir}/sriov_numvfs {want}" in lines
               and all(f"write /sys/bus/pci/devices/{vf['address']}/driver_override vfio-pci"
                       in lines for vf in pf["vfs"][:want])
               and f"write /sys/bus/pci/devices/{pf['vfs'][want]['address']}/driver_override vfio-pci"
               not in lines,
               f"{name}: sriov dry run {pf['pf']} {want}: through 0, binds at the VFs' addresses",
               out + err)
        result(tree_digest(root) == before, f"{name}: sriov dry run changed nothing")


KNOWN_VENDORS = {"8086": "Intel Corporation", "1af4": "Red Hat, Inc.",
                 "1b36": "Red Hat, Inc."}


def check_names(vmdevctl, root, name):
    """Names come from the host's hwdb: right where it has them, null else."""
    hwdb = any(os.path.exists(p) for p in ("/etc/udev/hwdb.bin", "/usr/lib/udev/hwdb.bin",
                                           "/lib/udev/hwdb.bin"))
    rc, data, _ = vmdevctl_json(vmdevctl, root, "devices")
    for d in data or []:
        want = KNOWN_VENDORS.get(d["vendor"]) if hwdb else None
        if d["vendor"] in KNOWN_VENDORS:
            result(d["vendor_name"] == want,
                   f"{name}: devices {d['address']} vendor_name from the hwdb", d["vendor_name"])


def check_dry_run(vmdevctl, root, name, live):
    """--dry-run prints exactly the writes a real run would make, and
    changes nothing; refusals write nothing."""
    before = tree_digest(root)
    parent = next(p for p in live["parents"] if p["parent"] == "mtty")
    uuid = "0b0c1a7e-dddd-4000-8000-00000000d0d0"
    rc, out, err = run([vmdevctl, "--root", root, "-n", "create", "-p", "mtty", "-t", "mtty-2",
                        "-u", uuid.upper()])
    result(rc == 0 and out == f"write {parent['path']}/mdev_supported_types/mtty-2/create {uuid}\n",
           f"{name}: create --dry-run prints the one write", f"rc={rc} out={out!r} {err}")
    if live["list"]:
        u = live["list"][0]["uuid"]
        rc, out, err = run([vmdevctl, "--root", root, "--dry-run", "remove", u])
        result(rc == 0 and out == f"write /sys/bus/mdev/devices/{u}/remove 1\n",
               f"{name}: remove --dry-run prints the one write", f"rc={rc} out={out!r} {err}")
    groups = {g["group"]: g for g in live["groups"]}
    for d in live["devices"]:
        a, drv = d["address"], d["driver"]
        if d["bridge"]:
            rc, out, err = run([vmdevctl, "--root", root, "-n", "bind", a])
            result(rc == 1 and out == "" and "bridge" in err,
                   f"{name}: bind --dry-run of bridge {a} is refused, exit 1", f"rc={rc} {err}")
            continue
        if d.get("sriov_numvfs"):
            rc, out, err = run([vmdevctl, "--root", root, "-n", "bind", a])
            result(rc == 1 and out == "" and f"SR-IOV PF with {d['sriov_numvfs']} VFs" in err
                   and f"(first: vmdevctl sriov {a} 0)" in err,
                   f"{name}: bind --dry-run of SR-IOV PF {a} with VFs is refused, exit 1, the sriov hint",
                   f"rc={rc} {err}")
            continue
        if drv and "vfio" not in drv:
            want = (f"write /sys/bus/pci/devices/{a}/driver_override vfio-pci\n"
                    f"write /sys/bus/pci/drivers/{drv}/unbind {a}\n"
                    f"write /sys/bus/pci/drivers_probe {a}\n")
            rc, out, err = run([vmdevctl, "--root", root, "-n", "bind", a])
            result(rc == 0 and out == want, f"{name}: bind --dry-run {a} prints override, unbind, probe",
                   f"rc={rc} out={out!r} {err}")
        if drv == "vfio-pci":
            want = ((f"write /sys/bus/pci/devices/{a}/driver_override\n" if d["driver_override"] else "") +
                    f"write /sys/bus/pci/drivers/vfio-pci/unbind {a}\n"
                    f"write /sys/bus/pci/drivers_probe {a}\n")
            rc, out, err = run([vmdevctl, "--root", root, "-n", "unbind", a])
            result(rc == 0 and out == want, f"{name}: unbind --dry-run {a} prints the writes",
                   f"rc={rc} out={out!r} {err}")
            rc, out, err = run([vmdevctl, "--root", root, "-n", "bind", a])
            result(rc == 0 and out == "", f"{name}: bind to the driver it has writes nothing",
                   f"rc={rc} out={out!r}")
    rc, out, err = run([vmdevctl, "--root", root, "-n", "bind", "-d", "nosuchdriver",
                        live["devices"][0]["address"]])
    result(rc == 3 and out == "" and "neither registered nor loadable" in err,
           f"{name}: bind to an unknown driver exits 3 and writes nothing", f"rc={rc} {err}")
    result(tree_digest(root) == before, f"{name}: the tree is unchanged after every dry run")


def check_host_use(vmdevctl, root, name, live):
    """A device the host visibly uses (boot VGA, a mounted or swapped-on
    block device below it) is refused with exit 5 unless --force; the tree
    is a scratch copy (what the kernel would show is written into it)."""
    import shutil
    dev = next((d for d in live["devices"] if d["driver"] and "vfio" not in d["driver"]
                and not d["bridge"] and not d.get("sriov_numvfs")), None)
    if dev is None:
        return
    a = dev["address"]
    with tempfile.TemporaryDirectory(prefix="vmdev-hostuse-") as copy:
        shutil.copytree(root, copy, symlinks=True, dirs_exist_ok=True)
        devdir = os.path.join(copy, "sys/bus/pci/devices", a)
        cases = []
        with open(os.path.join(devdir, "boot_vga"), "w") as f:
            f.write("1\n")
        cases.append(("boot VGA", "it is the boot VGA device"))
        for label, want in cases:
            rc, out, err = run([vmdevctl, "--root", copy, "bind", a])
            result(rc == 5 and out == "" and want in err and "--force" in err,
                   f"{name}: bind of the {label} device {a} exits 5", f"rc={rc} {err}")
            rc, out, err = run([vmdevctl, "--root", copy, "-n", "bind", "--force", a])
            result(rc == 0 and "driver_override vfio-pci" in out,
                   f"{name}: bind --force of the {label} device goes ahead", f"rc={rc} {err}")
            rc, out, err = run([vmdevctl, "--root", copy, "unbind", "--no-probe", a])
            result(rc == 5 and out == "" and want in err and err.startswith("vmdevctl: cannot unbind"),
                   f"{name}: unbind of the {label} device from its host driver exits 5",
                   f"rc={rc} {err}")
            rc, out, err = run([vmdevctl, "--root", copy, "-n", "unbind", "--force", a])
            result(rc == 0 and f"/unbind {a}" in out,
                   f"{name}: unbind --force of the {label} device goes ahead", f"rc={rc} {err}")
        os.unlink(os.path.join(devdir, "boot_vga"))
        # a disk and its partition below the device, as the kernel shows them
        disk = os.path.join(devdir, "host0/target0:0:0/0:0:0:0/block/sda")
        os.makedirs(os.path.join(disk, "sda1"))
        for d, majmin in ((disk, "8:0"), (os.path.join(disk, "sda1"), "8:1")):
            with open(os.path.join(d, "dev"), "w") as f:
                f.write(majmin + "\n")
            open(os.path.join(d, "stat"), "w").close()
        os.makedirs(os.path.join(copy, "proc/self"))
        mountinfo = os.path.join(copy, "proc/self/mountinfo")
        with open(mountinfo, "w") as f:
            f.write("22 1 8:1 / /boot rw,relatime shared:1 - ext4 /dev/sda1 rw\n")
        rc, out, err = run([vmdevctl, "--root", copy, "bind", a])
        result(rc == 5 and "block device sda1 is mounted" in err,
               f"{name}: bind of a device with a mounted partition exits 5", f"rc={rc} {err}")
        with open(mountinfo, "w") as f:
            f.write("22 1 0:21 / /proc rw - proc proc rw\n")
        with open(os.path.join(copy, "proc/swaps"), "w") as f:
            f.write("Filename\tType\tSize\tUsed\tPriority\n/dev/sda1 partition 1048572 0 -2\n")
        rc, out, err = run([vmdevctl, "--root", copy, "bind", a])
        result(rc == 5 and "sda1" in err, f"{name}: bind of a device with a swap partition exits 5",
               f"rc={rc} {err}")
        os.unlink(os.path.join(copy, "proc/swaps"))
        rc, out, err = run([vmdevctl, "--root", copy, "-n", "bind", a])
        result(rc == 0, f"{name}: with nothing mounted the same bind goes ahead", f"rc={rc} {err}")


def check_odd_trees(vmdevctl, root, name, live):
    """What a kernel (or a process) may put in sysfs and /proc that the
    recorded trees do not show: found by review, kept by these checks."""
    import shutil
    mtty = next((p for p in live["parents"] if p["parent"] == "mtty"), None)
    if mtty is None or not live["list"]:
        return
    with tempfile.TemporaryDirectory(prefix="vmdev-odd-") as copy:
        shutil.copytree(root, copy, symlinks=True, dirs_exist_ok=True)
        types = os.path.join(copy, mtty["path"].lstrip("/"), "mdev_supported_types")
        # bytes that are not UTF-8 in a description and in a holder's comm
        with open(os.path.join(types, "mtty-1/description"), "wb") as f:
            f.write(b"bad \xff\x01 desc\n")
        g = live["groups"][0]["group"]
        os.makedirs(os.path.join(copy, "proc/4242/fd"))
        with open(os.path.join(copy, "proc/4242/comm"), "wb") as f:
            f.write(b"q\xfeemu\n")
        os.symlink(f"/dev/vfio/{g}", os.path.join(copy, "proc/4242/fd/7"))
        for args in (["types", "-p", "mtty"], ["groups", str(g)], ["check", str(g)]):
            p = subprocess.run(WRAPPER + [vmdevctl, "--root", copy, "--json", *args],
                               capture_output=True)
            try:
                data = json.loads(p.stdout.decode("utf-8"))
            except ValueError as e:
                data = None
                err = str(e)
            result(data is not None, f"{name}: {' '.join(args)} --json stays valid UTF-8 JSON "
                   "with odd bytes in sysfs and /proc", err if data is None else "")
        # a type whose devices/ cannot be read (a loop) is left out, alone
        dev = os.path.join(types, "mtty-2/devices")
        shutil.rmtree(dev)
        os.symlink("devices", dev)
        rc, data, err = vmdevctl_json(vmdevctl, copy, "list")
        others = [m["uuid"] for m in live["list"] if m["type"] != "mtty-2"]
        result(rc == 0 and data is not None and [m["uuid"] for m in data] == others,
               f"{name}: a type whose devices/ cannot be read is left out, the rest listed",
               f"rc={rc} {err}")


def check_filters(vmdevctl, root, name, live):
    for parent in live["parents"]:
        p = parent["parent"]
        rc, data, _ = vmdevctl_json(vmdevctl, root, "list", "-p", p)
        want = [m for m in live["list"] if m["parent"] == p]
        result(rc == 0 and data == want, f"{name}: list -p {p}")
        for t in parent["types"]:
            rc, data, _ = vmdevctl_json(vmdevctl, root, "types", "-p", p, "-t", t)
            ok = rc == 0 and data is not None and len(data) == 1 and \
                data[0]["type"] == t
            result(ok, f"{name}: types -p {p} -t {t}")
    for m in live["list"]:
        rc, data, _ = vmdevctl_json(vmdevctl, root, "list", "-u", m["uuid"].upper())
        result(rc == 0 and data is not None and [x["uuid"] for x in data] == [m["uuid"]],
               f"{name}: list -u {m['uuid']} (upper case)")
    for args, code in ((["list", "-p", "nosuchparent"], 3),
                       (["types", "-t", "nosuchtype"], 3),
                       (["list", "-u", "00000000-0000-0000-0000-00000000dead"], 3),
                       (["groups", "2147483647"], 3),
                       (["devices", "ffff:ff:1f.7"], 3),
                       (["check", "ffff:ff:1f.7"], 3),
                       (["list", "-u", "not-a-uuid"], 2),
                       (["devices", "00:20.0"], 2),
                       (["groups", "-1"], 2)):
        rc, out, err = run([vmdevctl, "--root", root, *args])
        result(rc == code and out == "" and err.count("\n") == 1 and
               err.startswith("vmdevctl: "),
               f"{name}: {' '.join(args)} exits {code} with one error line",
               f"rc={rc} err={err!r}")
    for d in live["devices"]:
        if d["driver"]:
            rc, data, _ = vmdevctl_json(vmdevctl, root, "devices", "-d", d["driver"])
            result(rc == 0 and data is not None and d["address"] in
                   [x["address"] for x in data] and
                   all(x["driver"] == d["driver"] for x in data),
                   f"{name}: devices -d {d['driver']} has {d['address']}")
            break


def check_groups(vmdevctl, root, name, live):
    for g in live["groups"]:
        n = str(g["group"])
        rc, data, _ = vmdevctl_json(vmdevctl, root, "check", n)
        want = 0 if g["viable"] else 1
        result(rc == want and data is not None and
               strip_host_keys("groups", data) == [g],
               f"{name}: check {n} exits {want}", f"rc={rc}")
        for m in g["devices"]:
            result(m["ok"] == (m["reason"] is None),
                   f"{name}: group {n} {m['address']} has a reason iff not ok")
            if m["kind"] != "pci":
                continue
            rc, _, _ = run([vmdevctl, "--root", root, "-q", "check", m["address"]])
            result(rc == want, f"{name}: check {m['address']} exits {want}")
    mdev_groups = [m["iommu_group"] for m in live["list"]]
    result(len(mdev_groups) == len(set(mdev_groups)),
           f"{name}: every mdev has a group of its own")


def check_qemu_args(vmdevctl, root, name, live):
    """qemu-args, with and without --iommufd, as the recorded state allows:
    a device on vfio-pci goes by host= and, with its cdev node, through
    iommufd; without one (Debian's kernels) --iommufd is refused; a noiommu
    group's devices are always refused."""
    noiommu = {g["group"] for g in live["groups"] if g["noiommu"]}
    for d in live["devices"]:
        if d["driver"] != "vfio-pci":
            continue
        a, vdev = d["address"], d["vfio_device"]
        rc, out, err = run([vmdevctl, "--root", root, "qemu-args", a])
        if d["iommu_group"] in noiommu:
            result(rc == 1 and out == "" and "no IOMMU isolation: noiommu mode" in err,
                   f"{name}: qemu-args refuses {a} in a noiommu group", f"rc={rc} {err}")
            continue
        result(rc == 0 and out == f"-device vfio-pci,host={a}\n",
               f"{name}: qemu-args {a}", f"rc={rc} {out!r} {err}")
        rc, out, err = run([vmdevctl, "--root", root, "qemu-args", "--iommufd", a])
        if vdev and vdev["present"]:
            result(rc == 0 and out == ("-object iommufd,id=iommufd0\n"
                                       f"-device vfio-pci,host={a},iommufd=iommufd0\n"),
                   f"{name}: qemu-args --iommufd {a} through {vdev['node']}", f"rc={rc} {out!r} {err}")
        else:
            result(rc == 1 and out == "" and "with --iommufd" in err,
                   f"{name}: qemu-args --iommufd refuses {a} without a cdev node", f"rc={rc} {err}")


def check_examples(vmdevctl, examples, root, name, live):
    env = dict(os.environ, VMDEV_ROOT=root)
    rc, out, err = run([os.path.join(examples, "list-mdevs")], env)
    lines = out.splitlines()
    result(rc == 0 and lines[-1:] == [f"{len(live['list'])} mdevs"] and
           [l.split()[0] for l in lines[:-1]] == [m["uuid"] for m in live["list"]],
           f"{name}: examples/list-mdevs lists the mdevs", err)
    for g in live["groups"]:
        rc, out, err = run([os.path.join(examples, "check-group"), str(g["group"])], env)
        want = 0 if g["viable"] else 1
        result(rc == want and out.splitlines()[-1].endswith(
            "viable" if g["viable"] else "not viable"),
            f"{name}: examples/check-group {g['group']} exits {want}", err)
    check_define_example(vmdevctl, examples, root, name, live)


def check_define_example(vmdevctl, examples, root, name, live):
    """examples/define-mdev stores a definition through the library that
    vmdevctl then reads, and lists it with vmdevctl's own: on a copy."""
    import shutil
    m = live["list"][0] if live["list"] else None
    if not m:
        return
    with tempfile.TemporaryDirectory(prefix="vmdev-defex-") as copy:
        shutil.copytree(root, copy, symlinks=True, dirs_exist_ok=True)
        env = dict(os.environ, VMDEV_ROOT=copy)
        ex = os.path.join(examples, "define-mdev")
        rc, out, err = run([ex, m["parent"], m["type"], "a=1", "b.c=two words"], env)
        uuid = out.split()[1] if out.startswith("defined ") else ""
        path = os.path.join(copy, "etc/mdevctl.d", m["parent"], uuid)
        result(rc == 0 and uuid and os.path.isfile(path), f"{name}: examples/define-mdev stores a definition",
               f"rc={rc} {out!r} {err}")
        want = ('{\n  "mdev_type": "%s",\n  "start": "auto",\n  "attrs": [\n    {\n      "a": "1"\n'
                '    },\n    {\n      "b.c": "two words"\n    }\n  ]\n}' % m["type"])
        got = open(path).read() if os.path.isfile(path) else None
        result(got == want, f"{name}: examples/define-mdev wrote mdevctl's format", repr(got))
        rc, data, err = vmdevctl_json(vmdevctl, copy, "list", "--defined", "-u", uuid)
        result(rc == 0 and data and data[0]["attrs"] == [{"name": "a", "value": "1"},
                                                        {"name": "b.c", "value": "two words"}]
               and data[0]["start"] == "auto" and data[0]["active"] is False,
               f"{name}: vmdevctl reads the example's definition", f"rc={rc} {data} {err}")
        with open(os.path.join(copy, "etc/mdevctl.d", m["parent"], m["uuid"]), "w") as f:
            f.write('{"mdev_type": "%s", "start": "manual"}' % m["type"])
        with open(os.path.join(copy, "etc/mdevctl.d", m["parent"], "0b0c1a7e-bad0-4000-8000-00000000bad1"), "w") as f:
            f.write("{not json")
        rc, out, err = run([ex], env)
        lines = out.splitlines()
        result(rc == 0 and f"{m['uuid']} {m['parent']} {m['type']} manual active" in lines
               and any(l.startswith(uuid) and l.endswith("inactive a=1 b.c=two words") for l in lines)
               and any(l.startswith("unreadable ") and "bad1" in l for l in lines),
               f"{name}: examples/define-mdev lists definitions, the active one, and the bad file apart",
               out + err)


def check_hint(vmdevctl, root, label, args, needles):
    """ARGS in text mode print a hint with NEEDLES on stdout and exit 0;
    with --json they print [] and with -q nothing."""
    rc, out, err = run([vmdevctl, "--root", root, *args])
    missing = [n for n in needles if n not in out]
    result(rc == 0 and err == "" and not missing and 0 < out.count("\n") <= 2,
           f"{label}: {' '.join(args)} says what the host lacks",
           f"rc={rc} missing={missing} out={out!r} err={err!r}")
    rc, out, err = run([vmdevctl, "--root", root, "--json", *args])
    result(rc == 0 and out == "[\n]\n", f"{label}: {' '.join(args)} --json is []",
           f"rc={rc} out={out!r} {err}")
    rc, out, err = run([vmdevctl, "--root", root, "-q", *args])
    result(rc == 0 and out == "", f"{label}: {' '.join(args)} -q prints nothing",
           f"rc={rc} out={out!r}")


NO_PARENTS = ["no mdev parents", "i915", "vGPU", "vfio_ccw", "vfio_ap", "mtty"]


def check_empty_host(vmdevctl):
    """A host without an IOMMU and without mdev parents: an empty sys/."""
    with tempfile.TemporaryDirectory(prefix="vmdev-empty-") as root:
        os.mkdir(os.path.join(root, "sys"))
        check_hint(vmdevctl, root, "empty host", ["groups"],
                   ["no IOMMU groups", "intel_iommu=on", "amd_iommu=on", "VT-d", "AMD-Vi"])
        for cmd in ("list", "parents", "types"):
            check_hint(vmdevctl, root, "empty host", [cmd], NO_PARENTS)
        rc, out, err = run([vmdevctl, "--root", root, "devices"])
        result(rc == 0 and out == "", "empty host: devices prints nothing (no hint)",
               f"rc={rc} out={out!r}")


def check_no_mdevs(vmdevctl, root, name, live):
    """Parents but no mdevs: list says so and points at types and create;
    a filter that matches nothing stays silent."""
    import shutil
    with tempfile.TemporaryDirectory(prefix="vmdev-nomdevs-") as copy:
        shutil.copytree(root, copy, symlinks=True, dirs_exist_ok=True)
        for m in live["list"]:
            os.unlink(os.path.join(copy, "sys/bus/mdev/devices", m["uuid"]))
            shutil.rmtree(os.path.join(copy, m["path"].lstrip("/")))
        for p in live["parents"]:
            for t in p["types"]:
                devices = os.path.join(copy, p["path"].lstrip("/"), "mdev_supported_types",
                                       t, "devices")
                for entry in os.listdir(devices):
                    os.unlink(os.path.join(devices, entry))
        check_hint(vmdevctl, copy, name + " without mdevs", ["list"],
                   ["no mdevs", "vmdevctl types", "vmdevctl create"])
        p = live["parents"][0]
        for args in (["list", "-p", p["parent"]], ["list", "-t", p["types"][0]]):
            rc, out, err = run([vmdevctl, "--root", copy, *args])
            result(rc == 0 and out == "" and err == "",
                   f"{name} without mdevs: {' '.join(args)} matches nothing, prints nothing",
                   f"rc={rc} out={out!r} err={err!r}")
    # the recorded tree itself: parents without mdevs are filtered silently
    used = {m["parent"] for m in live["list"]}
    for p in live["parents"]:
        if p["parent"] not in used:
            rc, out, err = run([vmdevctl, "--root", root, "list", "-p", p["parent"]])
            result(rc == 0 and out == "", f"{name}: list -p {p['parent']} (no mdevs) prints nothing",
                   f"rc={rc} out={out!r}")
            break


DEF_KEYS = ["uuid", "parent", "type", "start", "attrs", "active", "path"]


def mdevctl_file(type_, start, attrs):
    """A definition file byte for byte as mdevctl 1.2.0 writes it."""
    if not attrs:
        body = "[]"
    else:
        body = "[\n" + ",\n".join(
            "    {\n      " + json.dumps(k) + ": " + json.dumps(v) + "\n    }"
            for k, v in attrs) + "\n  ]"
    return ('{\n  "mdev_type": ' + json.dumps(type_) + ',\n  "start": "' + start +
            '",\n  "attrs": ' + body + "\n}")


def check_definitions(vmdevctl, root, name, live):
    """Persistent mdevs on a scratch copy: define, list --defined, modify,
    undefine round trips in mdevctl's file format, their JSON, the dry-run
    lines, a malformed file named while the rest list, autostart."""
    import shutil
    if not live["list"]:
        return
    with tempfile.TemporaryDirectory(prefix="vmdev-defs-") as copy:
        shutil.copytree(root, copy, symlinks=True, dirs_exist_ok=True)

        def v(*args, stdin=None):
            p = subprocess.run(WRAPPER + [vmdevctl, "--root", copy, *args], input=stdin,
                               capture_output=True, text=True)
            return p.returncode, p.stdout, p.stderr

        def vjson(*args):
            rc, out, err = v("--json", *args)
            try:
                return rc, json.loads(out), err
            except ValueError:
                return rc, None, err

        def file_of(parent, uuid):
            path = os.path.join(copy, "etc/mdevctl.d", parent, uuid)
            if not os.path.exists(path):
                return None
            with open(path) as f:
                return f.read()

        # define -u UUID alone keeps each active mdev as it runs
        for m in live["list"]:
            rc, out, err = v("define", "-u", m["uuid"].upper())
            result(rc == 0 and out == m["uuid"] + "\n" and err == "",
                   f"{name}: define -u {m['uuid']} of an active mdev prints its UUID", f"rc={rc} {err}")
            result(file_of(m["parent"], m["uuid"]) == mdevctl_file(m["type"], "manual", []),
                   f"{name}: define -u {m['uuid']}: mdevctl's file for {m['parent']}/{m['type']}, manual",
                   repr(file_of(m["parent"], m["uuid"])))
        d = os.path.join(copy, "etc/mdevctl.d", live["list"][0]["parent"])
        result(os.stat(d).st_mode & 0o777 == 0o755 and
               os.stat(os.path.join(d, live["list"][0]["uuid"])).st_mode & 0o777 == 0o644,
               f"{name}: definitions are 0644 in 0755 directories, as mdevctl makes them")
        rc, data, err = vjson("list", "--defined")
        want = sorted(({"uuid": m["uuid"], "parent": m["parent"], "type": m["type"], "start": "manual",
                        "attrs": [], "active": True,
                        "path": f"/etc/mdevctl.d/{m['parent']}/{m['uuid']}"} for m in live["list"]),
                      key=lambda x: (x["parent"], x["uuid"]))
        result(rc == 0 and data == want and all(list(x) == DEF_KEYS for x in data),
               f"{name}: list --defined --json: each active definition, keys in order",
               first_difference(want, data) if data else err)
        m = live["list"][0]
        rc, out, err = v("define", "-u", m["uuid"])
        result(rc == 5 and out == "" and "exists" in err,
               f"{name}: define of an existing UUID on the same parent exits 5", f"rc={rc} {err}")

        # a definition with attributes, repeated names kept in order
        u = "0b0c1a7e-def0-4000-8000-00000000def0"
        rc, data, err = vjson("define", "-u", u, "-p", "mtty", "-t", "mtty-2", "--auto",
                              "--attr", "assign_adapter=5", "--attr", "assign_adapter=6",
                              "--attr", "assign.domain=0x1f")
        attrs = [("assign_adapter", "5"), ("assign_adapter", "6"), ("assign.domain", "0x1f")]
        want = [{"uuid": u, "parent": "mtty", "type": "mtty-2", "start": "auto",
                 "attrs": [{"name": k, "value": x} for k, x in attrs], "active": False,
                 "path": f"/etc/mdevctl.d/mtty/{u}"}]
        result(rc == 0 and data == want, f"{name}: define --json gives the definition as list --defined",
               first_difference(want, data) if data else err)
        result(file_of("mtty", u) == mdevctl_file("mtty-2", "auto", attrs),
               f"{name}: define --attr: mdevctl's file, attributes in order", repr(file_of("mtty", u)))
        rc, out, err = v("list", "--defined", "-u", u)
        result(rc == 0 and out.splitlines()[1:] == [
            f"{u}  mtty           mtty-2             auto    no",
            "    assign_adapter=5", "    assign_adapter=6", "    assign.domain=0x1f"],
               f"{name}: list --defined text shows the attributes below", repr(out))

        # modify: --del-attr NAME=VALUE, then NAME, --manual, -t, --jsonfile
        for args, attrs, start, type_ in (
                (["--del-attr", "assign_adapter=5"], [("assign_adapter", "6"), ("assign.domain", "0x1f")], "auto", "mtty-2"),
                (["--del-attr", "assign_adapter", "--attr", "x=1"], [("assign.domain", "0x1f"), ("x", "1")], "auto", "mtty-2"),
                (["--manual", "-t", "mtty-1"], [("assign.domain", "0x1f"), ("x", "1")], "manual", "mtty-1")):
            rc, data, err = vjson("modify", "-u", u, *args)
            ok = rc == 0 and data and data[0]["attrs"] == [{"name": k, "value": x} for k, x in attrs] \
                and data[0]["start"] == start and data[0]["type"] == type_
            result(ok and file_of("mtty", u) == mdevctl_file(type_, start, attrs),
                   f"{name}: modify {' '.join(args)}: the file and the JSON agree", f"rc={rc} {err} {data}")
        jf = os.path.join(copy, "in.json")
        with open(jf, "w") as f:
            f.write('{"mdev_type":"mtty-2","start":"auto","attrs":[{"a":"b"}]}')
        rc, out, err = v("modify", "-u", u, "--jsonfile", jf)
        result(rc == 0 and out == "" and file_of("mtty", u) == mdevctl_file("mtty-2", "auto", [("a", "b")]),
               f"{name}: modify --jsonfile replaces type, start and attributes", f"rc={rc} {err}")
        rc, out, err = v("define", "-u", "0b0c1a7e-def1-4000-8000-00000000def1", "-p", "nowhere",
                         "--jsonfile", "-", stdin='{"mdev_type":"t-1","start":"manual"}')
        result(rc == 0 and file_of("nowhere", "0b0c1a7e-def1-4000-8000-00000000def1") ==
               mdevctl_file("t-1", "manual", []),
               f"{name}: define --jsonfile - on a parent that does not exist (yet)", f"rc={rc} {err}")

        # dry runs print the writes and change nothing
        before = tree_digest(copy)
        n = "0b0c1a7e-def2-4000-8000-00000000def2"
        rc, out, err = v("-n", "define", "-u", n, "-p", "mtty", "-t", "mtty-2", "--attr", "a=1")
        result(rc == 0 and out == f'write /etc/mdevctl.d/mtty/{n} {{"mdev_type":"mtty-2","start":"manual","attrs":[{{"a":"1"}}]}}\n',
               f"{name}: define --dry-run prints the file as one compact line", repr(out))
        rc, out, err = v("-n", "undefine", "-u", u)
        result(rc == 0 and out == f"remove /etc/mdevctl.d/mtty/{u}\n",
               f"{name}: undefine --dry-run prints the removal", repr(out))
        rc, out, err = v("-n", "modify", "-u", u, "--manual")
        result(rc == 0 and out == f'write /etc/mdevctl.d/mtty/{u} {{"mdev_type":"mtty-2","start":"manual","attrs":[{{"a":"b"}}]}}\n',
               f"{name}: modify --dry-run prints the new file", repr(out))
        mtty = next(p for p in live["parents"] if p["parent"] == "mtty")
        rc, out, err = v("-n", "start", "-u", u)
        result(rc == 0 and out == f"write {mtty['path']}/mdev_supported_types/mtty-2/create {u}\n"
               f"write /sys/bus/mdev/devices/{u}/a b\n",
               f"{name}: start --dry-run prints the create and each attribute, in order", repr(out))
        rc, out, err = v("-n", "modify", "-u", m["uuid"], "--live", "--attr", "assign_adapter=3")
        result(rc == 0 and out == f"write /sys/bus/mdev/devices/{m['uuid']}/assign_adapter 3\n"
               f'write /etc/mdevctl.d/{m["parent"]}/{m["uuid"]} {{"mdev_type":"{m["type"]}","start":"manual","attrs":[{{"assign_adapter":"3"}}]}}\n',
               f"{name}: modify --live --dry-run writes the attribute, then the file", repr(out))
        rc, out, err = v("-n", "stop", "-u", m["uuid"])
        result(rc == 0 and out == f"write /sys/bus/mdev/devices/{m['uuid']}/remove 1\n",
               f"{name}: stop --dry-run is remove's write", repr(out))
        result(tree_digest(copy) == before, f"{name}: the tree is unchanged after the definition dry runs")

        # autostart: the active one is left alone; a mismatch is reported, exit 1
        # (the definition above goes manual: where m is on mtty too, as in a
        # tree with one mdev, autostart would try to create it)
        v("modify", "-u", u, "--manual")
        rc, out, err = v("modify", "-u", m["uuid"], "--auto")
        rc, data, err = vjson("autostart", m["parent"])
        want = [{"uuid": m["uuid"], "parent": m["parent"], "action": "already-active", "error": None}]
        result(rc == 0 and data == want, f"{name}: autostart leaves an active auto definition alone, exit 0",
               f"rc={rc} {data} {err}")
        rc, out, err = v("autostart", m["parent"])
        result(rc == 0 and out == f"{m['uuid']} on {m['parent']}/{m['type']}: already active\n",
               f"{name}: autostart text: one line per auto definition", repr(out))
        other = next((x for x in live["parents"] if x["parent"] != m["parent"]), None)
        if other:
            v("define", "-u", m["uuid"], "-p", other["parent"], "-t", other["types"][0], "--auto")
            rc, data, err = vjson("autostart", other["parent"])
            result(rc == 1 and data and data[0]["action"] == "mismatch" and
                   f"{m['parent']}/{m['type']}" in data[0]["error"],
                   f"{name}: autostart reports a UUID running elsewhere as a mismatch, exit 1",
                   f"rc={rc} {data} {err}")
            v("undefine", "-u", m["uuid"], "-p", other["parent"])

        # a malformed file is named on stderr; the rest list, exit 0
        bad = "0b0c1a7e-bad0-4000-8000-00000000bad0"
        os.makedirs(os.path.join(copy, "etc/mdevctl.d/mtty"), exist_ok=True)
        with open(os.path.join(copy, "etc/mdevctl.d/mtty", bad), "w") as f:
            f.write('{"mdev_type": "mtty-1", "start": "manual", "attrs": [{"a/b": "1"}]}')
        rc, data, err = vjson("list", "--defined")
        msg = f"vmdevctl: /etc/mdevctl.d/mtty/{bad}: \"attrs\"[0] has a name that is no attribute name"
        result(rc == 0 and data is not None and len(data) == len(live["list"]) + 2 and
               err.startswith(msg) and err.count("\n") == 1,
               f"{name}: list --defined names a malformed file on stderr and lists the rest, exit 0",
               f"rc={rc} {err!r}")
        rc, out, err2 = v("start", "-u", bad)
        result(rc == 1 and out == "" and err2 == err,
               f"{name}: start -u of the malformed definition fails with the same message", f"rc={rc} {err2!r}")

        # undefine: the file goes, the mdev keeps running
        rc, out, err = v("undefine", "-u", m["uuid"])
        result(rc == 0 and out == "" and file_of(m["parent"], m["uuid"]) is None,
               f"{name}: undefine removes the file", f"rc={rc} {err}")
        rc, data, err = vjson("list", "-u", m["uuid"])
        result(rc == 0 and data and data[0]["uuid"] == m["uuid"],
               f"{name}: the undefined mdev keeps running", f"rc={rc} {err}")


def main():
    args = sys.argv[1:]
    examples = None
    if args[:1] == ["--examples"] and len(args) > 1:
        examples, args = args[1], args[2:]
    if len(args) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    vmdevctl = args[0]
    for case in args[1:]:
        check_case(vmdevctl, examples, case)
    check_empty_host(vmdevctl)
    return finish()


if __name__ == "__main__":
    sys.exit(main())
