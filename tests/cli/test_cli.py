#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Tests of `jsontimeline validate`: exit codes, human and JSON output, strict mode, stdin.
import glob
import json
import os
import shlex
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(__file__))
from clitest import CLI, check, expect, finish, has, run, run_json, example, load_example, INDREAM  # noqa: E402

VALID = sorted(glob.glob(os.path.join(INDREAM, "editor-state.valid*.json")))
INVALID = sorted(glob.glob(os.path.join(INDREAM, "editor-state.invalid*.json")))
LEGACY = example("product-page.legacy.json")

EXPECTED = {  # file -> (code, path) that must be among its errors
    "editor-state.invalid.caption-offset.json":
        ("EDITOR_SCHEMA_INVALID", "/items/item-caption-1/contentStartOffsetMs"),
    "editor-state.invalid.caption.json":
        ("EDITOR_SCHEMA_INVALID", "/assets/asset-caption-1/captions/0"),
    "editor-state.invalid.chart.json": ("EDITOR_SCHEMA_INVALID", "/items/item-chart-1/data"),
    "editor-state.invalid.deleted-asset.json":
        ("EDITOR_SCHEMA_INVALID", "/deletedAssets/0/statusAtDeletion"),
    "editor-state.invalid.effect.json":
        ("EDITOR_EFFECT_TYPE_INVALID", "/items/item-effect-1/effectType"),
    "editor-state.invalid.filter.json":
        ("EDITOR_FILTER_TYPE_INVALID", "/items/item-filter-1/filterType"),
    "editor-state.invalid.text-template.json":
        ("EDITOR_SCHEMA_INVALID", "/items/item-template-1/nodes/0"),
    "editor-state.invalid.transition.json":
        ("EDITOR_TRANSITION_TYPE_INVALID", "/transitions/transition-1/type"),
}


def test_help():
    code, out, _ = run("--help")
    expect(code == 0 and "Usage:" in out and "validate" in out, out)
    code, out, _ = run("validate", "--help")
    expect(code == 0 and "--strict" in out and "--json" in out and "Exit status" in out, out)
    code, out, _ = run("help", "validate")
    expect(code == 0 and "--strict" in out, out)
    code, out, _ = run("--version")
    expect(code == 0 and out.startswith("jsontimeline "), out)



def test_examples_pass_option_checks():
    """Every example command of a subcommand's --help and of docs/cli.md gets past the
    option checks: run where its FILE does not exist, it stops at that file (exit 2,
    "cannot open"), not at an option out of range (`--scale 0.5` was shown, 0.6-8 taken)."""
    docs = os.path.join(os.path.dirname(__file__), "..", "..", "docs", "cli.md")
    lines = []
    for cmd in ("render", "preview", "stream", "validate", "probe"):
        _, out, _ = run(cmd, "--help")
        lines += [l.strip() for l in out.splitlines()
                  if l.startswith(f"  jsontimeline {cmd} ")]
    with open(docs, encoding="utf-8") as f:
        lines += [l.strip() for l in f if l.startswith("    jsontimeline ")]
    expect(len(lines) >= 8, lines)
    empty = tempfile.mkdtemp(prefix="jtl-examples-")
    # only the option checks are tested here: leak detection (the other CLI tests) off, as
    # GLib's own start-up allocation can read as a leak in a process that ends this early
    env = dict(os.environ)
    env["ASAN_OPTIONS"] = ":".join(filter(None, [env.get("ASAN_OPTIONS", ""), "detect_leaks=0"]))
    for line in lines:
        args = shlex.split(line)[1:]
        p = subprocess.run([os.path.abspath(CLI), *args], cwd=empty, capture_output=True,
                           text=True, timeout=60, env=env)
        expect(p.returncode == 2 and "cannot open" in p.stderr and "must be" not in p.stderr,
               (line, p.returncode, p.stderr))

def test_usage_errors():
    code, _, err = run()
    expect(code == 2 and "Usage" in err, err)
    code, _, err = run("frobnicate")
    expect(code == 2 and "unknown command" in err, err)
    code, _, err = run("validate")
    expect(code == 2 and "no FILE" in err, err)
    code, _, err = run("validate", "--no-such-option", VALID[0])
    expect(code == 2, err)
    code, out, err = run("validate", "/nonexistent/file.json")
    expect(code == 2 and "/nonexistent/file.json" in err, err)
    code, out, err = run("validate", INDREAM)  # a directory
    expect(code == 2 and "directory" in err, err)
    # an unreadable file wins over an invalid one: 2
    code, _, _ = run("validate", INVALID[0], "/nonexistent.json")
    expect(code == 2, code)
    code, lines, _ = run_json("/nonexistent.json")
    expect(code == 2 and lines[0]["valid"] is False and lines[0]["errors"][0]["kind"] == "io",
           lines)


def test_valid_examples():
    expect(len(VALID) == 6, VALID)
    for strict in ([], ["--strict"]):
        code, out, _ = run("validate", *strict, *VALID)
        expect(code == 0, out)
        expect(out.count(": valid") == 6, out)


