#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Items whose pictures change over time, end to end: a chart's reveal (a bar half grown
# half way), GIF frames at their times (start offset, playback rate, looping), a Lottie
# animation made by the test, a recoloured illustration, a placeholder for an unknown one.
import json
import os
import sys

from PIL import Image

sys.path.insert(0, os.path.dirname(__file__))
from test_render import TMP, W, H, decode_frames, document, pixel, render, solid  # noqa: E402
from clitest import check, expect, finish, run  # noqa: E402

SECOND = 240000


def boxed(item_id, kind, start, dur, left, top, w, h, **extra):
    item = solid(item_id, "#000000", start, dur, left, top, w, h)
    for key in ("color", "shape"):
        item.pop(key, None)
    if kind != "gif":
        item.pop("borderRadius")
    item["type"] = kind
    item.update(extra)
    return item


def colour_rows(frame, x, want, tol=60):
    """Rows of column x whose pixel is near want."""
    return [y for y in range(H) if all(abs(a - b) <= tol for a, b in zip(pixel(frame, x, y), want))]


def test_chart_bar_grows():
    chart = boxed("c", "chart", 0, 2 * SECOND, 0, 0, W, H, chartType="bar", themeColor="#FF0000",
                  animationDurationTicks=SECOND, keepAspectRatio=False,
                  data={"series": [{"key": "v", "label": "Sales"}],
                        "rows": [{"label": "A", "values": {"v": 10}},
                                 {"label": "B", "values": {"v": 40}}]})
    code, out, err = render(document([[chart]], background="#000000"), "chart-bar")
    expect(code == 0, err)
    frames = decode_frames(out)
    expect(len(frames) == 60, f"{len(frames)} frames")
    # the tallest bar (B, right half): find its column at the end
    final = frames[45]
    cols = [x for x in range(W // 2, W) if len(colour_rows(final, x, (255, 0, 0))) > 20]
    expect(cols, "no bar at the end")
    x = cols[len(cols) // 2]
    full = colour_rows(final, x, (255, 0, 0))
    half = colour_rows(frames[15], x, (255, 0, 0))
    expect(not colour_rows(frames[0], x, (255, 0, 0)), "a bar at frame 0")
    ratio = len(half) / len(full)
    expect(0.4 < ratio < 0.6, f"half way {len(half)} of {len(full)} rows")
    # grown from the baseline: the bottom row is the same
    expect(abs(max(half) - max(full)) <= 1, f"baseline {max(half)} vs {max(full)}")
    expect(frames[59] == frames[45] or colour_rows(frames[59], x, (255, 0, 0)) == full,
           "still after the reveal")


def write_gif(path):
    frames = [Image.new("RGB", (32, 32), c) for c in ((255, 0, 0), (0, 255, 0), (0, 0, 255))]
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=[100, 200, 100],
                   loop=0)


def gif_doc(path, dur, **extra):
    item = boxed("g", "gif", 0, dur, 0, 0, W, H, assetId="gif", keepAspectRatio=False,
                 gifStartFromInSeconds=0, playbackRate=1)
    item.update(extra)
    doc = document([[item]], background="#000000")
    doc["assets"]["gif"] = {"id": "gif", "type": "gif", "filename": path, "size": 100,
                            "remoteUrl": None, "remoteKey": None, "mimeType": "image/gif",
                            "width": 32, "height": 32, "durationInSeconds": 0.4,
                            "loopBehavior": "loop"}
    return doc


def colour_name(p):
    r, g, b = p
    return "red" if r > 200 > g else "green" if g > 200 > r else "blue" if b > 200 > g else str(p)


def test_gif_frames_at_their_times():
    path = os.path.join(TMP, "rgb.gif")
    write_gif(path)
    code, out, err = render(gif_doc(path, SECOND), "gif")
    expect(code == 0, err)
    frames = decode_frames(out)
    got = [colour_name(pixel(frames[k], W // 2, H // 2)) for k in (0, 2, 3, 8, 9, 11, 12, 14)]
    # 0-0.1 red, 0.1-0.3 green, 0.3-0.4 blue, then again (frames at 1/30 s)
    want = ["red", "red", "green", "green", "blue", "blue", "red", "red"]
    expect(got == want, f"{got}")
    # from 0.1 s of the GIF at twice the speed: 0.1 green, 0.3 blue (frame 3), 0.5 -> 0.1
    code, out, err = render(gif_doc(path, SECOND, gifStartFromInSeconds=0.1, playbackRate=2),
                            "gif-rate")
    expect(code == 0, err)
    frames = decode_frames(out)
    got = [colour_name(pixel(frames[k], W // 2, H // 2)) for k in (0, 2, 3, 5, 6)]
    expect(got == ["green", "green", "blue", "red", "green"], f"{got}")


LOTTIE = {"v": "5.5.2", "fr": 30, "ip": 0, "op": 30, "w": 64, "h": 64, "nm": "t", "layers": [
    {"ty": 4, "ind": 1, "nm": "square", "ip": 0, "op": 30, "st": 0, "sr": 1,
     "ks": {"o": {"a": 0, "k": 100}, "r": {"a": 0, "k": 0}, "p": {"a": 0, "k": [0, 0, 0]},
            "a": {"a": 0, "k": [0, 0, 0]}, "s": {"a": 0, "k": [100, 100, 100]}},
     "shapes": [{"ty": "gr", "nm": "g", "it": [
         {"ty": "rc", "d": 1, "nm": "r", "s": {"a": 0, "k": [20, 20]}, "r": {"a": 0, "k": 0},
          "p": {"a": 1, "k": [{"t": 0, "s": [10, 32], "e": [54, 32],
                               "i": {"x": [1], "y": [1]}, "o": {"x": [0], "y": [0]}},
                              {"t": 29, "s": [54, 32]}]}},
         {"ty": "fl", "nm": "f", "c": {"a": 0, "k": [1, 0, 0, 1]}, "o": {"a": 0, "k": 100}},
         {"ty": "tr", "p": {"a": 0, "k": [0, 0]}, "a": {"a": 0, "k": [0, 0]},
          "s": {"a": 0, "k": [100, 100]}, "r": {"a": 0, "k": 0}, "o": {"a": 0, "k": 100}}]}]}]}


def red_centre_x(frame):
    xs = [x for x in range(W) if colour_name(pixel(frame, x, H // 2)) == "red"]
    return sum(xs) / len(xs) if xs else None


def test_lottie_animates():
    path = os.path.join(TMP, "square.json")
    with open(path, "w") as f:
        json.dump(LOTTIE, f)
    # a 240 x 240 box: the 64-unit animation at 3.75x, the square from x 37.5 to 202.5
    item = boxed("l", "lottie", 0, SECOND, 40, 0, 240, 240, assetId="lot",
                 keepAspectRatio=True, lottieStartFromInSeconds=0, playbackRate=1)
    doc = document([[item]], background="#000000")
    doc["assets"]["lot"] = {"id": "lot", "type": "lottie", "filename": path, "size": 100,
                            "remoteUrl": None, "remoteKey": None,
                            "mimeType": "application/json", "width": 64, "height": 64,
                            "durationInSeconds": 1, "resourceType": "lottie",
                            "resourceJson": None}
    code, out, err = render(doc, "lottie")
    expect(code == 0, err)
    frames = decode_frames(out)
    xs = [red_centre_x(frames[k]) for k in (0, 15, 29)]
    expect(None not in xs, f"{xs}")
    want = [40 + 10 * 3.75, 40 + (10 + 44 * 15 / 29) * 3.75, 40 + 54 * 3.75]
    expect(all(abs(a - b) < 6 for a, b in zip(xs, want)), f"square at {xs}, want {want}")
    # inline resourceJson works the same
    doc["assets"]["lot"]["resourceJson"] = LOTTIE
    code, out, err = render(doc, "lottie-inline")
    expect(code == 0, err)
    frames = decode_frames(out)
    expect(abs(red_centre_x(frames[15]) - want[1]) < 6, "inline")


def test_illustration_recoloured():
    item = boxed("i", "illustration", 0, SECOND // 3, 60, 20, 200, 200, illustrationName="star",
                 color="#00FF00", keepAspectRatio=True)
    code, out, err = render(document([[item]], background="#000000"), "illustration")
    expect(code == 0, err)
    frame = decode_frames(out)[5]
    lit = [pixel(frame, x, y) for y in range(H) for x in range(W) if max(pixel(frame, x, y)) > 80]
    green = [p for p in lit if p[1] > 200 and p[0] < 70 and p[2] < 70]
    other = [p for p in lit if not (p[1] > p[0] + 40 and p[1] > p[2] + 40)]
    expect(len(green) > 3000, f"{len(green)} green pixels")
    expect(len(other) < len(lit) * 0.02, f"{len(other)} of {len(lit)} not green")
    # all inside the box
    xs = [x for y in range(H) for x in range(W) if max(pixel(frame, x, y)) > 80]
    expect(min(xs) >= 58 and max(xs) <= 262, f"x {min(xs)}..{max(xs)}")
    # an unknown name fails, naming the item
    item["illustrationName"] = "no-such-thing"
    code, out, err = render(document([[item]], background="#000000"), "illustration-bad")
    expect(code == 1 and "no-such-thing" in err and "/items/i" in err, err)


def test_missing_illustration_placeholder():
    # issue 15: the vendor's illustration names (IHello, ...) failed the whole render; an
    # error by default still, a placeholder of the item's box with --missing-illustration
    item = boxed("hello", "illustration", 0, SECOND, 60, 40, 160, 120,
                 illustrationName="IHello", color="#FF8000", keepAspectRatio=True)
    doc = document([[item]], background="#000000")
    src = os.path.join(TMP, "placeholder.json")
    with open(src, "w") as f:
        json.dump(doc, f)
    still = os.path.join(TMP, "placeholder.png")
    code, _, err = run("render", "-q", src, "-o", still, "--frame-at", "0.5")
    expect(code == 1 and "IHello" in err and "/items/hello/illustrationName" in err, err)
    code, out, _ = run("validate", src)
    expect(code == 1 and "/items/hello/illustrationName" in out and
           "EDITOR_ILLUSTRATION_UNKNOWN" in out, out)
    code, out, _ = run("validate", "--missing-illustration", "placeholder", src)
    expect(code == 0 and "warning: /items/hello/illustrationName" in out, out)
    code, _, err = run("render", "-q", src, "-o", still, "--missing-illustration", "maybe")
    expect(code == 2 and "error or placeholder" in err, err)
    code, _, err = run("render", "-q", src, "-o", still, "--frame-at", "0.5",
                       "--missing-illustration", "placeholder")
    expect(code == 0, err)
    expect("warning" in err and "IHello" in err and "/items/hello/illustrationName" in err,
           err)
    im = Image.open(still).convert("RGB")
    orange = (255, 128, 0)
    # the outline on the box's edges, the cross through its centre, in the item's colour
    for x, y in ((61, 100), (218, 100), (140, 41), (140, 158), (140, 100), (80, 55)):
        got = im.getpixel((x, y))
        expect(all(abs(a - b) <= 40 for a, b in zip(got, orange)), f"({x},{y}) {got}")
    # filled faintly inside, nothing outside the box
    inside = im.getpixel((140, 60))
    expect(20 < inside[0] < 120 and inside[2] < 10, f"fill {inside}")
    for x, y in ((50, 100), (230, 100), (140, 30), (140, 170), (10, 10)):
        expect(im.getpixel((x, y)) == (0, 0, 0), f"outside ({x},{y}) {im.getpixel((x, y))}")


def test_text_template_nodes():
    """An illustration component (left half), a missing component (a warning), a text node
    (right half) fading in over 0.5 s."""
    nodes = [
        {"id": "star", "type": "image", "imageType": "svg", "imageComponentId": "star",
         "imageLottieJson": None, "x": 0, "y": 20, "width": 160, "height": 160, "opacity": 1},
        {"id": "gone", "type": "image", "imageType": "svg", "imageComponentId": "no-such",
         "imageLottieJson": None, "x": 0, "y": 0, "width": 320, "height": 240, "opacity": 1},
        {"id": "title", "type": "text", "x": 170, "y": 60, "width": 140, "height": 80,
         "text": "HELLO", "color": "#FFFF00", "align": "center", "fontFamily": "DejaVu Sans",
         "fontStyle": {"variant": "normal", "weight": "700"}, "fontSize": 32,
         "lineHeight": 1.2, "letterSpacing": 0, "direction": "ltr", "strokeWidth": 0,
         "strokeColor": "#000000", "background": None,
         "animations": {"in": {"type": "fade", "durationTicks": SECOND // 2,
                               "easing": "linear"}}},
    ]
    item = boxed("tt", "text-template", 0, SECOND, 0, 0, W, H, schemaVersion=2,
                 templateId="t", templateCategory="promo", nodes=nodes)
    for key in ("keepAspectRatio", "borderRadius"):
        item.pop(key, None)
    code, out, err = render(document([[item]], background="#000000"), "template")
    expect(code == 0, err)
    expect("no-such" in err and "nodes/1" in err, f"no warning: {err}")
    frames = decode_frames(out)

    def yellow(frame, x0, x1):
        return sum(1 for y in range(H) for x in range(x0, x1)
                   if (lambda p: p[0] > 200 and p[1] > 200 and p[2] < 80)(pixel(frame, x, y)))
    # the star in the text's colour on the left from the first frame
    expect(yellow(frames[0], 0, 160) > 2000, f"star {yellow(frames[0], 0, 160)}")
    # the text fades in: nothing bright at frame 0, lit at frame 20
    expect(yellow(frames[0], 170, 310) == 0, "text at frame 0")
    expect(yellow(frames[20], 170, 310) > 200, f"text {yellow(frames[20], 170, 310)}")
    rows = [y for y in range(H) for x in range(170, 310)
            if (lambda p: p[0] > 200 and p[1] > 200 and p[2] < 80)(pixel(frames[20], x, y))]
    expect(min(rows) >= 60 and max(rows) < 140, f"text rows {min(rows)}..{max(rows)}")


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            check(name, fn)
    finish()
