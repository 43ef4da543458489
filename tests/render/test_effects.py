#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Effects and filters (adjustment items): they change everything composited below their
# track over their time range, and nothing above it. Pixel statistics over known cards.
import os
import sys

sys.path.insert(0, os.path.dirname(__file__))
from test_render import W, H, decode_frames, document, near, pixel, render, solid  # noqa: E402
from clitest import check, expect, finish  # noqa: E402

SECOND = 240000

# A grey card (#808080) under each filter look at full intensity, as documented in
# docs/format-indream.md ("Filters").
GREY_CARD = {
    "verdant-glow": (122, 159, 115),
    "cyberpunk-neon": (154, 102, 174),
    "vaporwave-blue": (128, 122, 173),
    "sunset-orange": (164, 128, 96),
    "lemon-cyan": (125, 142, 124),
    "absolute-red": (128, 128, 128),
    "sakura-pink": (151, 122, 140),
    "twilight-dusk": (122, 109, 152),
}


def adjustment(item_id, kind, name, start, dur, intensity=1.0, params=None):
    item = {"id": item_id, "type": kind, "startTicks": start, "durationTicks": dur,
            "isDraggingInTimeline": False, "intensity": intensity}
    item["effectType" if kind == "effect" else "filterType"] = name
    if params is not None:
        item["params"] = params
    return item


def test_filters_move_a_grey_card():
    looks = list(GREY_CARD)
    q = SECOND // 4
    filters = [adjustment(f"f{i}", "filter", name, i * q, q, params={"blend": 1})
               for i, name in enumerate(looks)]
    # intensity 0 leaves the frame untouched
    filters.append(adjustment("f-none", "filter", "sunset-orange", 8 * q, q, intensity=0))
    # half intensity: half way from grey to the look
    filters.append(adjustment("f-half", "filter", "sunset-orange", 9 * q, q, intensity=0.5))
    top = solid("white", "#ffffff", 0, 10 * q, 0, 0, 40, 40)
    grey = solid("grey", "#808080", 0, 10 * q, 0, 0, W, H)
    code, out, err = render(document([[top], filters, [grey]]), "filters")
    expect(code == 0, err)
    frames = decode_frames(out)
    expect(len(frames) == 75, f"{len(frames)} frames, want 75")
    for i, name in enumerate(looks):
        k = round(i * 7.5) + 3
        got = pixel(frames[k], 200, 150)
        expect(near(got, GREY_CARD[name], 10), f"{name} at frame {k}: {got}, want {GREY_CARD[name]}")
        # the track above the filter is untouched
        expect(near(pixel(frames[k], 20, 20), (255, 255, 255), 10), f"{name}: above {pixel(frames[k], 20, 20)}")
    untouched = pixel(frames[63], 200, 150)
    expect(near(untouched, (128, 128, 128), 6), f"intensity 0: {untouched}")
    half = pixel(frames[70], 200, 150)
    want = tuple((128 + c) / 2 for c in GREY_CARD["sunset-orange"])
    expect(near(half, want, 10), f"intensity 0.5: {half}, want {want}")


