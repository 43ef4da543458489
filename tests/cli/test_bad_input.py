#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Bad input never crashes or hangs: each case gets a clear error in bounded time and memory.
import copy
import json
import os
import resource
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from clitest import check, expect, finish, has, load_example, run_json  # noqa: E402

TMP = tempfile.mkdtemp(prefix="jtl-bad-")
BASE = load_example("editor-state.valid.json")


def write(name, data):
    path = os.path.join(TMP, name)
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path, mode) as f:
        f.write(data)
    return path


def one(path_or_dash, *opts, stdin=None, want_exit=1):
    code, lines, err = run_json(*opts, path_or_dash, stdin=stdin, timeout=60)
    expect(code == want_exit, f"exit {code}, want {want_exit}: {lines} {err}")
    expect(len(lines) == 1, lines)
    return lines[0]


def error_with(result, code, fragment="", path=None):
    for e in result["errors"]:
        if e["code"] == code and fragment in e["message"] and (path is None or e["path"] == path):
            return e
    raise AssertionError(f"no {code} containing {fragment!r} at {path}: {result['errors']}")


def test_not_json():
    r = one(write("text.json", "hello, world"))
    error_with(r, "EDITOR_JSON_INVALID", "line 1, column 1")


def test_truncated():
    text = json.dumps(BASE)
    r = one(write("trunc.json", text[: len(text) // 2]))
    error_with(r, "EDITOR_JSON_INVALID", "truncated")


def test_empty_file():
    r = one(write("empty.json", ""))
    error_with(r, "EDITOR_JSON_INVALID", "empty")


def test_huge_file():
    path = os.path.join(TMP, "huge.json")
    with open(path, "wb") as f:  # 100 MB of a syntactically fine array
        f.write(b"[")
        while f.tell() < 100 * 1024 * 1024:
            f.write(b"1," * (1 << 20))
        f.write(b"1]")
    r = one(path)
    error_with(r, "EDITOR_JSON_TOO_LARGE", "limit")
    with open(path, "rb") as f:  # the same through a pipe, where the size is not known first
        r = one("-", stdin=f.read())
    error_with(r, "EDITOR_JSON_TOO_LARGE")
    os.unlink(path)


def test_deep_nesting():
    r = one(write("deep.json", "[" * 100000 + "]" * 100000))
    error_with(r, "EDITOR_JSON_TOO_DEEP", "512")
    r = one(write("deep-obj.json", '{"a":' * 100000 + "1" + "}" * 100000))
    error_with(r, "EDITOR_JSON_TOO_DEEP")


def test_nan_infinity():
    for token in ("NaN", "Infinity", "-Infinity"):
        doc = json.dumps(BASE).replace('"compositionWidth": 1920', f'"compositionWidth": {token}')
        r = one(write("nan.json", doc))
        error_with(r, "EDITOR_JSON_INVALID", path="/compositionWidth")


def test_duplicate_keys():
    doc = json.dumps(BASE).replace('"compositionWidth": 1920',
                                   '"compositionWidth": 640, "compositionWidth": 1920')
    r = one(write("dup.json", doc), want_exit=0)
    expect(has(r, "EDITOR_JSON_DUPLICATE_KEY", "/compositionWidth", "warnings"), r)
    # the schema sees the parsed object, so --strict keeps this a warning
    r = one(write("dup.json", doc), "--strict", want_exit=0)
    expect(has(r, "EDITOR_JSON_DUPLICATE_KEY", "/compositionWidth", "warnings"), r)
    # the last one wins, as in JavaScript and Python
    doc = json.dumps(BASE).replace('"compositionWidth": 1920',
                                   '"compositionWidth": 1920, "compositionWidth": 10')
    r = one(write("dup2.json", doc))
    error_with(r, "EDITOR_SCHEMA_INVALID", path="/compositionWidth")


def test_invalid_utf8():
    doc = json.dumps(BASE).encode().replace(b"#111827", b"#11\xff\xfe27")
    r = one(write("utf8.json", doc))
    error_with(r, "EDITOR_JSON_ENCODING_INVALID", "UTF-8")


def test_big_numbers():
    doc = json.dumps(BASE).replace('"startTicks": 120', '"startTicks": 123456789012345678901234')
    r = one(write("big.json", doc))
    e = error_with(r, "EDITOR_NUMBER_OUT_OF_RANGE", "2^53", "/items/item-solid-1/startTicks")
    expect(e["kind"] == "semantic", e)
    doc = json.dumps(BASE).replace('"startTicks": 120', '"startTicks": 9007199254740993')
    r = one(write("big2.json", doc))
    error_with(r, "EDITOR_NUMBER_OUT_OF_RANGE", path="/items/item-solid-1/startTicks")


def test_negative_and_enormous_ticks():
    doc = copy.deepcopy(BASE)
    doc["items"]["item-solid-1"]["startTicks"] = -5
    r = one(write("neg.json", json.dumps(doc)))
    error_with(r, "EDITOR_SCHEMA_INVALID", path="/items/item-solid-1/startTicks")
    doc = copy.deepcopy(BASE)
    doc["items"]["item-text-1"]["durationTicks"] = 10**15
    r = one(write("enormous.json", json.dumps(doc)))
    error_with(r, "EDITOR_TIMELINE_TOO_LONG", "24 h", "/items/item-text-1/durationTicks")
    doc = copy.deepcopy(BASE)
    doc["items"]["item-text-1"]["durationTicks"] = 2**53
    r = one(write("enormous2.json", json.dumps(doc)))
    error_with(r, "EDITOR_TIMELINE_TOO_LONG")


def solid(item_id, start, duration):
    item = copy.deepcopy(BASE["items"]["item-solid-1"])
    item["id"] = item_id
    item["startTicks"] = start
    item["durationTicks"] = duration
    return item


def many_items(n, overlap):
    doc = copy.deepcopy(BASE)
    doc["transitions"] = {}
    ids = [f"s{i}" for i in range(n)]
    for i, item_id in enumerate(ids):
        doc["items"][item_id] = solid(item_id, i * 10, 20 if overlap else 10)
    doc["tracks"].append({"id": "track-many", "items": ids, "hidden": False, "muted": False})
    return doc


def test_many_items():
    # the item budget (docs/limits.md): 20000 items, the example's 5 included
    n = 20000 - len(BASE["items"])
    code, lines, _ = run_json(write("many.json", json.dumps(many_items(n, False))), timeout=300)
    r = lines[0]
    expect(code == 0, code)
    expect(r["valid"], r["errors"][:3])
    code, lines, _ = run_json(write("many-bad.json", json.dumps(many_items(n, True))),
                              timeout=300)
    expect(code == 1, code)
    r = lines[0]
    # every overlap is counted; the list is capped so the output stays bounded
    expect(len(r["errors"]) == 1000 and r.get("omitted", 0) == n - 1 - 1000, (len(r["errors"]), r.get("omitted")))
    expect(r["errors"][0]["code"] == "EDITOR_TRACK_ITEMS_OVERLAP", r["errors"][0])
    # one more is refused before anything else is checked
    r = one(write("too-many.json", json.dumps(many_items(n + 1, True))))
    error_with(r, "EDITOR_TOO_MANY_ITEMS", "20001 items; the limit is 20000", "/items")
    expect(len(r["errors"]) == 1, r["errors"][:3])
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    expect(usage.ru_maxrss < 4_000_000, f"max RSS {usage.ru_maxrss} KiB")


def test_odd_ids():
    doc = copy.deepcopy(BASE)
    odd = 'a/b~c "quoted" \u00e9\u4e2d\U0001F600 \t'
    item = doc["items"].pop("item-text-1")
    item["id"] = odd
    item["startTicks"] = -1
    doc["items"][odd] = item
    doc["tracks"][3]["items"] = [odd]
    r = one(write("odd.json", json.dumps(doc)))
    pointer = "/items/" + odd.replace("~", "~0").replace("/", "~1") + "/startTicks"
    error_with(r, "EDITOR_SCHEMA_INVALID", path=pointer)
    doc["items"][odd]["startTicks"] = 90
    doc["items"][""] = solid("", 0, 10)
    doc["tracks"][3]["items"].append("")
    r = one(write("odd2.json", json.dumps(doc)))
    error_with(r, "EDITOR_SCHEMA_INVALID", path="/items//id")


def test_wrong_top_level():
    for text in ("[]", "42", "null", '"x"', "{}"):
        r = one(write("top.json", text))
        error_with(r, "EDITOR_SCHEMA_INVALID", path="")


for name, fn in list(globals().items()):
    if name.startswith("test_") and callable(fn):
        check(name, fn)
finish()
