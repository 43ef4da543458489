#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Text as a web editor shows it: lines lineHeight x fontSize apart (CSS), text that
# overflows its box drawn (with a warning naming the item), the same line breaks at every
# output scale, the same warning for a missing font in text items, captions and text
# templates. Measured on rendered stills: rows and columns of ink.
import copy
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from test_render import TMP, document, solid, text_item  # noqa: E402
from clitest import check, expect, finish, run  # noqa: E402

from PIL import Image  # noqa: E402

SECOND = 240000


def still(doc, name, *opts):
    """Renders frame 0 of doc to PNG; returns (exit code, greyscale image or None, stderr)."""
    src = os.path.join(TMP, name + ".json")
    with open(src, "w") as f:
        json.dump(doc, f)
    out = os.path.join(TMP, name + ".png")
    code, _, err = run("render", "-q", src, "-o", out, *opts, timeout=120)
    return code, (Image.open(out).convert("L") if code == 0 else None), err


def still_at_scale(doc, name, scale):
    """Frame 0 of doc through jsontimelinesrc's own scale property (any scale, not only the
    CLI's 0.6 to 8)."""
    src = os.path.join(TMP, name + ".json")
    with open(src, "w") as f:
        json.dump(doc, f)
    out = os.path.join(TMP, name + ".png")
    subprocess.run(["gst-launch-1.0", "-q", "jsontimelinesrc", f"location={src}",
                    f"scale={scale}", "name=s", "s.video", "!", "videoconvert", "!", "pngenc",
                    "snapshot=true", "!", "filesink", f"location={out}", "s.audio", "!",
                    "fakesink"], check=True, timeout=120, capture_output=True)
    return Image.open(out).convert("L")


def ink(img, box=None, level=128):
    """Rows and columns holding ink (pixels brighter than level), within box (x0, y0, x1,
    y1) when given."""
    w, h = img.size
    x0, y0, x1, y1 = box or (0, 0, w, h)
    px = img.load()
    rows, cols = set(), set()
    for y in range(max(0, y0), min(h, y1)):
        for x in range(max(0, x0), min(w, x1)):
            if px[x, y] > level:
                rows.add(y)
                cols.add(x)
    return sorted(rows), sorted(cols)


def bands(rows):
    """Runs of consecutive rows: [(first, last), ...]."""
    out = []
    for r in rows:
        if out and r == out[-1][1] + 1:
            out[-1] = (out[-1][0], r)
        else:
            out.append((r, r))
    return out


def white_text(item_id, text, left, top, w, h, size, line_height, **extra):
    return text_item(item_id, text, 0, SECOND // 5, left, top, w, h, color="#ffffff",
                     size=size, lineHeight=line_height, **extra)


def test_line_height_is_css():
    """Three lines of capitals: their cap tops (and baselines) are lineHeight x fontSize
    apart, +-1 px, at several sizes and line heights; a cap is 0.711 em high (Roboto);
    the block is centred in its box."""
    for size, lh in ((40, 1.5), (60, 1.2), (30, 0.9), (100, 1.0)):
        box_h = int(3 * lh * size) + 20
        t = white_text("t", "HH\nHH\nHH", 20, 10, 280, box_h, size, lh)
        doc = document([[t]], background="#000000")
        doc["compositionHeight"] = box_h + 20
        code, img, err = still(doc, f"lh-{size}-{lh}")
        expect(code == 0, err)
        runs = bands(ink(img)[0])
        expect(len(runs) == 3, f"{size} px x {lh}: {len(runs)} bands of ink {runs}")
        if len(runs) != 3:
            continue
        want = lh * size
        for a, b in zip(runs, runs[1:]):
            expect(abs((b[0] - a[0]) - want) <= 1 and abs((b[1] - a[1]) - want) <= 1,
                   f"{size} px x {lh}: lines {b[0] - a[0]}/{b[1] - a[1]} px apart, want {want}")
        for r in runs:
            cap = r[1] - r[0] + 1
            expect(abs(cap - 0.711 * size) <= 2, f"{size} px: cap {cap} px, want {0.711 * size}")
        # centred: as much room above the first line box as below the last
        above = runs[0][0] - 10
        below = 10 + box_h - (runs[2][1] + 1)
        # a line box is lh x size; the cap sits inside it, ascent - cap above the cap top
        # and the descent below the baseline, half the leading on each side (CSS)
        block = 3 * want
        expect(abs((above + below) - (box_h - block) - (want - 0.711 * size)) <= 3,
               f"{size} px x {lh}: {above} above, {below} below in a {box_h} px box")


