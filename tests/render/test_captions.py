#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Captions items end to end: the right page at the right time inside the item's box, the
# spoken word in highlightColor only while it is spoken, contentStartOffsetMs shifting
# everything by whole frames, caption animations on text items, the spec's examples.
import copy
import json
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from test_render import TMP, W, H, decode_frames, document, pixel, render, solid  # noqa: E402
from clitest import check, expect, finish, run  # noqa: E402

SECOND = 240000
EXAMPLES = os.path.join(os.environ.get("JTL_TEST_DATA",
                                       os.path.join(os.path.dirname(__file__), "..", "data")),
                        "indream")
BOX = (20, 160, 280, 60)  # left, top, width, height


def captions_item(item_id, asset_id, start, dur, **extra):
    left, top, w, h = BOX
    item = solid(item_id, "#000000", start, dur, left, top, w, h)
    for key in ("color", "shape", "keepAspectRatio", "borderRadius"):
        item.pop(key, None)
    item.update({"type": "captions", "assetId": asset_id, "fontFamily": "DejaVu Sans",
                 "fontStyle": {"variant": "normal", "weight": "700"}, "fontSize": 28,
                 "lineHeight": 1.2, "letterSpacing": 0, "align": "center", "color": "#FFFFFF",
                 "highlightColor": "#00FF00", "strokeWidth": 0, "strokeColor": "#000000",
                 "direction": "ltr", "pageDurationInMilliseconds": 1000, "maxLines": 2,
                 "contentStartOffsetMs": 0, "source": "manual", "captionGroupId": None,
                 "background": None})
    item.update(extra)
    return item


def caption_asset(asset_id, words):
    return {"id": asset_id, "type": "caption", "filename": "c.json", "size": 100,
            "remoteUrl": None, "remoteKey": None, "mimeType": "application/json",
            "timingGranularity": "word",
            "captions": [{"text": t, "startMs": s, "endMs": e} for t, s, e in words]}


WORDS = [("ONE ", 0, 500), ("TWO ", 500, 1000), ("THREE", 1500, 2000)]


def captions_doc(**extra):
    doc = document([[captions_item("cap", "words", 0, int(2.5 * SECOND), **extra)]],
                   background="#000000")
    doc["assets"]["words"] = caption_asset("words", WORDS)
    return doc


def classify(frame):
    """Columns and rows of white and of green (highlight) pixels."""
    white, green = [], []
    for y in range(0, H):
        for x in range(0, W):
            r, g, b = pixel(frame, x, y)
            if r > 190 and g > 190 and b > 190:
                white.append((x, y))
            elif g > 190 and r < 90 and b < 90:
                green.append((x, y))
    return white, green


def test_pages_and_highlight():
    code, out, err = render(captions_doc(), "captions")
    expect(code == 0, err)
    frames = decode_frames(out)
    expect(len(frames) == 75, f"{len(frames)} frames")
    left, top, w, h = BOX
    # 0.167 s: "ONE TWO", ONE spoken (green, left of the white TWO), inside the box
    white, green = classify(frames[5])
    expect(len(green) > 60 and len(white) > 60, f"{len(green)} green, {len(white)} white")
    expect(max(x for x, _ in green) < min(x for x, _ in white), "ONE is left of TWO")
    ys = [y for _, y in white + green]
    expect(min(ys) >= top and max(ys) < top + h, f"rows {min(ys)}..{max(ys)}")
    # 0.667 s: TWO spoken
    white, green = classify(frames[20])
    expect(len(green) > 60 and max(x for x, _ in white) < min(x for x, _ in green),
           "TWO highlighted")
    # 1.167 s: between pages, nothing; 1.667 s: THREE alone, spoken
    white, green = classify(frames[35])
    expect(not white and not green, f"gap: {len(white)} white, {len(green)} green")
    white, green = classify(frames[50])
    expect(len(green) > 60 and not white, f"THREE: {len(green)} green, {len(white)} white")
    # the page shows exactly over [1.5 s, 2 s): frames 45..59
    shown = [k for k in range(40, 75) if any(classify(frames[k]))]
    expect(shown == list(range(45, 60)), f"THREE on frames {shown}")


def test_offset_shifts_by_frames():
    code, out, err = render(captions_doc(contentStartOffsetMs=500), "captions-offset")
    expect(code == 0, err)
    frames = decode_frames(out)
    # 500 ms into the captions at the item's start: THREE shows 15 frames earlier
    shown = [k for k in range(20, 75) if any(classify(frames[k]))]
    expect(shown == list(range(30, 45)), f"THREE on frames {shown}")
    white, green = classify(frames[5])  # 0.667 s of captions: TWO spoken
    expect(len(green) > 60 and max(x for x, _ in white) < min(x for x, _ in green),
           "TWO highlighted at frame 5")


def test_caption_animation_on_text():
    """A text item with a typewriter in-animation over 1 s: hidden, half, whole."""
    left, top, w, h = BOX
    item = solid("t", "#000000", 0, SECOND * 2, left, top, w, h)
    for key in ("color", "shape", "keepAspectRatio", "borderRadius"):
        item.pop(key, None)
    item.update({"type": "text", "text": "TYPEWRITER", "color": "#FFFFFF",
                 "fontFamily": "DejaVu Sans", "fontStyle": {"variant": "normal",
                                                            "weight": "700"},
                 "fontSize": 28, "lineHeight": 1.2, "letterSpacing": 0, "align": "center",
                 "direction": "ltr", "strokeWidth": 0, "strokeColor": "#000000",
                 "resizeOnEdit": False,
                 "captionAnimations": {"in": {"type": "typewriter", "durationTicks": SECOND,
                                              "easing": "linear"}}})
    code, out, err = render(document([[item]], background="#000000"), "typewriter")
    expect(code == 0, err)
    frames = decode_frames(out)
    counts = [len(classify(frames[k])[0]) for k in (0, 15, 45)]
    expect(counts[0] == 0, f"frame 0: {counts[0]}")
    expect(counts[2] > 300, f"frame 45: {counts[2]}")
    expect(counts[2] * 0.3 < counts[1] < counts[2] * 0.7, f"half way: {counts}")


def test_examples_render():
    for name in ("caption", "caption-offset"):
        src = os.path.join(EXAMPLES, f"editor-state.valid.{name}.json")
        out = os.path.join(TMP, f"example-{name}.mp4")
        code, _, err = run("render", "-q", src, "-o", out, "--width", "320", "--height",
                           "180", timeout=300)
        expect(code == 0, f"{name}: {err}")
        frames = decode_frames(out, 320, 180)
        with open(src) as f:
            doc = json.load(f)
        item = next(iter(doc["items"].values()))
        expect(len(frames) == round(item["durationTicks"] / SECOND * 30), f"{len(frames)}")
        # the first word in its highlight colour (#39E508) in the first frame
        greens = sum(1 for y in range(180) for x in range(320)
                     if (lambda p: p[1] > 180 and p[0] < 120 and p[2] < 100)(
                         pixel(frames[0], x, y, 320)))
        expect(greens > 20, f"{name}: {greens} highlight pixels")


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            check(name, fn)
    finish()
