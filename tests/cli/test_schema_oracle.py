#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Strict mode agrees with a standard JSON Schema validator (Debian's python3-jsonschema,
# Draft7Validator) on thousands of mutated editorState documents: every document the oracle
# rejects we reject; every document it accepts we accept unless a semantic rule fails.
import argparse
import copy
import glob
import json
import os
import random
import subprocess
import sys
import tempfile

import jsonschema

DATA = os.environ.get("JTL_TEST_DATA", os.path.join(os.path.dirname(__file__), "..", "data"))
CLI = os.environ.get("JTL_CLI", "build/tools/jsontimeline")

ITEM_TYPES = ["image", "video", "gif", "lottie", "audio", "text", "text-template", "captions",
              "solid", "illustration", "effect", "filter", "chart"]


def schema_pools(schema):
    """Strings and numbers the schema names (enum, const, bounds), to mutate towards."""
    strings, numbers, names = set(), set(), set()

    def visit(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key in ("enum",) and isinstance(value, list):
                    for v in value:
                        (strings if isinstance(v, str) else numbers).add(v) if not isinstance(v, bool) else None
                elif key == "const" and not isinstance(value, (dict, list, bool)):
                    (strings if isinstance(value, str) else numbers).add(value)
                elif key in ("minimum", "maximum", "minLength", "minItems") and isinstance(value, (int, float)):
                    for d in (-1, -0.5, 0, 0.5, 1):
                        numbers.add(value + d)
                elif key == "properties":
                    names.update(value.keys())
                visit(value)
        elif isinstance(node, list):
            for v in node:
                visit(v)

    visit(schema)
    return sorted(strings), sorted(numbers), sorted(names)


def locations(doc):
    """Every (parent, key) in the document, parent a dict or list."""
    out = []

    def visit(node):
        if isinstance(node, dict):
            for k, v in node.items():
                out.append((node, k))
                visit(v)
        elif isinstance(node, list):
            for i, v in enumerate(node):
                out.append((node, i))
                visit(v)

    visit(doc)
    return out


def containers(doc):
    out = []

    def visit(node):
        if isinstance(node, dict):
            out.append(node)
            for v in node.values():
                visit(v)
        elif isinstance(node, list):
            out.append(node)
            for v in node:
                visit(v)

    visit(doc)
    return out


class Mutator:
    def __init__(self, rng, schema):
        self.rng = rng
        self.strings, self.numbers, self.names = schema_pools(schema)
        self.other_values = [None, True, False, 0, 1, -1, 1.0, 1.5, -0.5, 2, 7.25, "", "x",
                             "#ffffff", [], {}, [1], {"value": 1}, 2 ** 53, 2 ** 31,
                             1e300, 0.01, 0.009, 50, 49, 1920, 1921, 240000, 240000.0,
                             {"value": 1, "keyframes": []}]

    def random_value(self):
        r = self.rng.random()
        if r < 0.35:
            return copy.deepcopy(self.rng.choice(self.other_values))
        if r < 0.65:
            return self.rng.choice(self.strings)
        if r < 0.95:
            return self.rng.choice(self.numbers)
        return {"value": self.rng.choice(self.numbers), "keyframes": [
            {"timeTicks": self.rng.choice([0, 1, 5, -1, 1.5]), "value": 1}]}

    def tweak(self, value):
        """A change near the old value (often still valid)."""
        rng = self.rng
        if isinstance(value, bool):
            return not value
        if isinstance(value, int):
            return rng.choice([value + 1, value - 1, 0, -value, float(value), value + 0.5,
                               value * 1000])
        if isinstance(value, float):
            return rng.choice([value + 0.25, -value, int(value), 0.0, value * 3])
        if isinstance(value, str):
            return rng.choice([value + " ", value.upper(), "", value + "x",
                               rng.choice(self.strings), value[:1]])
        if isinstance(value, list):
            if value and rng.random() < 0.5:
                return value[:-1]
            return value + copy.deepcopy(value[:1])
        if isinstance(value, dict):
            v = copy.deepcopy(value)
            if v and rng.random() < 0.5:
                v.pop(rng.choice(list(v)))
            else:
                v[rng.choice(self.names + ["extra", "zz"])] = self.random_value()
            return v
        return self.random_value()

    def benign(self, doc):
        """Changes that usually keep the document valid."""
        rng = self.rng
        items = doc.get("items", {})
        r = rng.random()
        if r < 0.3 and items:
            key = rng.choice(list(items))
            item = items[key]
            for name in ("top", "left", "width", "height", "opacity", "scaleX"):
                if isinstance(item.get(name), dict):
                    item[name]["value"] = rng.choice([0, 1, 0.5, 640, -20.5, 1e3])
                    dur = item.get("durationTicks", 1)
                    if isinstance(dur, int) and dur > 1 and rng.random() < 0.5:
                        item[name]["keyframes"].append(
                            {"timeTicks": rng.randrange(0, dur), "value": rng.random()})
            return "benign: retime geometry"
        if r < 0.5:
            target = rng.choice([doc] + list(items.values()) + list(doc.get("assets", {}).values()))
            target[rng.choice(["x-note", "meta", "zz"])] = self.random_value()
            return "benign: extra property where allowed"
        if r < 0.7 and items:
            key = rng.choice(list(items))
            new = copy.deepcopy(items[key])
            new_id = key + "-copy"
            new["id"] = new_id
            if isinstance(new.get("startTicks"), int):
                new["startTicks"] = 10 ** 6
            items[new_id] = new
            doc.setdefault("tracks", []).append(
                {"id": "t-" + new_id, "items": [new_id], "hidden": False, "muted": False})
            return "benign: copy an item to a new track"
        if r < 0.85:
            doc["globalBackground"] = rng.choice([
                {"type": "none"}, {"type": "color", "color": "#000", "gradient": None},
                {"type": "blur", "level": rng.choice([0, 4, 2.0])},
                {"type": "image", "imageAssetId": None, "imageUrl": "u", "source": "preset"}])
            return "benign: background"
        doc["brandRuntime"] = rng.choice([None, {
            "brandId": None, "logoX": 1, "logoY": 2.5, "managedItemIds": [],
            "managedAssetIds": ["a"], "introShiftInFrames": 0, "overlayTrackId": None,
            "underlayTrackId": None}])
        return "benign: brandRuntime"

    def hostile(self, doc):
        rng = self.rng
        locs = locations(doc)
        if not locs:
            return "nothing"
        parent, key = rng.choice(locs)
        r = rng.random()
        where = f"{type(parent).__name__}[{key!r}]"
        if r < 0.2 and isinstance(parent, dict):
            del parent[key]
            return f"delete {where}"
        if r < 0.5:
            parent[key] = self.tweak(parent[key])
            return f"tweak {where}"
        if r < 0.8:
            parent[key] = self.random_value()
            return f"replace {where} with {parent[key]!r:.40}"
        if r < 0.9:
            items = doc.get("items")
            if isinstance(items, dict) and items:
                k = rng.choice(list(items))
                if isinstance(items[k], dict):
                    items[k]["type"] = rng.choice(ITEM_TYPES)
                    return f"item {k} type -> {items[k]['type']}"
        cont = rng.choice(containers(doc))
        if isinstance(cont, dict):
            cont[rng.choice(self.names + ["unknownProp"])] = self.random_value()
            return "add a property"
        if cont:
            cont.pop(rng.randrange(len(cont)))
            return "drop an array element"
        cont.append(self.random_value())
        return "append to an empty array"

    def mutate(self, doc):
        steps = []
        if self.rng.random() < 0.5:
            for _ in range(self.rng.randint(1, 2)):
                steps.append(self.benign(doc))
        else:
            for _ in range(self.rng.randint(1, 3)):
                steps.append(self.hostile(doc))
        return "; ".join(steps)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cases", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=20261122)
    ap.add_argument("--schema", required=True)
    ap.add_argument("--save-dir")
    ap.add_argument("--batch", type=int, default=400)
    args = ap.parse_args()

    with open(args.schema, encoding="utf-8") as f:
        schema = json.load(f)
    oracle = jsonschema.Draft7Validator(schema)
    seeds = []
    for path in sorted(glob.glob(os.path.join(DATA, "indream", "editor-state.*.json"))):
        with open(path, encoding="utf-8") as f:
            seeds.append(json.load(f))
    rng = random.Random(args.seed)
    mutator = Mutator(rng, schema)

    cases = []
    while len(cases) < args.cases:
        doc = copy.deepcopy(rng.choice(seeds))
        what = mutator.mutate(doc)
        try:
            text = json.dumps(doc, allow_nan=False)
        except ValueError:
            continue
        cases.append((what, doc, text))

    tmp = tempfile.mkdtemp(prefix="jtl-oracle-")
    results = []
    for start in range(0, len(cases), args.batch):
        batch = cases[start:start + args.batch]
        files = []
        for i, (_, _, text) in enumerate(batch):
            path = os.path.join(tmp, f"case-{start + i:05d}.json")
            with open(path, "w", encoding="utf-8") as f:
                f.write(text)
            files.append(path)
        p = subprocess.run([CLI, "validate", "--strict", "--json", *files], capture_output=True,
                           timeout=600)
        if p.returncode not in (0, 1):
            print(f"CLI failed with exit {p.returncode}: {p.stderr.decode()[-2000:]}")
            print("0 passed, 1 failed")
            return 1
        lines = [json.loads(l) for l in p.stdout.decode("utf-8").splitlines() if l.strip()]
        if len(lines) != len(files):
            print(f"CLI printed {len(lines)} lines for {len(files)} files")
            print("0 passed, 1 failed")
            return 1
        results.extend(lines)
        for path in files:
            os.unlink(path)
    os.rmdir(tmp)

    agree = disagree = accepted = semantic_only = 0
    shown = 0
    for (what, doc, text), ours in zip(cases, results):
        theirs = list(oracle.iter_errors(doc))
        oracle_ok = not theirs
        accepted += oracle_ok
        schema_errors = [e for e in ours["errors"] if e["kind"] == "schema"]
        if oracle_ok:
            ok = not schema_errors
            if ours["errors"] and ok:
                semantic_only += 1
        else:
            ok = not ours["valid"]
        if ok:
            agree += 1
            continue
        disagree += 1
        if args.save_dir:
            os.makedirs(args.save_dir, exist_ok=True)
            with open(os.path.join(args.save_dir, f"disagree-{disagree:04d}.json"), "w") as f:
                f.write(text)
        if shown < 10:
            shown += 1
            print(f"DISAGREE ({what}): oracle {'accepts' if oracle_ok else 'rejects'}")
            for e in theirs[:3]:
                print(f"  oracle: /{'/'.join(map(str, e.absolute_path))}: {e.message[:160]}")
            for e in ours["errors"][:3]:
                print(f"  ours:   {e['path']}: {e['message'][:160]} ({e['code']}, {e['kind']})")
    print(f"cases {len(cases)}: oracle accepted {accepted}, rejected {len(cases) - accepted}; "
          f"we rejected {semantic_only} of the accepted ones on semantic rules only")
    print(f"{agree} passed, {disagree} failed")
    return 1 if disagree else 0


if __name__ == "__main__":
    sys.exit(main())
