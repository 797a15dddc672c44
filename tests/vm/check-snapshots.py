#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""Compare vmdevctl's JSON in the guest with what the guest's shell saw in
sysfs at the same moment (tests/vm/guest/snapshot.sh), field by field.

usage: check-snapshots.py OUT_DIR   (the run's --out directory)
Prints TAP-like lines; the run's report counts them with the guest's.
"""
import json
import os
import sys

failures = 0


def result(ok, desc, detail=""):
    global failures
    failures += not ok
    print(f"ok - {desc}" if ok else f"not ok - {desc}: {detail}")


def fields(rest):
    out = {}
    for part in rest.split(" "):
        k, _, v = part.partition("=")
        out[k] = v
    return out


def parse_facts(path):
    facts = {"mdev": {}, "parent": {}, "type": {}, "desc": {}, "pci": {},
             "group": {}, "check": {}}
    with open(path) as f:
        for line in f:
            line = line.rstrip("\n")
            kind, _, rest = line.partition(" ")
            if kind == "type":
                parent, tid, rest = rest.split(" ", 2)
                name = rest.partition(" name=")[2]
                facts["type"][(parent, tid)] = dict(fields(rest.partition(" name=")[0]), name=name)
            elif kind == "desc":
                parent, tid, *desc = rest.split(" ", 2)
                facts["desc"][(parent, tid)] = desc[0] if desc and desc[0] else None
            else:
                key, _, rest = rest.partition(" ")
                facts[kind][key] = fields(rest)
    return facts


def hexid(text, width):
    return format(int(text, 16), f"0{width}x")


def nullable_int(text):
    return int(text) if text != "" else None


def check_vfio_device(name, what, obj, f):
    """OBJ's "vfio_device" against the shell's vfio-dev/ entry and node."""
    if obj is None:
        return
    want = None
    if f["vfio_dev"]:
        want = {"name": f["vfio_dev"], "node": f"/dev/vfio/devices/{f['vfio_dev']}",
                "present": f["vfio_node"] == "1"}
    result(obj.get("vfio_device", "absent") == want, f"{name}: {what} vfio_device",
           f"{obj.get('vfio_device', 'absent')} != {want}")


def check_snapshot(snap, name):
    facts = parse_facts(os.path.join(snap, "facts"))
    data = {}
    for cmd in ("list", "types", "parents", "devices", "groups"):
        rc = open(os.path.join(snap, f"{cmd}.rc")).read().strip()
        err = open(os.path.join(snap, f"{cmd}.err")).read().strip()
        try:
            data[cmd] = json.load(open(os.path.join(snap, f"{cmd}.json")))
        except ValueError as e:
            data[cmd] = None
            err += f" (bad JSON: {e})"
        result(rc == "0" and data[cmd] is not None, f"{name}: vmdevctl {cmd} --json exits 0", f"rc={rc} {err}")
        if data[cmd] is None:
            return

    mdevs = {m["uuid"]: m for m in data["list"]}
    result(sorted(mdevs) == sorted(facts["mdev"]), f"{name}: list has exactly the live mdevs",
           f"{sorted(mdevs)} != {sorted(facts['mdev'])}")
    for uuid, f in facts["mdev"].items():
        m = mdevs.get(uuid)
        got = m and (m["parent"], m["type"], m["iommu_group"], m["driver"] or "", m["path"])
        want = (f["parent"], f["type"], int(f["group"]), f["driver"], f["path"])
        result(got == want, f"{name}: list {uuid} parent/type/group/driver/path", f"{got} != {want}")
        check_vfio_device(name, f"list {uuid}", m, f)

    types = {(t["parent"], t["type"]): t for t in data["types"]}
    result(sorted(types) == sorted(facts["type"]), f"{name}: types has exactly the live types")
    for key, f in facts["type"].items():
        t = types.get(key)
        want = (int(f["avail"]), f["api"], sorted(filter(None, f["mdevs"].split(","))),
                f["name"] or None, facts["desc"].get(key))
        got = t and (t["available_instances"], t["device_api"], sorted(t["mdevs"]),
                     t["name"], t["description"])
        result(got == want, f"{name}: types {key[0]}/{key[1]} available/api/mdevs/name/description",
               f"{got} != {want}")

    parents = {p["parent"]: p for p in data["parents"]}
    result(sorted(parents) == sorted(facts["parent"]), f"{name}: parents has exactly the live parents")
    for pname, f in facts["parent"].items():
        p = parents.get(pname)
        want = (f["path"], f["driver"], nullable_int(f["group"]),
                [t for t in f["types"].split(",") if t])
        got = p and (p["path"], p["driver"] or "", p["iommu_group"], p["types"])
        result(got is not None and got[:3] == want[:3] and sorted(got[3]) == sorted(want[3]),
               f"{name}: parents {pname} path/driver/group/types", f"{got} != {want}")
        bus_ok = p and p["bus"] == ("virtual" if f["path"].startswith("/sys/devices/virtual/") else "pci")
        result(bool(bus_ok), f"{name}: parents {pname} bus", p and p["bus"])

    devices = {d["address"]: d for d in data["devices"]}
    result(sorted(devices) == sorted(facts["pci"]), f"{name}: devices has exactly the live PCI devices")
    for addr, f in facts["pci"].items():
        d = devices.get(addr)
        header = int(f["header"], 16) & 0x7f
        want = (hexid(f["vendor"], 4), hexid(f["device"], 4), hexid(f["subvendor"], 4),
                hexid(f["subdevice"], 4), hexid(f["class"], 6), hexid(f["revision"], 2),
                f["driver"], None if f["override"] == "(null)" else f["override"],
                nullable_int(f["group"]), header in (1, 2), nullable_int(f["numvfs"]),
                f["mdev_parent"] == "1")
        got = d and (d["vendor"], d["device"], d["subsystem_vendor"], d["subsystem_device"],
                     d["class"], d["revision"], d["driver"] or "", d["driver_override"],
                     d["iommu_group"], d["bridge"], d["sriov_numvfs"], d["mdev_parent"])
        result(got == want, f"{name}: devices {addr} ids/driver/override/group/bridge/vfs",
               f"{got} != {want}")
        want = (f.get("physfn") or None, nullable_int(f.get("totalvfs", "")))
        got = d and (d.get("physfn", "missing"), d.get("sriov_totalvfs", "missing"))
        result(got == want, f"{name}: devices {addr} physfn/sriov_totalvfs", f"{got} != {want}")
        check_vfio_device(name, f"devices {addr}", d, f)

    groups = {g["group"]: g for g in data["groups"]}
    result(sorted(groups) == sorted(int(n) for n in facts["group"]),
           f"{name}: groups has exactly the live groups")
    for n, f in facts["group"].items():
        g = groups.get(int(n))
        if g is None:
            continue
        members = sorted(filter(None, f["members"].split(",")))
        result(sorted(d["address"] for d in g["devices"]) == members,
               f"{name}: group {n} members", f"{[d['address'] for d in g['devices']]} != {members}")
        noiommu = f["node"] == f"/dev/vfio/noiommu-{n}"
        result(g["vfio_node_present"] == (f["vfio"] == "1") and g["vfio_node"] == f["node"] and
               g["noiommu"] == noiommu, f"{name}: group {n} vfio node presence and kind",
               f"{g['vfio_node']} {g['vfio_node_present']} noiommu={g['noiommu']} != {f}")
        # the viability rule, recomputed from the shell's view of drivers
        expected_viable = True
        for d in g["devices"]:
            if d["kind"] == "mdev":
                ok = True
                driver = facts["mdev"][d["address"]]["driver"]
            else:
                pf = facts["pci"][d["address"]]
                driver = pf["driver"]
                bridge = (int(pf["header"], 16) & 0x7f) in (1, 2)
                ok = (driver == "" or "vfio_pci" in driver or "vfio-pci" in driver or
                      driver == "pci-stub" or (bridge and driver == "pcieport"))
            ok &= not noiommu  # no isolation: never viable
            expected_viable &= ok
            result(d["ok"] == ok and (d["driver"] or "") == driver and (d["reason"] is None) == ok,
                   f"{name}: group {n} member {d['address']} verdict", f"{d} (driver {driver!r})")
        result(g["viable"] == expected_viable, f"{name}: group {n} viable={expected_viable}")
        rc = facts["check"][n]["rc"]
        result(rc == ("0" if expected_viable else "1"), f"{name}: check {n} exit code", rc)


def main():
    out = sys.argv[1]
    snaps = os.path.join(out, "snap")
    names = sorted(os.listdir(snaps)) if os.path.isdir(snaps) else []
    result(len(names) > 0, "guest snapshots came back", f"none in {snaps}")
    for name in names:
        check_snapshot(os.path.join(snaps, name), name)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
