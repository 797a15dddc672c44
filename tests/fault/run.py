#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Fault tier: what a real kernel cannot fail on cue, injected with the
LD_PRELOAD shim tests/fault/fault.c into vmdevctl runs on copies of a
recorded tree; and runs as an unprivileged user against a root-owned copy.

usage: run.py VMDEVCTL LIBFAULT.so LIBVMDEV.so TREE.tar.gz

The runs as nobody use copies of VMDEVCTL, LIBVMDEV.so (as libvmdev.so.1,
found through LD_LIBRARY_PATH) and the shim in a world-readable directory of
the temporary one: the build directory may sit in a tree nobody cannot
traverse (a clone under /root, or any mktemp -d, is mode 0700). Without root
or setpriv those cases cannot run: the runner then exits 77 (skipped, never
counted as passed) after the other cases.

A recorded tree does not react to writes the way a kernel does, so write
cases assert the sequence of writes the library makes (the shim's log) and
what the tree's files hold afterwards (the library writes with O_TRUNC, as
a shell does, so a file holds the last value written). Prints TAP-like
lines and 'N passed, M failed'; exits 1 on any failure.
"""
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "common"))
from tap import finish, result, tree_digest  # noqa: E402

faults = 0
U1 = "0b0c1a7e-0001-4000-8000-000000000001"
U2 = "0b0c1a7e-0002-4000-8000-000000000002"
NIC_B = "0000:00:03.0"
SRIOV_PF = "0000:03:00.0"   # nvme, an SR-IOV PF without VFs on the recorded tree


class Env:
    def __init__(self, vmdevctl, shim, libvmdev, tarball, tmp):
        self.vmdevctl, self.shim, self.libvmdev = vmdevctl, shim, libvmdev
        self.tarball, self.tmp = tarball, tmp
        self.n = 0
        self.pub = None

    def public(self):
        """vmdevctl, libvmdev.so.1 and the shim copied into a directory
        every user can read, for the runs as another user."""
        if self.pub is None:
            self.pub = os.path.join(self.tmp, "public")
            for d in ("bin", "lib"):
                os.makedirs(os.path.join(self.pub, d), mode=0o755)
            for src, dst in ((self.vmdevctl, "bin/vmdevctl"), (self.libvmdev, "lib/libvmdev.so.1"),
                             (self.shim, "lib/" + os.path.basename(self.shim))):
                shutil.copy(src, os.path.join(self.pub, dst))
                os.chmod(os.path.join(self.pub, dst), 0o755)
        return self.pub

    def fresh(self):
        """A new copy of the tree, root-owned, readable by everyone."""
        self.n += 1
        root = os.path.join(self.tmp, f"root{self.n}")
        os.mkdir(root)
        os.chmod(root, 0o755)
        with tarfile.open(self.tarball) as t:
            t.extractall(root)
        return root

    def run(self, root, args, fault=None, user=None):
        """(rc, stdout, stderr, log lines) of vmdevctl --root ROOT ARGS."""
        global faults
        log = os.path.join(self.tmp, "fault.log")
        if os.path.exists(log):
            os.unlink(log)
        env = {k: v for k, v in os.environ.items() if not k.startswith("VMDEV_")}
        env["VMDEV_FAULT_LOG"] = log
        if fault:
            env["VMDEV_FAULT"] = fault
        vmdevctl, shim, cwd = self.vmdevctl, self.shim, None
        if user:
            cwd = self.public()
            vmdevctl = os.path.join(cwd, "bin/vmdevctl")
            shim = os.path.join(cwd, "lib", os.path.basename(self.shim))
            env["LD_LIBRARY_PATH"] = os.path.join(cwd, "lib")
        env["LD_PRELOAD"] = shim
        # the shim may come after a sanitizer's runtime
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0"
        cmd = [vmdevctl, "--root", root, "--timeout", "200"] + args
        if user:
            cmd = ["setpriv", "--reuid=" + user, "--regid=nogroup", "--clear-groups"] + cmd
        p = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=cwd)
        lines = []
        if os.path.exists(log):
            with open(log) as f:
                lines = [ln.rstrip("\n") for ln in f]
        faults += sum(1 for ln in lines if ln.startswith("fault "))
        return p.returncode, p.stdout, p.stderr, lines


def one_line(err):
    return err.endswith("\n") and err.count("\n") == 1 and err.startswith("vmdevctl: ")


def writes(lines, root):
    """The logged writes as (host path, value), the root stripped."""
    out = []
    for ln in lines:
        if ln.startswith("write "):
            path, _, value = ln[6:].partition(" ")
            out.append((path[len(root):] if path.startswith(root) else path, value))
    return out


def read(root, path):
    with open(root + path) as f:
        return f.read()


def main():
    if len(sys.argv) != 5:
        print(__doc__, file=sys.stderr)
        return 2
    skipped = None
    with tempfile.TemporaryDirectory(prefix="vmdev-fault.") as tmp:
        os.chmod(tmp, 0o755)
        e = Env(*sys.argv[1:], tmp)
        base = e.fresh()
        before = tree_digest(base)

        # ---- a device vanishing while listed (ENOENT between readdir and the reads)
        def vanish(pattern):
            return f"open:ENOENT:1:0:{pattern};readlink:ENOENT:1:0:{pattern}"

        rc, out, err, _ = e.run(base, ["devices"], vanish(f"*/sys/bus/pci/devices/{NIC_B}*"))
        result(rc == 0 and NIC_B not in out and "0000:00:02.0" in out and not err,
               "devices: a PCI device vanishing mid-listing is skipped, exit 0", f"rc={rc} err={err!r}")
        rc, out, err, _ = e.run(base, ["--json", "devices"], vanish(f"*/sys/bus/pci/devices/{NIC_B}*"))
        ok = rc == 0
        try:
            ok = ok and [d["address"] for d in json.loads(out)].count(NIC_B) == 0
        except ValueError:
            ok = False
        result(ok, "devices --json: a vanishing device is left out of valid JSON", f"rc={rc}")
        rc, out, err, _ = e.run(base, ["types"], vanish("*/mdev_supported_types/mtty-2*"))
        result(rc == 0 and "mtty-2" not in out and "mtty-1" in out,
               "types: a type vanishing mid-listing is skipped, exit 0", f"rc={rc} err={err!r}")
        rc, out, err, _ = e.run(base, ["parents"], vanish("*/mdev_bus/mdpy*") + ";" + vanish("*/devices/virtual/mdpy*"))
        result(rc == 0 and "mdpy " not in out and "mtty" in out,
               "parents: a parent vanishing mid-listing is skipped, exit 0", f"rc={rc} out={out!r} err={err!r}")
        rc, out, err, _ = e.run(base, ["list"], vanish(f"*{U2}*"))
        result(rc == 0 and U1 in out, "list: an mdev vanishing mid-listing does not fail the listing",
               f"rc={rc} err={err!r}")
        result(rc == 0 and U2 not in out, "list: the vanished mdev is skipped", f"listed as {[l for l in out.splitlines() if U2 in l]}")
        rc, out, err, _ = e.run(base, ["groups"], vanish("*/kernel/iommu_groups/4*"))
        result(rc == 0 and "group 3:" in out, "groups: a group vanishing mid-listing does not fail the listing",
               f"rc={rc} err={err!r}")
        result(rc == 0 and "group 4:" not in out, "groups: the vanished group is skipped",
               f"shown as {[l for l in out.splitlines() if 'group 4:' in l]}")
        rc, out, err, _ = e.run(base, ["check", "0000:00:05.0"], "open:EACCES:1:0:*/kernel/iommu_groups/4/devices")
        result(rc == 4 and one_line(err) and "Permission denied" in err,
               "check: a group whose members cannot be read (EACCES) is an error (exit 4), never viable",
               f"rc={rc} out={out!r} err={err!r}")
        rc, out, err, _ = e.run(base, ["check", "3"], "readlink:EACCES:1:0:*/0000:00:04.1/driver")
        result(rc == 1 and "cannot be read" in out,
               "check: a member whose driver cannot be read is not judged viable", f"rc={rc} out={out!r}")

        # ---- short reads: one byte a read(2), same output
        for cmd in ["list", "types", "parents", "devices", "groups"]:
            rc0, out0, _, _ = e.run(base, ["--json", cmd])
            rc, out, err, lines = e.run(base, ["--json", cmd], "read:SHORT:1:0:*")
            result(rc == rc0 == 0 and out == out0, f"{cmd} --json: the same output with one-byte reads",
                   f"rc={rc} err={err!r}")
        rc, out, err, _ = e.run(base, ["devices", NIC_B], "read:EIO:1:0:*/config")
        result(rc == 0 and NIC_B in out, "devices: EIO reading config falls back to the class code", f"rc={rc}")
        result(tree_digest(base) == before, "read faults changed nothing under the root")

        # ---- permission denied on a write: exit 4, one clear line
        for args, fault, what in [
            (["bind", NIC_B], "write:EACCES:1:0:*/driver_override", "cannot bind 0000:00:03.0"),
            (["bind", NIC_B], "open:EACCES:1:0:*/driver_override", "cannot bind 0000:00:03.0"),
            (["unbind", "0000:00:02.0"], "write:EACCES:1:0:*/unbind", "cannot unbind 0000:00:02.0"),
            (["create", "-p", "mtty", "-t", "mtty-1"], "write:EACCES:1:0:*/create", "cannot create mdev on mtty/mtty-1"),
            (["remove", U1], "open:EACCES:1:0:*/remove", f"cannot remove mdev {U1}"),
            (["bind", "--group", "0000:00:04.1"], "write:EACCES:1:0:*/driver_override", "cannot bind group 3"),
        ]:
            rc, out, err, lines = e.run(e.fresh(), args, fault)
            result(rc == 4 and one_line(err) and what in err and "Permission denied" in err and not out,
                   f"{' '.join(args)} with {fault.split(':')[0]} {fault.split(':')[1]}: exit 4, '{what}: Permission denied'",
                   f"rc={rc} err={err!r}")

        # ---- the kernel saying "exhausted" on create: exit 5
        for errname in ["ENOSPC", "EUSERS", "EDQUOT"]:
            root = e.fresh()
            rc, out, err, lines = e.run(root, ["create", "-p", "mdpy", "-t", "mdpy-vga"], f"write:{errname}:1:0:*/create")
            result(rc == 5 and one_line(err) and "cannot create mdev on mdpy/mdpy-vga: no available instances" in err,
                   f"create with {errname} from the kernel: exit 5 'no available instances'", f"rc={rc} err={err!r}")
        root = e.fresh()
        rc, out, err, lines = e.run(root, ["create", "-p", "mtty", "-t", "mtty-1", "-u", U2.replace("0002", "00aa")],
                                    "write:EEXIST:1:0:*/create".replace("EEXIST", "EBUSY"))
        result(rc == 5 and one_line(err), "create with EBUSY from the kernel: exit 5", f"rc={rc} err={err!r}")
        rc, out, err, lines = e.run(root, ["create", "-p", "mtty", "-t", "mtty-1"], "write:EIO:1:0:*/create")
        w = writes(lines, root)
        result(rc == 1 and one_line(err) and "Input/output error" in err and len(w) == 1,
               "create with EIO: exit 1, one write, no remove attempted for what was never made", f"rc={rc} err={err!r} writes={w}")

        # ---- rollback: a write fails after driver_override was set
        ov = f"/sys/bus/pci/devices/{NIC_B}/driver_override"
        root = e.fresh()
        with open(root + ov, "w") as f:
            f.write("e1000e\n")        # an override to its host driver, kept by the admin
        rc, out, err, lines = e.run(root, ["bind", NIC_B], "write:EIO:1:1:*/drivers/e1000e/unbind")
        w = writes(lines, root)
        want = [("/sys/devices/pci0000:00/0000:00:03.0/driver_override", "vfio-pci"),
                ("/sys/bus/pci/drivers/e1000e/unbind", NIC_B),
                ("/sys/devices/pci0000:00/0000:00:03.0/driver_override", "e1000e"),
                ("/sys/bus/pci/drivers_probe", NIC_B)]
        result(rc == 1 and one_line(err) and "restored" in err, "bind, unbind write fails (EIO): exit 1, says restored",
               f"rc={rc} err={err!r}")
        result(w == want, "bind, unbind write fails: override set, unbind, override put back, reprobe", f"writes={w}")
        result(read(root, ov) == "e1000e\n", "bind, unbind write fails: driver_override back to its old value",
               f"holds {read(root, ov)!r}")
        result(os.readlink(root + f"/sys/bus/pci/devices/{NIC_B}/driver").endswith("/e1000e"),
               "bind, unbind write fails: still on e1000e")

        root = e.fresh()
        old = read(root, ov)
        rc, out, err, lines = e.run(root, ["bind", NIC_B], "write:EIO:1:1:*/drivers_probe")
        w = writes(lines, root)
        result(rc == 1 and w[-2:] == [("/sys/devices/pci0000:00/0000:00:03.0/driver_override", ""),
                                      ("/sys/bus/pci/drivers_probe", NIC_B)],
               "bind, probe write fails: the override is cleared again (it was unset) and the device reprobed",
               f"rc={rc} writes={w}")
        result(old == "(null)\n" and read(root, ov) == "\n",
               "bind, probe write fails: driver_override written empty, which clears it", f"holds {read(root, ov)!r}")

        root = e.fresh()
        ov1 = "/sys/bus/pci/devices/0000:00:04.1/driver_override"
        rc, out, err, lines = e.run(root, ["bind", "--group", "0000:00:04.0"], "write:EIO:1:1:*/drivers/virtio-pci/unbind")
        w = writes(lines, root)
        result(rc == 1 and one_line(err) and "group 3" in err, "bind --group, a member's unbind fails: exit 1, names the group",
               f"rc={rc} err={err!r}")
        result(w and w[-2][0].endswith("0000:00:04.1/driver_override") and w[-2][1] == "" and read(root, ov1) == "\n",
               "bind --group, a member's unbind fails: its override is cleared again", f"writes={w}")

        # ---- SR-IOV: the count refused by the kernel, undone (the PF has no VFs on the tree)
        for errname, code, what in [("EACCES", 4, "Permission denied"),
                                    ("ENOENT", 1, "its driver nvme cannot make VFs")]:
            root = e.fresh()
            pfd = f"/sys/bus/pci/devices/{SRIOV_PF}"
            rc, out, err, lines = e.run(root, ["sriov", SRIOV_PF, "2"], f"write:{errname}:1:1:*/sriov_numvfs")
            w = [(os.path.basename(p), v) for p, v in writes(lines, root)]
            result(rc == code and one_line(err) and f"cannot set the VFs of {SRIOV_PF} to 2" in err and what in err
                   and not out, f"sriov PF 2, the count refused with {errname}: exit {code}, '{what}'",
                   f"rc={rc} err={err!r}")
            result(w == [("sriov_drivers_autoprobe", "0"), ("sriov_numvfs", "2"), ("sriov_numvfs", "0"),
                         ("sriov_drivers_autoprobe", "1")],
                   f"sriov PF 2, the count refused with {errname}: autoprobe off, the count, then 0 and autoprobe back",
                   f"writes={w}")
            result(read(root, pfd + "/sriov_numvfs") == "0\n" and read(root, pfd + "/sriov_drivers_autoprobe") == "1\n",
                   f"sriov PF 2, the count refused with {errname}: count 0 and autoprobe on again")

        # ---- definitions: a failed save leaves the old file; an unreadable one hides no other
        def seed(root, defs):
            for rel, content in defs.items():
                path = os.path.join(root, "etc/mdevctl.d", rel)
                os.makedirs(os.path.dirname(path), exist_ok=True)
                with open(path, "w") as f:
                    f.write(content)

        D1, D2 = "0b0c1a7e-00f1-4000-8000-0000000000f1", "0b0c1a7e-00f2-4000-8000-0000000000f2"
        old = '{\n  "mdev_type": "mtty-2",\n  "start": "manual",\n  "attrs": []\n}'
        for errname, code in (("EIO", 1), ("ENOSPC", 5)):
            root = e.fresh()
            seed(root, {"mtty/" + D1: old, "mdpy/" + D2: old.replace("mtty-2", "mdpy-vga")})
            rc, out, err, _ = e.run(root, ["modify", "-u", D1, "--auto", "--attr", "a=1"],
                                    f"write:{errname}:1:0:*/etc/mdevctl.d/mtty/*")
            d = os.path.join(root, "etc/mdevctl.d/mtty")
            result(rc == code and one_line(err) and f"cannot modify {D1}" in err and not out,
                   f"modify with {errname} while saving: exit {code}, one line", f"rc={rc} err={err!r}")
            result(read(root, f"/etc/mdevctl.d/mtty/{D1}") == old and sorted(os.listdir(d)) == [D1],
                   f"modify with {errname} while saving: the old file is intact, no temporary file left",
                   f"{os.listdir(d)}")
            rc, out, err, _ = e.run(root, ["define", "-p", "mtty", "-t", "mtty-1"],
                                    f"write:{errname}:1:0:*/etc/mdevctl.d/mtty/*")
            result(rc == code and one_line(err) and sorted(os.listdir(d)) == [D1],
                   f"define with {errname} while saving: exit {code}, no file made", f"rc={rc} err={err!r}")
        root = e.fresh()
        seed(root, {"mtty/" + D1: old, "mdpy/" + D2: old.replace("mtty-2", "mdpy-vga")})
        for func, errname, what in (("open", "EACCES", "cannot be read: Permission denied"),
                                    ("read", "EIO", "cannot be read: Input/output error")):
            rc, out, err, _ = e.run(root, ["--json", "list", "--defined"],
                                    f"{func}:{errname}:1:0:*/etc/mdevctl.d/mdpy/{D2}")
            try:
                listed = [x["uuid"] for x in json.loads(out)]
            except ValueError:
                listed = None
            result(rc == 0 and listed == [D1] and one_line(err) and
                   f"/etc/mdevctl.d/mdpy/{D2}: {what}" in err,
                   f"list --defined with {func} {errname} on one file: named, the rest listed, exit 0",
                   f"rc={rc} listed={listed} err={err!r}")
            rc, out, err, _ = e.run(root, ["start", "-u", D2],
                                    f"{func}:{errname}:1:0:*/etc/mdevctl.d/mdpy/{D2}")
            result(rc == 1 and one_line(err) and what in err and not out,
                   f"start -u of the file that fails {func} with {errname}: exit 1, the same words",
                   f"rc={rc} err={err!r}")

        # ---- monitor: the event wait failing ends it with an error, not success
        rc, out, err, _ = e.run(base, ["monitor"], "ppoll:EIO:1:1:*")
        result(rc == 1 and one_line(err) and "waiting for device events: Input/output error" in err,
               "monitor whose wait fails (EIO): exit 1 with the error", f"rc={rc} err={err!r}")

        # ---- an unprivileged user against a root-owned copy: exit 4
        if os.geteuid() == 0 and shutil.which("setpriv"):
            root = e.fresh()
            snap = tree_digest(root)
            rc, out, err, _ = e.run(root, ["list"], user="nobody")
            result(rc == 0 and U1 in out, "as nobody: list reads a root-owned tree", f"rc={rc} err={err!r}")
            for args, what in [
                (["bind", NIC_B], f"cannot bind {NIC_B} to vfio-pci"),
                (["bind", "--group", "0000:00:04.0"], "cannot bind group 3 to vfio-pci"),
                (["unbind", "0000:00:02.0"], "cannot unbind 0000:00:02.0"),
                (["create", "-p", "mtty", "-t", "mtty-2"], "cannot create mdev on mtty/mtty-2"),
                (["remove", U1], f"cannot remove mdev {U1}"),
            ]:
                rc, out, err, _ = e.run(root, args, user="nobody")
                result(rc == 4 and one_line(err) and what in err and "Permission denied" in err and not out,
                       f"as nobody: {' '.join(args)}: exit 4, '{what}: Permission denied'", f"rc={rc} err={err!r}")
            result(tree_digest(root) == snap, "as nobody: nothing under the root changed")
        else:
            skipped = "as nobody: needs root and setpriv"
            print(f"skip - {skipped}")
        print(f"# {faults} faults injected")
    rc = finish()
    return 77 if rc == 0 and skipped else rc


if __name__ == "__main__":
    sys.exit(main())
