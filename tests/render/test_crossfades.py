#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# A fade is a cross-fade for every item kind: half way through a linear fade between two
# clips side by side (the incoming one not covering the outgoing one), each shows at half
# strength over the background; the outgoing clip once stayed at full strength until the
# cut (issue 15: "Spring collection" of the slideshow example). Likewise a wipe, clock-wipe
# or iris hides the outgoing clip where it has passed.
import copy
import functools
import json
import os
import subprocess
import sys

from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
import test_render  # noqa: E402
from test_render import TMP, decode_frames, solid, text_item  # noqa: E402
from test_animated import LOTTIE, boxed  # noqa: E402
from test_captions import captions_item, caption_asset  # noqa: E402
from clitest import check, expect, finish  # noqa: E402

W, H = 160, 90
SECOND = 240000
TICK = SECOND // 30
SLOT = 24  # frames per kind: A [0, 12), B [12, 24), the window [6, 18)
# A alone, progress 0.5, B alone: multiples of 3, where no cut comes a frame late (issue 15)
PRE, MID, POST = 3, 12, 21
LEFT, RIGHT = (8, 15, 64, 60), (88, 15, 64, 60)  # A's box, B's box: side by side


def write(name, make):
    path = os.path.join(TMP, name)
    make(path)
    return path


def png(path, fmt="PNG"):
    Image.new("RGB", (64, 60), (255, 0, 0)).save(path, fmt)


def gif(path):
    Image.new("RGB", (64, 60), (255, 0, 0)).save(path, "GIF")


def mp4(path):
    subprocess.run(["gst-launch-1.0", "-q", "-e", "videotestsrc", "pattern=red",
                    "num-buffers=30", "!", "video/x-raw,width=64,height=60,framerate=30/1",
                    "!", "x264enc", "!", "mp4mux", "!", "filesink", f"location={path}"],
                   check=True, timeout=60)


def lottie(path):
    still = copy.deepcopy(LOTTIE)  # the test's square, held in the middle
    still["layers"][0]["shapes"][0]["it"][0]["p"] = {"a": 0, "k": [32, 32]}
    with open(path, "w") as f:
        json.dump(still, f)


def template(i, s, d, b):
    node = {"id": "title", "type": "text", "x": 0, "y": 0, "width": b[2], "height": b[3],
            "text": "HI", "color": "#FFFF00", "align": "center", "fontFamily": "DejaVu Sans",
            "fontStyle": {"variant": "normal", "weight": "700"}, "fontSize": 32,
            "lineHeight": 1.2, "letterSpacing": 0, "direction": "ltr", "strokeWidth": 0,
            "strokeColor": "#000000", "background": None, "animations": {}}
    item = boxed(i, "text-template", s, d, *b, schemaVersion=2, templateId="t",
                 templateCategory="promo", nodes=[node, dict(node, id="again")])
    for key in ("keepAspectRatio", "borderRadius"):
        item.pop(key, None)
    return item


def asset(asset_id, kind, path, mime, **extra):
    a = {"id": asset_id, "type": kind, "filename": path, "size": 1, "mimeType": mime,
         "remoteUrl": None, "remoteKey": None, "width": 64, "height": 60}
    a.update(extra)
    return a