def test_absolute_red_isolates_red():
    # issue 15: absolute-red kept the red channel of every colour: the blue panel #2563eb
    # came out teal (37, 90, 90); now reds stay, the rest turns to its own grey
    chart = ["#ff0000", "#2563eb", "#00c000", "#e0ac69", "#808080", "#b01c1c"]
    cards = [[solid(f"c{i}", c, 0, SECOND, (i % 3) * 106, (i // 3) * 120, 106, 120)]
             for i, c in enumerate(chart)]
    red = adjustment("f", "filter", "absolute-red", 0, SECOND, params={"blend": 1})
    code, out, err = render(document([[red]] + cards), "absolute-red")
    expect(code == 0, err)
    f = decode_frames(out)[15]
    got = [pixel(f, (i % 3) * 106 + 53, (i // 3) * 120 + 60) for i in range(len(chart))]
    spread = [max(c) - min(c) for c in got]
    expect(near(got[0], (255, 0, 0), 8) and near(got[5], (176, 28, 28), 8), f"reds: {got}")
    expect(spread[1] <= 6 and near(got[1], (96, 96, 96), 6), f"blue panel: {got[1]}")
    expect(spread[2] <= 6, f"green: {got[2]}")
    expect(spread[3] < 60, f"skin keeps less than half its colour (119): {got[3]}")
    expect(near(got[4], (128, 128, 128), 4), f"grey: {got[4]}")


def contrast(frame, x0=150, x1=170):
    """Green across the edge of the white half at x = 160 (white 255, red 0)."""
    return pixel(frame, x0, 120)[1] - pixel(frame, x1, 120)[1]


def test_effects():
    h = SECOND // 2
    effects = [adjustment("in", "effect", "fade-in", 0, h),
               adjustment("blur", "effect", "blur", h, h, params={"radiusPx": 8}),
               adjustment("flash", "effect", "flash-to-black", 2 * h, h),
               adjustment("open", "effect", "blurred-opening", 3 * h, h),
               adjustment("out", "effect", "fade-out", 4 * h, h),
               adjustment("weak", "effect", "fade-in", 5 * h, h, intensity=0.5)]
    white = solid("white", "#ffffff", 0, 7 * h, 0, 0, W // 2, H)
    red = solid("red", "#ff0000", 0, 7 * h, 0, 0, W, H)
    code, out, err = render(document([effects, [white], [red]]), "effects")
    expect(code == 0, err)
    frames = decode_frames(out)
    expect(len(frames) == 105, f"{len(frames)} frames, want 105")
    # fade-in: black at the start, 0.233 s into 0.5 s: 47 % of the picture
    expect(near(pixel(frames[0], 240, 120), (0, 0, 0), 12), f"fade-in start {pixel(frames[0], 240, 120)}")
    r = pixel(frames[7], 240, 120)[0]
    expect(abs(r - 255 * 7 / 15) <= 16, f"fade-in at 7/15: red {r}")
    # blur of 8 px: the white/red edge loses contrast; without effects it is sharp
    sharp = contrast(frames[100])
    blurred = contrast(frames[20])
    expect(sharp >= 235, f"no effect: contrast {sharp}")
    expect(60 <= blurred <= 215, f"blur 8 px: contrast {blurred} (sharp {sharp})")
    # flash-to-black with its defaults: 2 frames bright, 2 dark, ...
    for k, dark in ((30, False), (31, False), (32, True), (33, True), (34, False), (36, True)):
        r = pixel(frames[k], 240, 120)[0]
        expect(r < 20 if dark else r > 230, f"flash frame {k}: red {r}, dark {dark}")
    # blurred-opening: very blurred at its start, nearly sharp at its end
    first, last = contrast(frames[45]), contrast(frames[59])
    expect(first < 120 and last > first + 60, f"blurred-opening: {first} then {last}")
    # fade-out: 7/15 of the way to black
    r = pixel(frames[67], 240, 120)[0]
    expect(abs(r - 255 * 8 / 15) <= 16, f"fade-out at 7/15: red {r}")
    # intensity 0.5 scales the fade: half dark at its start
    r = pixel(frames[75], 240, 120)[0]
    expect(abs(r - 128) <= 16, f"fade-in at intensity 0.5, start: red {r}")


def test_effect_range_render():
    """A range render starting inside an effect applies it at the right times."""
    h = SECOND // 2
    effects = [adjustment("out", "effect", "fade-out", h, h)]
    red = solid("red", "#ff0000", 0, 2 * h, 0, 0, W, H)
    code, out, err = render(document([effects, [red]]), "effects-range", "--start", "0.6")
    expect(code == 0, err)
    frames = decode_frames(out)
    expect(len(frames) == 12, f"{len(frames)} frames, want 12")
    # frame 0 of the output is 0.6 s: 0.1 s into the 0.5 s fade-out
    r = pixel(frames[0], 160, 120)[0]
    expect(abs(r - 255 * 0.8) <= 16, f"range start: red {r}")


def test_image_background_covers_the_frame():
    """An image wider than the frame is cover-fitted: cut evenly left and right."""
    from test_render import TMP
    svg = os.path.join(TMP, "bg-wide.svg")
    with open(svg, "w") as f:
        # 640 x 240: the middle 320 columns show in a 320 x 240 frame, red then blue
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="640" height="240">'
                '<rect width="320" height="240" fill="#ff0000"/>'
                '<rect x="320" width="320" height="240" fill="#0000ff"/></svg>')
    doc = document([[solid("white", "#ffffff", 0, SECOND, 0, 0, 40, 40)]])
    doc["globalBackground"] = {"type": "image", "imageAssetId": None,
                               "imageUrl": "bg-wide.svg", "source": "custom"}
    code, out, err = render(doc, "bg-image")
    expect(code == 0, err)
    frames = decode_frames(out)
    expect(len(frames) == 30, len(frames))
    f = frames[15]
    for x, y, want in ((100, 120, (255, 0, 0)), (220, 120, (0, 0, 255)),
                       (20, 20, (255, 255, 255)), (150, 200, (255, 0, 0))):
        expect(near(pixel(f, x, y), want), f"image background at ({x},{y}): {pixel(f, x, y)}")
    # a missing file: a clear error naming the field
    doc["globalBackground"]["imageUrl"] = "nope.png"
    code, out, err = render(doc, "bg-image-missing")
    expect(code == 1 and "/globalBackground/imageUrl" in err and "nope.png" in err, err)


def test_blur_background():
    """Content that does not fill the frame gets an enlarged, blurred copy of itself behind
    it: a red|blue square in the middle spreads red to the left and blue to the right."""
    def doc(level):
        d = document([[solid("r", "#ff0000", 0, SECOND, 110, 70, 50, 100)],
                      [solid("b", "#0000ff", 0, SECOND, 160, 70, 50, 100)]])
        d["globalBackground"] = {"type": "blur", "level": level}
        return d
    edges = {}
    for level in (0, 4):
        code, out, err = render(doc(level), f"bg-blur-{level}")
        expect(code == 0, err)
        f = decode_frames(out)[15]
        expect(near(pixel(f, 20, 20), (255, 0, 0), 40), f"level {level}: left {pixel(f, 20, 20)}")
        expect(near(pixel(f, 300, 220), (0, 0, 255), 40), f"level {level}: right {pixel(f, 300, 220)}")
        # the content itself stays sharp on top
        expect(near(pixel(f, 150, 120), (255, 0, 0), 20) and near(pixel(f, 170, 120), (0, 0, 255), 20),
               f"level {level}: content {pixel(f, 150, 120)} {pixel(f, 170, 120)}")
        # across the enlarged copy's red|blue edge, above the content
        edges[level] = pixel(f, 150, 30)[0] - pixel(f, 170, 30)[0]
    expect(edges[0] > 200, f"level 0 is a sharp copy: {edges[0]}")
    expect(edges[4] < edges[0] - 40, f"level 4 blurs the copy: {edges[4]} vs {edges[0]}")


def test_slideshow_example():
    """pipelines/examples/slideshow.request.json: transitions, a filter and fades."""
    from test_render import TMP
    from clitest import run
    example = os.path.join(os.path.dirname(__file__), "..", "..", "pipelines", "examples",
                           "slideshow.request.json")
    out = os.path.join(TMP, "slideshow.mp4")
    code, _, err = run("render", "-q", example, "-o", out, "--width", "320", "--height", "180",
                       timeout=300)
    expect(code == 0, err)
    frames = decode_frames(out, 320, 180)
    expect(len(frames) == 180, f"{len(frames)} frames, want 180")
    # fade-in from black, then the first slide (#1e3a8a)
    expect(near(pixel(frames[0], 20, 20, 320), (0, 0, 0), 12), pixel(frames[0], 20, 20, 320))
    expect(near(pixel(frames[30], 20, 20, 320), (30, 58, 138), 14), pixel(frames[30], 20, 20, 320))
    # the wipe from the left at the first cut (2 s): slide 2 on the left, slide 1 on the right
    left, right = pixel(frames[60], 20, 20, 320), pixel(frames[60], 300, 20, 320)
    expect(left[0] > 150 and right[2] > 100, f"wipe at 2 s: {left} {right}")
    # fade-out to black at the end
    expect(near(pixel(frames[179], 20, 20, 320), (0, 0, 0), 16), pixel(frames[179], 20, 20, 320))


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            check(name, fn)
    finish()