def test_invalid_examples():
    expect(len(INVALID) == 8, INVALID)
    for f in INVALID:
        code, out, _ = run("validate", f)
        expect(code == 1, f"{f}: {code} {out}")
        want_code, want_path = EXPECTED[os.path.basename(f)]
        expect(f"  {want_path}: " in out and f"({want_code})" in out, out)
    code, lines, _ = run_json(*INVALID)
    expect(code == 1 and len(lines) == 8, lines)
    for line in lines:
        want_code, want_path = EXPECTED[os.path.basename(line["file"])]
        expect(line["valid"] is False and has(line, want_code, want_path), line)
        for e in line["errors"]:
            expect(set(e) == {"code", "path", "message", "kind"}, e)
            expect(e["kind"] in ("schema", "semantic"), e)
            expect(e["path"] == "" or e["path"].startswith("/"), e)
    # the transition example also breaks the adjacency rule (a semantic error)
    tr = [l for l in lines if l["file"].endswith("invalid.transition.json")][0]
    adj = [e for e in tr["errors"] if e["code"] == "EDITOR_TRANSITION_CLIP_NOT_ADJACENT"]
    expect(adj and adj[0]["kind"] == "semantic" and adj[0]["path"] == "/transitions/transition-1",
           tr)


def test_mixed_exit_code():
    code, _, _ = run("validate", VALID[0], INVALID[0])
    expect(code == 1, code)


def test_json_output_shape():
    code, lines, _ = run_json(VALID[0])
    expect(code == 0 and len(lines) == 1, lines)
    line = lines[0]
    expect(list(line) == ["file", "valid", "errors", "warnings"], line)
    expect(line["file"] == VALID[0] and line["valid"] is True and line["errors"] == [], line)


def test_legacy_product_page():
    code, out, _ = run("validate", LEGACY)
    expect(code == 0 and "valid, 8 warnings" in out, out)
    expect("warning: /editorState/items/nSrW/top: legacy shorthand" in out, out)
    code, lines, _ = run_json(LEGACY)
    expect(code == 0 and len(lines[0]["warnings"]) == 8, lines)
    expect(has(lines[0], "EDITOR_LEGACY_SHORTHAND", "/editorState/items/nSrW/scaleX", "warnings"),
           lines)
    code, lines, _ = run_json("--strict", LEGACY)
    expect(code == 1 and lines[0]["valid"] is False and lines[0]["warnings"] == [], lines)
    expect(has(lines[0], "EDITOR_LEGACY_SHORTHAND", "/editorState/items/nSrW/opacity"), lines)
    code, out, _ = run("validate", "--quiet", LEGACY)
    expect(code == 0 and "warning:" not in out, out)


def test_stdin():
    with open(INVALID[0], "rb") as f:
        data = f.read()
    code, lines, _ = run_json("-", stdin=data)
    expect(code == 1 and lines[0]["file"] == "(stdin)", lines)
    with open(VALID[0], "rb") as f:
        code, out, _ = run("validate", "-", stdin=f.read())
    expect(code == 0 and "(stdin): valid" in out, out)


def test_keyframe_end_warning_strict():
    doc = load_example("editor-state.valid.json")
    item = doc["items"]["item-solid-1"]
    item["opacity"]["keyframes"] = [{"timeTicks": item["durationTicks"], "value": 0}]
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(doc, f)
    try:
        path = "/items/item-solid-1/opacity/keyframes/0/timeTicks"
        code, lines, _ = run_json(f.name)
        expect(code == 0 and has(lines[0], "EDITOR_KEYFRAME_AT_CLIP_END", path, "warnings"), lines)
        code, lines, _ = run_json("--strict", f.name)
        expect(code == 1 and has(lines[0], "EDITOR_KEYFRAME_AT_CLIP_END", path), lines)
    finally:
        os.unlink(f.name)


def test_max_bytes_option():
    code, lines, _ = run_json("--max-bytes", "100", VALID[0])
    expect(code == 1 and has(lines[0], "EDITOR_JSON_TOO_LARGE"), lines)
    code, _, err = run("validate", "--max-bytes", "0", VALID[0])
    expect(code == 2, err)


