#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
"""vmdevctl against Debian's mdevctl on the same live kernel
(tests/vm/guest/25-peer.sh): the same mdevs with the same parents and
types, the same types with the same available instances, device API,
name and description.

usage: check-peer.py OUT_DIR
"""
import json
import os
import sys

failures = 0


def result(ok, desc, detail=""):
    global failures
    failures += not ok
    print(f"ok - {desc}" if ok else f"not ok - {desc}: {detail}")


def load(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError) as e:
        result(False, f"peer: {os.path.basename(path)} is JSON", str(e))
        return None


def main():
    peer = os.path.join(sys.argv[1], "peer")
    ml, vl = load(f"{peer}/mdevctl-list.json"), load(f"{peer}/vmdevctl-list.json")
    mt, vt = load(f"{peer}/mdevctl-types.json"), load(f"{peer}/vmdevctl-types.json")
    if None in (ml, vl, mt, vt):
        return 1
    # mdevctl: [{parent: [{uuid: {"mdev_type": ...}}]}]
    theirs = {(u, parent, d["mdev_type"])
              for top in ml for parent, items in top.items()
              for item in items for u, d in item.items()}
    ours = {(m["uuid"], m["parent"], m["type"]) for m in vl}
    result(len(ours) >= 3, "peer: vmdevctl lists the mdevs made for the comparison", str(len(ours)))
    result(ours == theirs, "peer: list matches mdevctl's (uuid, parent, type)",
           f"only ours {sorted(ours - theirs)}, only theirs {sorted(theirs - ours)}")
    # mdevctl: [{parent: [{type: {available_instances, device_api, name, description}}]}]
    theirs = {(parent, t): d for top in mt for parent, items in top.items()
              for item in items for t, d in item.items()}
    ours = {(t["parent"], t["type"]): t for t in vt}
    result(sorted(ours) == sorted(theirs), "peer: types lists the same parents and types as mdevctl",
           f"only ours {sorted(set(ours) - set(theirs))}, only theirs {sorted(set(theirs) - set(ours))}")
    for key in sorted(set(ours) & set(theirs)):
        o, t = ours[key], theirs[key]
        same = (o["available_instances"] == t.get("available_instances") and
                o["device_api"] == t.get("device_api") and
                o["name"] == t.get("name") and
                (o["description"] or None) == (t.get("description") or None))
        result(same, f"peer: types {key[0]}/{key[1]} agrees with mdevctl "
               "(available instances, device API, name, description)", f"ours {o}, theirs {t}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
