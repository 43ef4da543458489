#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Small inputs with huge costs (issue 14, point 9), end to end: each renders at tiny size
# quickly or is refused with its budget's error, in a child with a memory limit so that a
# regression fails instead of eating the machine. Time bounds only catch hangs.
import json
import os
import resource
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from test_render import TMP, decode_frames, text_item  # noqa: E402
from clitest import CLI, check, expect, finish  # noqa: E402

SECOND = 240000
SANITIZED = "libasan" in os.environ.get("LD_PRELOAD", "")
MEMORY = 3 << 30  # bytes a render may map


def limited():
    """In the child: the memory limit. AddressSanitizer reserves terabytes of address space,
    so a sanitized build gets its own RSS limit instead (hard_rss_limit_mb, below)."""
    if not SANITIZED:
        resource.setrlimit(resource.RLIMIT_AS, (MEMORY, MEMORY))


def run(args, timeout):
    env = dict(os.environ)
    if SANITIZED:
        env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") +
                               f":hard_rss_limit_mb={MEMORY >> 20}").lstrip(":")
        timeout *= 4
    p = subprocess.run([CLI, *args], capture_output=True, timeout=timeout, preexec_fn=limited,
                       env=env)
    expect(0 <= p.returncode <= 2, f"crashed or bad exit {p.returncode}: {p.stderr[-2000:]!r}")
    return p.returncode, p.stderr.decode("utf-8", "replace")


def write(name, data):
    path = os.path.join(TMP, name)
    with open(path, "wb" if isinstance(data, bytes) else "w") as f:
        f.write(data)
    return path


def state(items, tracks, assets=None):
    """A 320x180 editorState: tracks is a list of item id lists, tracks[0] on top."""
    return {"compositionWidth": 320, "compositionHeight": 180, "timebaseTicksPerSecond": SECOND,
            "tracks": [{"id": f"t{i}", "hidden": False, "muted": False, "items": ids}
                       for i, ids in enumerate(tracks)],
            "assets": assets or {}, "items": items, "transitions": {},
            "globalBackground": {"type": "color", "color": "#204080", "gradient": None}}