@functools.lru_cache(maxsize=None)
def kinds():
    """kind name -> (item maker (id, start, duration, box), assets): A and B of a kind."""
    media = {"keepAspectRatio": False}
    image = dict(media, type="image", borderRadius=test_render.animated(0))
    video = dict(image, type="video", decibelAdjustment=test_render.animated(0), playbackRate=1,
                 videoStartFromInSeconds=0, audioFadeInDurationInSeconds=0,
                 audioFadeOutDurationInSeconds=0)
    chart = {"chartType": "bar", "themeColor": "#FF0000", "animationDurationTicks": 0,
             "keepAspectRatio": False,
             "data": {"series": [{"key": "v", "label": "v"}],
                      "rows": [{"label": "A", "values": {"v": 10}}]}}
    return {
        "text": (lambda i, s, d, b: text_item(i, "HI", s, d, *b, size=40), {}),
        "solid": (lambda i, s, d, b: solid(i, "#ff0000", s, d, *b), {}),
        "circle": (lambda i, s, d, b: solid(i, "#ff0000", s, d, *b, shape="circle"), {}),
        "png": (lambda i, s, d, b: boxed(i, "image", s, d, *b, assetId="png", **image),
                {"png": asset("png", "image", write("x.png", png), "image/png")}),
        "jpeg": (lambda i, s, d, b: boxed(i, "image", s, d, *b, assetId="jpg", **image),
                 {"jpg": asset("jpg", "image", write("x.jpg", lambda p: png(p, "JPEG")),
                               "image/jpeg")}),
        "gif": (lambda i, s, d, b: boxed(i, "gif", s, d, *b, assetId="gif", **media,
                                         gifStartFromInSeconds=0, playbackRate=1),
                {"gif": asset("gif", "gif", write("x.gif", gif), "image/gif",
                              durationInSeconds=1, loopBehavior="loop")}),
        "video": (lambda i, s, d, b: boxed(i, "video", s, d, *b, assetId="mp4", **video),
                  {"mp4": asset("mp4", "video", write("x.mp4", mp4), "video/mp4",
                                durationInSeconds=1, hasAudioTrack=False)}),
        "illustration": (lambda i, s, d, b: boxed(i, "illustration", s, d, *b,
                                                  illustrationName="star", color="#FF0000",
                                                  keepAspectRatio=True), {}),
        "chart": (lambda i, s, d, b: boxed(i, "chart", s, d, *b, **chart), {}),
        "lottie": (lambda i, s, d, b: boxed(i, "lottie", s, d, *b, assetId="lot",
                                            keepAspectRatio=False, lottieStartFromInSeconds=0,
                                            playbackRate=1),
                   {"lot": asset("lot", "lottie", write("x.json", lottie), "application/json",
                                 durationInSeconds=1, resourceType="lottie",
                                 resourceJson=None)}),
        "text-template": (template, {}),
        "captions": (lambda i, s, d, b: captions_item(i, "words", s, d, left=b[0], top=b[1],
                                                      width=test_render.animated(b[2]),
                                                      height=test_render.animated(b[3]),
                                                      fontSize=24),
                     {"words": caption_asset("words", [("ON", 0, 5000)])}),
    }