def test_capabilities_json():
    """capabilities --json is an EditorCapabilities of the Open API, and names exactly the
    transition, effect, filter and shape types the editorState schema allows."""
    import jsonschema
    import yaml
    code, out, err = run("capabilities", "--json")
    expect(code == 0, err)
    caps = json.loads(out)
    with open(os.path.join(INDREAM, "openapi.yaml")) as f:
        spec = yaml.safe_load(f)
    jsonschema.validate(caps, spec["components"]["schemas"]["EditorCapabilities"])
    schema_path = os.path.join(os.path.dirname(__file__), "..", "..", "lib", "dialects", "indream", "schemas",
                               "editor-state.v1.schema.json")
    with open(schema_path) as f:
        text = f.read()
    for key, enum_of in (("effects", "effectType"), ("filters", "filterType"),
                         ("shapes", "shape")):
        start = text.index('"%s": {' % enum_of)
        enum = json.loads("{" + text[start:text.index("]", start) + 1] + "}}")[enum_of]["enum"]
        expect(sorted(caps[key]) == sorted(enum), (key, caps[key], enum))
    expect(caps["transitions"] == ["fade", "slide", "wipe", "flip", "clock-wipe", "iris"],
           caps["transitions"])
    wipes = [p["params"]["direction"] for p in caps["transitionPresets"] if p["type"] == "wipe"]
    expect(len(wipes) == 8 and len(set(wipes)) == 8, wipes)
    expect(caps["backgroundPresets"]["blurLevels"] == [0, 1, 2, 3, 4], caps["backgroundPresets"])
    code, out, _ = run("capabilities")
    expect(code == 0 and "clock-wipe" in out and "sakura-pink" in out, out)
    listed = [l.split()[1:] for l in out.splitlines() if l.startswith("illustrations:")]
    expect(len(listed) == 1 and len(listed[0]) >= 20 and "star" in listed[0], out)
    # the names the API serves at GET /v1/illustrations, as its response envelope
    code, out, err = run("capabilities", "--illustrations")
    expect(code == 0, err)
    found = json.loads(out)
    jsonschema.validate(found,
                        spec["components"]["schemas"]["IllustrationSearchResponseEnvelope"])
    expect(len(found["data"]) >= 20 and found["data"] == sorted(found["data"]), found)
    expect(found["data"] == listed[0], (found["data"], listed[0]))
    code, out, err = run("capabilities", "--illustrations", "--query", "Arrow")
    found = json.loads(out)
    expect(code == 0 and found["data"] and all(n.startswith("arrow-") for n in found["data"])
           and found["meta"]["q"] == "Arrow", out)
    code, _, _ = run("capabilities", "extra")
    expect(code == 2, "an argument is a usage error")


def test_probe():
    """probe reads a clip it did not write itself: 40 frames at 20 fps of 80x60 with a
    second of sound; a WAV; a still; not media; not a file."""
    import subprocess
    d = tempfile.mkdtemp(prefix="jtl-probe-")
    clip, wav, png = (os.path.join(d, n) for n in ("clip.mkv", "tone.wav", "still.png"))
    # gst-launch makes the media: plain GStreamer, without our (maybe sanitized) plugin
    env = {k: v for k, v in os.environ.items()
           if k not in ("LD_PRELOAD", "GST_PLUGIN_PATH", "GST_PLUGIN_PATH_1_0")}
    env["GST_REGISTRY_1_0"] = os.path.join(d, "registry.bin")
    subprocess.run(["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=40", "!",
                    "video/x-raw,width=80,height=60,framerate=20/1", "!", "jpegenc", "!",
                    "matroskamux", "name=m", "!", "filesink", f"location={clip}",
                    "audiotestsrc", "num-buffers=20", "samplesperbuffer=2400", "!",
                    "audio/x-raw,rate=48000", "!", "audioconvert", "!", "m."],
                   check=True, timeout=60, env=env)
    subprocess.run(["gst-launch-1.0", "-q", "audiotestsrc", "num-buffers=30",
                    "samplesperbuffer=1600", "!", "audio/x-raw,rate=16000", "!", "wavenc", "!",
                    "filesink", f"location={wav}"], check=True, timeout=60, env=env)
    subprocess.run(["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=1", "!",
                    "video/x-raw,width=30,height=20", "!", "pngenc", "!", "filesink",
                    f"location={png}"], check=True, timeout=60, env=env)
    # the discoverer loads every installed plugin, and some leak (as in the element tests)
    quiet = {"ASAN_OPTIONS": "detect_leaks=0"}
    code, out, err = run("probe", clip, env=quiet)
    expect(code == 0, err)
    got = json.loads(out)
    expect(got["width"] == 80 and got["height"] == 60 and got["video"] and got["audio"]
           and not got["image"] and abs(got["duration"] - 2.0) < 0.06, got)
    code, out, err = run("probe", wav, env=quiet)
    got = json.loads(out)
    expect(code == 0 and got == {"duration": 3.0, "width": None, "height": None,
                                 "video": False, "audio": True, "image": False}, (out, err))
    code, out, err = run("probe", png, env=quiet)
    got = json.loads(out)
    expect(code == 0 and got["image"] and got["duration"] is None and got["width"] == 30, out)
    junk = os.path.join(d, "junk.mp4")
    with open(junk, "wb") as f:
        f.write(b"\0\0\0\x18ftypmp42 but nothing after")
    code, out, err = run("probe", junk, env=quiet)
    expect(code == 1 and out == "" and "junk.mp4" in err, (code, out, err))
    code, _, err = run("probe", d, env=quiet)
    expect(code == 2 and "not a regular file" in err, err)
    code, _, err = run("probe", env=quiet)
    expect(code == 2, err)


for name, fn in list(globals().items()):
    if name.startswith("test_") and callable(fn):
        check(name, fn)
finish()
