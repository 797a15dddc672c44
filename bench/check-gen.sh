#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-or-later
# A generated tree must look like a recorded real-kernel tree to vmdevctl:
# the same keys in every JSON output, non-null wherever the recorded tree
# has them non-null, and every generated mdev listed.
# usage: check-gen.sh BUILD_DIR   (exit 0 when the shapes match)
set -eu
build=$(cd "$1" && pwd)
src=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir "$work/rec"
tar -xzf "$src/tests/golden/all-viable/tree.tar.gz" -C "$work/rec"
"$build/bench/gen-tree" "$work/gen" -p 4 -t 2 -n 12 -g 2
for cmd in list types parents devices groups; do
	"$build/cli/vmdevctl" --root "$work/rec" "$cmd" --json > "$work/rec-$cmd.json"
	"$build/cli/vmdevctl" --root "$work/gen" "$cmd" --json > "$work/gen-$cmd.json"
done
python3 - "$work" <<'PY'
import json, sys
work = sys.argv[1]
bad = 0
def objects(cmd, who):
    data = json.load(open(f"{work}/{who}-{cmd}.json"))
    if cmd == "groups":   # the members too, by kind
        out = []
        for g in data:
            out.append({k: v for k, v in g.items() if k != "devices"})
        return out
    return data
for cmd in ["list", "types", "parents", "devices", "groups"]:
    rec, gen = objects(cmd, "rec"), objects(cmd, "gen")
    if not gen:
        print(f"{cmd}: generated tree gives no objects"); bad += 1; continue
    keys = set(rec[0])
    for o in gen:
        if set(o) != keys:
            print(f"{cmd}: keys {sorted(o)} != {sorted(keys)}"); bad += 1; break
    for k in sorted(keys):
        rec_all = all(o.get(k) is not None for o in rec)
        rec_any = any(o.get(k) is not None for o in rec)
        gen_all = all(o.get(k) is not None for o in gen)
        gen_any = any(o.get(k) is not None for o in gen)
        if rec_all and not gen_all or rec_any and not gen_any:
            print(f"{cmd}: key {k} is null in the generated tree where the recorded tree has it")
            bad += 1
if len(json.load(open(f"{work}/gen-list.json"))) != 12:
    print("list: not every generated mdev is listed"); bad += 1
kinds = {d["kind"] for g in json.load(open(f"{work}/gen-groups.json")) for d in g["devices"]}
if kinds != {"pci", "mdev"}:
    print(f"groups: member kinds {kinds}"); bad += 1
print("check-gen:", "FAIL" if bad else "ok: generated tree has the recorded tree's shape")
sys.exit(1 if bad else 0)
PY