def effects(n):
    """n one-frame effect items one after another on one track (n frames long)."""
    items = {f"e{i}": {"id": f"e{i}", "type": "effect", "effectType": "fade-in",
                       "intensity": 0.5, "startTicks": i * SECOND // 30,
                       "durationTicks": SECOND // 30, "isDraggingInTimeline": False}
             for i in range(n)}
    return state(items, [list(items)])


def render(doc, name, *opts, timeout=100):
    src = write(name + ".json", json.dumps(doc))
    out = os.path.join(TMP, name + ".mp4")
    code, err = run(["render", "-q", src, "-o", out, *opts], timeout)
    return code, out, err


def refused(code, err, *fragments):
    expect(code == 1, f"exit {code}: {err[-1500:]}")
    for f in fragments:
        expect(f in err, f"{f!r} not in {err[-1500:]!r}")


def test_twenty_thousand_effects():
    # graph set-up was frames x effect items: 20000 one-frame effects gave no frame in
    # 120 s; a sweep over the items sorted once renders the first frames at once
    code, out, err = render(effects(20000), "effects-20k", "--end", "0.2", "--scale", "0.6")
    expect(code == 0, err[-1500:])
    frames = decode_frames(out, 192, 108)
    expect(len(frames) == 6, f"{len(frames)} frames")
    # each frame's effect (a fade-in at intensity 0.5, at its first frame) halves the
    # background's blue (128)
    blues = [f[(54 * 192 + 96) * 3 + 2] for f in frames]
    expect(all(48 <= b <= 80 for b in blues), f"blue {blues}")


def test_too_many_items():
    code, _, err = render(effects(20001), "effects-20k1")
    refused(code, err, "/items", "20001 items; the limit is 20000", "EDITOR_TOO_MANY_ITEMS")


def test_keyframes_and_text():
    doc = effects(1)
    doc["items"]["s"] = text_item("s", "x" * 20001, 0, SECOND, 0, 0, 320, 180)
    doc["tracks"].append({"id": "t-text", "hidden": False, "muted": False, "items": ["s"]})
    code, _, err = render(doc, "text-long")
    refused(code, err, "/items/s/text", "20001 characters; the limit is 20000",
            "EDITOR_TEXT_TOO_LONG")
    doc["items"]["s"]["text"] = ("lorem ipsum " * 2000)[:20000]
    code, _, err = render(doc, "text-at-budget", "--end", "0.1", "--scale", "0.6")
    expect(code == 0, err[-1500:])
    doc["items"]["s"]["left"] = {"value": 0, "keyframes": [
        {"timeTicks": t, "value": t % 7} for t in range(100001)]}
    code, _, err = render(doc, "keyframes-many")
    refused(code, err, "/items/s/left/keyframes", "100001 keyframes; the limit is 100000",
            "EDITOR_TOO_MANY_KEYFRAMES")


RECT = {"ty": "rc", "d": 1, "s": {"a": 0, "k": [4, 4]}, "p": {"a": 0, "k": [8, 8]},
        "r": {"a": 0, "k": 0}}


def repeater(copies):
    return {"ty": "rp", "c": {"a": 0, "k": copies}, "o": {"a": 0, "k": 0}, "m": 1,
            "tr": {"ty": "tr", "p": {"a": 0, "k": [1, 0]}, "a": {"a": 0, "k": [0, 0]},
                   "s": {"a": 0, "k": [100, 100]}, "r": {"a": 0, "k": 0},
                   "so": {"a": 0, "k": 100}, "eo": {"a": 0, "k": 100}}}


# about 1 KB: a rectangle, a repeater of 10^6 copies in its group, and another of 10^6 after it
LOTTIE = {"v": "5.5.2", "fr": 30, "ip": 0, "op": 30, "w": 64, "h": 64, "layers": [
    {"ty": 4, "ind": 1, "ip": 0, "op": 30, "st": 0, "sr": 1,
     "ks": {"o": {"a": 0, "k": 100}, "r": {"a": 0, "k": 0}, "p": {"a": 0, "k": [0, 0, 0]},
            "a": {"a": 0, "k": [0, 0, 0]}, "s": {"a": 0, "k": [100, 100, 100]}},
     "shapes": [{"ty": "gr", "it": [RECT, {"ty": "fl", "c": {"a": 0, "k": [1, 0, 0, 1]},
                                          "o": {"a": 0, "k": 100}},
                                    repeater(1000000)]},
                repeater(1000000)]}]}


def lottie_doc(path, inline):
    item = {"id": "l", "type": "lottie", "assetId": "lot", "startTicks": 0,
            "durationTicks": SECOND, "isDraggingInTimeline": False, "keepAspectRatio": True,
            "lottieStartFromInSeconds": 0, "playbackRate": 1}
    for key, v in (("top", 0), ("left", 0), ("width", 64), ("height", 64), ("scaleX", 1),
                   ("scaleY", 1), ("opacity", 1), ("rotation", 0)):
        item[key] = {"value": v, "keyframes": []}
    asset = {"id": "lot", "type": "lottie", "filename": path, "size": 100, "remoteUrl": None,
             "remoteKey": None, "mimeType": "application/json", "width": 64, "height": 64,
             "durationInSeconds": 1, "resourceType": "lottie",
             "resourceJson": LOTTIE if inline else None}
    return state({"l": item}, [["l"]], {"lot": asset})


def test_lottie_repeaters():
    # rlottie expands repeaters when it loads: 10^12 copies reached 7.9 GB and aborted
    path = write("repeaters.json", json.dumps(LOTTIE))
    expect(os.path.getsize(path) < 2048, os.path.getsize(path))
    code, _, err = render(lottie_doc(path, False), "lottie-repeaters", "--scale", "0.6")
    refused(code, err, "shapes", "the limit is 50000", "/layers/0/shapes/0/it/2")
    # embedded in the document: refused by validation, at its JSON pointer
    code, _, err = render(lottie_doc(path, True), "lottie-repeaters-inline")
    refused(code, err, "/assets/lot/resourceJson/layers/0/shapes/0/it/2",
            "EDITOR_LOTTIE_TOO_COMPLEX")


def huge_gif(width, height):
    """A GIF of one 1x1 image on a width x height logical screen: a few dozen bytes."""
    return (b"GIF89a" + struct.pack("<HH", width, height) + b"\x80\x00\x00" +
            b"\x00\x00\x00\xff\xff\xff" + b"\x21\xf9\x04\x04\x0a\x00\x00\x00" +
            b"\x2c\x00\x00\x00\x00\x01\x00\x01\x00\x00" + b"\x02\x02\x44\x01\x00" + b";")


def test_gif_huge_screen():
    # a 16000 x 16000 screen: 1 GiB a composited frame; a 1 s render went past 90 s
    path = write("screen.gif", huge_gif(16000, 16000))
    item = {"id": "g", "type": "gif", "assetId": "gif", "startTicks": 0,
            "durationTicks": SECOND, "isDraggingInTimeline": False, "keepAspectRatio": False,
            "gifStartFromInSeconds": 0, "playbackRate": 1}
    for key, v in (("top", 0), ("left", 0), ("width", 160), ("height", 90), ("scaleX", 1),
                   ("scaleY", 1), ("opacity", 1), ("rotation", 0), ("borderRadius", 0)):
        item[key] = {"value": v, "keyframes": []}
    asset = {"id": "gif", "type": "gif", "filename": path, "size": 40, "remoteUrl": None,
             "remoteKey": None, "mimeType": "image/gif", "width": 16000, "height": 16000,
             "durationInSeconds": 0.1, "loopBehavior": "loop"}
    code, _, err = render(state({"g": item}, [["g"]], {"gif": asset}), "gif-screen",
                          "--scale", "0.6", timeout=60)
    refused(code, err, "16000x16000", "larger than the limit of 16777216 pixels")
    # the same GIF on a small screen renders
    write("screen.gif", huge_gif(64, 64))
    asset["width"] = asset["height"] = 64
    code, out, err = render(state({"g": item}, [["g"]], {"gif": asset}), "gif-small",
                            "--scale", "0.6", "--end", "0.1", timeout=60)
    expect(code == 0, err[-1500:])


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            check(name, fn)
    finish()