def test_overflow_is_drawn_and_warned():
    """Three lines of 40 px (lineHeight 1) in a box one line high: all three are drawn,
    the first above and the last below the box, centred on it, with a warning naming the
    item; descenders of one line in a box of its line height show below the box without a
    warning."""
    t = white_text("tall", "HH\nHH\nHH", 20, 100, 280, 40, 40, 1.0)
    code, img, err = still(document([[t]], background="#000000"), "overflow")
    expect(code == 0, err)
    rows, _ = ink(img)
    runs = bands(rows)
    expect(len(runs) == 3, f"{len(runs)} bands of ink {runs}: the overflow is cut")
    expect(rows and rows[0] < 100 - 20 and rows[-1] >= 140 + 20,
           f"ink rows {rows[:1]}..{rows[-1:]}, box rows 100..139")
    expect("warning" in err and "/items/tall" in err and "overflows its box" in err, err)
    # a caption page of two lines in a box one line high
    cap = copy.deepcopy(t)
    cap.update({"id": "cap", "type": "captions", "assetId": "words", "maxLines": 2,
                "pageDurationInMilliseconds": 5000, "highlightColor": "#ffffff",
                "contentStartOffsetMs": 0, "source": "manual", "captionGroupId": None,
                "background": None, "width": {"value": 120, "keyframes": []}})
    del cap["text"]
    doc = document([[cap]], background="#000000")
    doc["assets"]["words"] = {
        "id": "words", "type": "caption", "filename": "c.json", "size": 1, "remoteUrl": None,
        "remoteKey": None, "mimeType": "application/json", "timingGranularity": "word",
        "captions": [{"text": w, "startMs": i * 10, "endMs": 5000}
                     for i, w in enumerate(["HHH ", "HHH"])]}
    code, img, err = still(doc, "overflow-captions")
    expect(code == 0, err)
    rows, _ = ink(img)
    expect(len(bands(rows)) == 2 and rows[0] < 100 and rows[-1] >= 140,
           f"caption ink rows {bands(rows)}, box rows 100..139")
    expect("/items/cap" in err and "overflows its box" in err, err)
    # descenders: ink below the box, no warning
    t = white_text("g", "gjpq", 20, 100, 280, 40, 40, 1.0)
    code, img, err = still(document([[t]], background="#000000"), "descenders")
    expect(code == 0, err)
    rows, _ = ink(img)
    expect(rows and rows[-1] >= 141, f"descenders end at row {rows[-1:]}, the box at 139")
    expect("overflows" not in err, err)


# the product page's "Hello World" (pipelines/examples/hello-world.request.json): Roboto
# 80 px in a 411 x 96 box fitted to it, on a smaller composition
HELLO = white_text("hello", "Hello World", 35, 87, 411, 96, 80, 1.2, fontFamily="Roboto")
HELLO["fontStyle"] = {"variant": "normal", "weight": "400"}


def test_line_breaks_do_not_change_with_the_scale():
    """One line at every scale from 0.25 to 2, its ink width proportional to the scale."""
    doc = document([[HELLO]], background="#000000")
    doc["compositionWidth"], doc["compositionHeight"] = 480, 270
    widths = {}
    # (tests/draw/test-text.cpp checks the layout at every hundredth from 0.25 to 2)
    for scale in (0.25, 0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.9, 1.0, 1.5, 2.0):
        name = f"hello-{scale}"
        if scale < 0.6:
            img = still_at_scale(doc, name, scale)
        else:
            code, img, err = still(doc, name, "--scale", str(scale))
            expect(code == 0, err)
        rows, cols = ink(img, level=100)
        lines = bands(rows)
        expect(len(lines) == 1, f"scale {scale}: {len(lines)} lines {lines}")
        widths[scale] = (cols[-1] - cols[0] + 1) if cols else 0
    one = widths[1.0]
    for scale, w in widths.items():
        expect(abs(w - one * scale) <= 2, f"scale {scale}: ink {w} px wide, want {one * scale}")


def test_same_font_warning_everywhere():
    """A family that is not installed gives the same warning, naming the JSON pointer,
    for a text item, a captions item and a text template's text node."""
    t = white_text("txt", "Hi", 0, 0, 100, 50, 20, 1.2, fontFamily="NoSuchFontA")
    cap = copy.deepcopy(t)
    cap.update({"id": "cap", "type": "captions", "assetId": "words", "maxLines": 2,
                "pageDurationInMilliseconds": 1000, "highlightColor": "#00ff00",
                "contentStartOffsetMs": 0, "source": "manual", "captionGroupId": None,
                "background": None, "fontFamily": "NoSuchFontB",
                "top": {"value": 100, "keyframes": []}})
    del cap["text"]
    tpl = solid("tpl", "#000000", 0, SECOND // 5, 150, 0, 150, 100)
    for key in ("color", "shape", "keepAspectRatio", "borderRadius"):
        tpl.pop(key, None)
    node = {"id": "n0", "type": "text", "text": "Hi", "x": 0, "y": 0, "width": 150,
            "height": 50, "color": "#ffffff", "fontFamily": "NoSuchFontC",
            "fontStyle": {"variant": "normal", "weight": "400"}, "fontSize": 20,
            "lineHeight": 1.2, "letterSpacing": 0, "align": "center", "direction": "ltr",
            "strokeWidth": 0, "strokeColor": "#000000", "background": None}
    tpl.update({"type": "text-template", "schemaVersion": 2, "templateId": "t",
                "templateCategory": "promo",
                "nodes": [node, dict(node, id="n1", y=50, fontFamily="DejaVu Sans")]})
    doc = document([[t], [cap], [tpl]], background="#000000")
    doc["assets"]["words"] = {
        "id": "words", "type": "caption", "filename": "c.json", "size": 1, "remoteUrl": None,
        "remoteKey": None, "mimeType": "application/json", "timingGranularity": "word",
        "captions": [{"text": "Hi", "startMs": 0, "endMs": 1000}]}
    code, img, err = still(doc, "fonts")
    expect(code == 0, err)
    for pointer, family in (("/items/txt", "NoSuchFontA"), ("/items/cap", "NoSuchFontB"),
                            ("/items/tpl/nodes/0", "NoSuchFontC")):
        want = (f'The text at {pointer}: font family "{family}" is not installed; '
                f'using "DejaVu Sans".')
        expect(err.count(want) == 1, f"want {want!r} once in {err!r}")


if __name__ == "__main__":
    for test in (test_line_height_is_css, test_overflow_is_drawn_and_warned,
                 test_line_breaks_do_not_change_with_the_scale,
                 test_same_font_warning_everywhere):
        check(test.__name__, test)
    finish()