def document():
    items, assets, transitions = [], {}, {}
    for n, (kind, (make, kind_assets)) in enumerate(kinds().items()):
        t = n * SLOT * TICK
        a = make(f"{kind}-a", t, SLOT // 2 * TICK, LEFT)
        b = make(f"{kind}-b", t + SLOT // 2 * TICK, SLOT // 2 * TICK, RIGHT)
        for item in (a, b):
            for key in ("left", "top"):  # captions_item() takes its box as plain numbers
                if not isinstance(item[key], dict):
                    item[key] = test_render.animated(item[key])
        items += [a, b]
        assets.update(kind_assets)
        transitions[kind] = {"id": kind, "trackId": "t0", "fromClipId": a["id"],
                             "toClipId": b["id"], "type": "fade", "durationTicks": 12 * TICK,
                             "easing": "linear"}
    doc = test_render.document([items], background="#000000")
    doc.update({"compositionWidth": W, "compositionHeight": H, "assets": assets,
                "transitions": transitions})
    return doc


def strength(frame, full, box):
    """How strongly `full`'s lit pixels (inside box) show in frame, over black: the median
    of frame / full on each lit pixel's brightest channel; None when nothing is lit."""
    x0, y0, w, h = box
    ratios = []
    for y in range(y0, y0 + h):
        for x in range(x0, x0 + w):
            i = (y * W + x) * 3
            c = max(range(3), key=lambda c: full[i + c])
            if full[i + c] > 150:
                ratios.append(frame[i + c] / full[i + c])
    return sorted(ratios)[len(ratios) // 2] if ratios else None


def test_every_kind_cross_fades():
    doc = document()
    code, out, err = test_render.render(doc, "crossfades")
    expect(code == 0, err)
    frames = decode_frames(out, W, H)
    names = list(kinds())
    expect(len(frames) == len(names) * SLOT, f"{len(frames)} frames")
    bad = []
    for n, kind in enumerate(names):
        k = n * SLOT
        a = strength(frames[k + MID], frames[k + PRE], LEFT)
        b = strength(frames[k + MID], frames[k + POST], RIGHT)
        if a is None or b is None or not (0.35 <= a <= 0.65 and 0.35 <= b <= 0.65):
            bad.append(f"{kind}: outgoing at {a}, incoming at {b}, want 0.5 each")
    expect(not bad, f"{len(bad)} of {len(names)} kinds:\n" + "\n".join(bad))


def test_covering_pictures_mix():
    """An incoming opaque picture over all of the outgoing one: A stays under B, which fades
    in over it, so half way the mix is half red, half blue (not a dip to the background)."""
    items, assets, transitions = [], {}, {}
    for n, (kind, mime, fmt) in enumerate((("png", "image/png", "PNG"),
                                           ("jpg", "image/jpeg", "JPEG"))):
        for clip, colour in (("a", (255, 0, 0)), ("b", (0, 0, 255))):
            path = write(f"full-{clip}.{kind}",
                         lambda p: Image.new("RGB", (160, 90), colour).save(p, fmt))
            assets[f"{kind}-{clip}"] = asset(f"{kind}-{clip}", "image", path, mime,
                                             width=160, height=90)
            start = (n * SLOT + (SLOT // 2 if clip == "b" else 0)) * TICK
            items.append(boxed(f"{kind}-{clip}", "image", start, SLOT // 2 * TICK, 0, 0, W, H,
                               assetId=f"{kind}-{clip}", keepAspectRatio=True,
                               borderRadius=test_render.animated(0)))
        transitions[kind] = {"id": kind, "trackId": "t0", "fromClipId": f"{kind}-a",
                             "toClipId": f"{kind}-b", "type": "fade",
                             "durationTicks": 12 * TICK, "easing": "linear"}
    doc = test_render.document([items], background="#00ff00")
    doc.update({"compositionWidth": W, "compositionHeight": H, "assets": assets,
                "transitions": transitions})
    code, out, err = test_render.render(doc, "covering")
    expect(code == 0, err)
    frames = decode_frames(out, W, H)
    for n, kind in enumerate(("png", "jpg")):
        mid = test_render.pixel(frames[n * SLOT + MID], 80, 45, W)
        expect(test_render.near(mid, (128, 0, 128), 30), f"{kind} half way: {mid}")


def test_masks_hide_the_outgoing_clip():
    """A wipe, clock-wipe or iris from a red ellipse filling the frame to a small square in
    a corner: where the mask has passed, the ellipse is gone (the background shows), where
    it has not, it is still there."""
    cases = {  # type: (a point passed at progress 0.5, a point not passed)
        "wipe": ((50, 45), (110, 45)),
        "clock-wipe": ((120, 45), (40, 45)),
        "iris": ((80, 45), (20, 45)),
    }
    items, transitions = [], {}
    for n, kind in enumerate(cases):
        t = n * SLOT * TICK
        a = solid(f"{kind}-a", "#ff0000", t, SLOT // 2 * TICK, 0, 0, W, H, shape="circle")
        b = solid(f"{kind}-b", "#0000ff", t + SLOT // 2 * TICK, SLOT // 2 * TICK, 150, 0, 10, 10)
        items += [a, b]
        transitions[kind] = {"id": kind, "trackId": "t0", "fromClipId": a["id"],
                             "toClipId": b["id"], "type": kind, "durationTicks": 12 * TICK,
                             "easing": "linear"}
    doc = test_render.document([items], background="#000000")
    doc.update({"compositionWidth": W, "compositionHeight": H, "transitions": transitions})
    code, out, err = test_render.render(doc, "masks")
    expect(code == 0, err)
    frames = decode_frames(out, W, H)
    bad = []
    for n, (kind, (passed, kept)) in enumerate(cases.items()):
        f = frames[n * SLOT + MID]
        gone, there = test_render.pixel(f, *passed, W), test_render.pixel(f, *kept, W)
        if not (test_render.near(gone, (0, 0, 0), 30) and test_render.near(there, (255, 0, 0), 30)):
            bad.append(f"{kind}: passed {passed} {gone}, not passed {kept} {there}")
    expect(not bad, "\n".join(bad))


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            check(name, fn)
    finish()
