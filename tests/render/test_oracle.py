#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# The frame oracle: for every frame of a render, the items the compositor was given are the
# items the model shows at that frame (`render --trace-items`: "drawn" against "model"). Run
# over every bundled example (pipelines/examples/, tests/data/indream/) and over documents
# made here that put every item kind, keyframes, animations, rotations, off-screen boxes,
# hidden tracks and transitions on awkward places of the frame grid.
import glob
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
from test_render import TMP, document, media_item, solid, text_item  # noqa: E402
from test_animated import LOTTIE, boxed, write_gif  # noqa: E402
from test_captions import caption_asset, captions_item  # noqa: E402
from test_examples import localise  # noqa: E402
from clitest import check, expect, finish, run  # noqa: E402

ROOT = os.path.join(os.path.dirname(__file__), "..", "..")
DATA = os.path.join(os.environ.get("JTL_TEST_DATA", os.path.join(ROOT, "tests", "data")),
                    "indream")
SECOND = 240000
FRAME = SECOND // 30
W, H = 320, 180


def traced(doc, name, *opts):
    """Renders doc with --trace-items; returns the trace's lines."""
    src = os.path.join(TMP, name + ".json")
    with open(src, "w") as f:
        json.dump(doc, f)
    trace = os.path.join(TMP, name + ".trace.jsonl")
    code, _, err = run("render", "-q", src, "-o", os.path.join(TMP, name + ".mp4"),
                       "--trace-items", trace, *opts,
                       env={"XDG_CACHE_HOME": os.path.join(TMP, "cache-oracle")}, timeout=300)
    expect(code == 0, f"{name}: {err}")
    with open(trace) as f:
        return [json.loads(line) for line in f]


def frames_of(doc, fps=30):
    state = doc.get("editorState", doc)
    end = max(i["startTicks"] + i["durationTicks"] for i in state["items"].values())
    return max(1, round(end * fps / SECOND))


def expect_oracle(lines, name, frames):
    """Every frame traced once, in order, and its items as the model says."""
    expect([line["frame"] for line in lines] == list(range(frames)),
           f"{name}: frames traced {[line['frame'] for line in lines][:10]}..., want 0..{frames - 1}")
    wrong = [line for line in lines if line["drawn"] != line["model"]]
    expect(not wrong, f"{name}: {len(wrong)} frames differ, first "
                      + "; ".join(f"frame {l['frame']}: drawn {l['drawn']} model {l['model']}"
                                  for l in wrong[:4]))
    return lines


def test_bundled_examples():
    """Every valid document of pipelines/examples/ and tests/data/indream/ (remote assets
    served locally). The invalid ones cannot be rendered (validation refuses them, which is
    what they are for): checked to be refused, not traced."""
    paths = sorted(glob.glob(os.path.join(ROOT, "pipelines", "examples", "*.json")) +
                   glob.glob(os.path.join(DATA, "*.json")))
    expect(len(paths) >= 20, f"{len(paths)} documents")
    shown = 0
    for path in paths:
        name = "ex-" + os.path.basename(os.path.dirname(path)) + "-" + os.path.basename(path)[:-5]
        if ".invalid." in path:
            code, _, err = run("validate", path)
            expect(code == 1, f"{name}: an invalid example validates: {err}")
            continue
        with open(path) as f:
            doc = localise(json.load(f))
        lines = expect_oracle(traced(doc, name, "--width", "160"), name, frames_of(doc))
        shown += sum(len(line["model"]) for line in lines)
    expect(shown > 500, f"the examples show only {shown} item-frames")


def still_image(path, colour):
    from PIL import Image
    Image.new("RGB", (16, 16), colour).save(path)


def kinds_document():
    """One track per item kind, two or three items each, starting and ending on frames of
    every residue mod 3 and between frames (ticks that are no frame's instant)."""
    png = os.path.join(TMP, "oracle.png")
    still_image(png, (200, 40, 40))
    gif = os.path.join(TMP, "oracle.gif")
    write_gif(gif)
    lottie = os.path.join(TMP, "oracle-lottie.json")
    with open(lottie, "w") as f:
        json.dump(LOTTIE, f)
    clip = os.path.join(TMP, "oracle-clip.mp4")
    subprocess.run(["gst-launch-1.0", "-q", "videotestsrc", "num-buffers=60", "!",
                    "video/x-raw,width=64,height=36,framerate=30/1", "!", "x264enc", "!",
                    "mp4mux", "!", "filesink", f"location={clip}"], check=True, timeout=60)
    # (start, duration) of the items of a track: starts on frames 1, 2, 5, 8 and between
    spans = [(FRAME + 0, 2 * FRAME), (3 * FRAME + 1, 2 * FRAME - 2),
             (5 * FRAME, FRAME), (8 * FRAME - 1, 3 * FRAME + 1)]

    def track(make):
        return [make(f"{i}", s, d) for i, (s, d) in enumerate(spans)]

    def cell(n):
        """Each kind in its own place of a 5 x 3 grid (64 x 60 cells), to be seen."""
        return 4 + 64 * (n % 5), 4 + 60 * (n // 5), 56, 52

    def box(kind, n, **extra):
        return lambda i, s, d: boxed(f"{kind}{i}", kind, s, d, *cell(n), **extra)

    def text(name, n, **extra):
        return lambda i, s, d: text_item(f"{name}{i}", "Cut", s, d, *cell(n), size=20, **extra)
    typewriter = {"in": {"type": "typewriter", "durationTicks": 2 * FRAME, "easing": "linear"}}
    chart = {"chartType": "bar", "themeColor": "#FF0000", "animationDurationTicks": SECOND // 3,
             "keepAspectRatio": False,
             "data": {"series": [{"key": "v", "label": "Sales"}],
                      "rows": [{"label": "A", "values": {"v": 10}},
                               {"label": "B", "values": {"v": 40}}]}}
    left, top, w, h = cell(7)
    tracks = [
        track(lambda i, s, d: solid(f"solid{i}", "#00ff00", s, d, *cell(0))),
        track(box("image", 1, assetId="png", keepAspectRatio=False,
                  borderRadius={"value": 0, "keyframes": []})),
        track(lambda i, s, d: media_item(f"video{i}", "video", "clip", s, d, start_from=0.1,
                                         **dict(zip(("left", "top", "w", "h"), cell(2))))),
        track(box("gif", 3, assetId="gif", keepAspectRatio=False, gifStartFromInSeconds=0,
                  playbackRate=1)),
        track(box("lottie", 4, assetId="lot", keepAspectRatio=True, lottieStartFromInSeconds=0,
                  playbackRate=1)),
        track(text("text", 5)),
        track(text("typed", 6, captionAnimations=typewriter)),
        track(lambda i, s, d: captions_item(
            f"captions{i}", "words", s, d, fontSize=14,
            left={"value": left, "keyframes": []}, top={"value": top, "keyframes": []},
            width={"value": 2 * w, "keyframes": []}, height={"value": h, "keyframes": []})),
        track(box("chart", 9, **chart)),
        track(box("illustration", 10, illustrationName="star", color="#00FF00",
                  keepAspectRatio=True)),
    ]
    doc = document(tracks, background="#000000")
    doc["compositionWidth"], doc["compositionHeight"] = W, H
    doc["assets"] = {
        "png": {"id": "png", "type": "image", "filename": png, "size": 1, "mimeType": "image/png",
                "remoteUrl": None, "remoteKey": None, "width": 16, "height": 16},
        "clip": {"id": "clip", "type": "video", "filename": clip, "size": 1,
                 "mimeType": "video/mp4", "remoteUrl": None, "remoteKey": None,
                 "durationInSeconds": 2, "hasAudioTrack": False, "width": 64, "height": 36},
        "gif": {"id": "gif", "type": "gif", "filename": gif, "size": 100, "remoteUrl": None,
                "remoteKey": None, "mimeType": "image/gif", "width": 32, "height": 32,
                "durationInSeconds": 0.4, "loopBehavior": "loop"},
        "lot": {"id": "lot", "type": "lottie", "filename": lottie, "size": 100,
                "remoteUrl": None, "remoteKey": None, "mimeType": "application/json",
                "width": 64, "height": 64, "durationInSeconds": 1, "resourceType": "lottie",
                "resourceJson": None},
        "words": caption_asset("words", [("ONE ", 0, 100), ("TWO", 100, 300)]),
    }
    return doc


def test_every_kind_on_the_frame_grid():
    doc = kinds_document()
    for fps in (30, 60):
        lines = expect_oracle(traced(doc, f"oracle-kinds-{fps}", "--fps", str(fps)),
                              f"kinds at {fps} fps", frames_of(doc, fps))
        kinds = {i.rstrip("0123456789") for line in lines for i in line["model"]}
        expect(len(kinds) == 10, f"kinds shown {sorted(kinds)}")


def test_time_varying_visibility():
    """Opacity keyframed to 0 and back, a fade-in animation, a slide in from off screen, a
    turning item near the edge, a box off the frame, a hidden track."""
    fading = solid("fading", "#ff0000", 0, 30 * FRAME, 10, 10, 100, 80)
    fading["opacity"] = {"value": 1, "keyframes": [{"timeTicks": 0, "value": 1},
                                                   {"timeTicks": 10 * FRAME + 3, "value": 0},
                                                   {"timeTicks": 20 * FRAME - 5, "value": 0},
                                                   {"timeTicks": 25 * FRAME, "value": 1}]}
    fade_in = solid("fade-in", "#0000ff", 2 * FRAME, 20 * FRAME, 150, 10, 100, 80,
                    animations={"in": {"type": "fade", "durationTicks": 5 * FRAME,
                                       "easing": "linear"}})
    sliding = solid("sliding", "#00ff00", 0, 30 * FRAME, -400, 100, 60, 40)
    sliding["left"] = {"value": -400, "keyframes": [{"timeTicks": 0, "value": -400},
                                                    {"timeTicks": 30 * FRAME - 1, "value": 100}]}
    turning = solid("turning", "#ffff00", 0, 30 * FRAME, W - 10, 60, 120, 20)
    turning["rotation"] = {"value": 0, "keyframes": [{"timeTicks": 0, "value": 0},
                                                     {"timeTicks": 30 * FRAME - 1, "value": 90}]}
    away = solid("away", "#ffffff", 0, 30 * FRAME, 5000, 5000, 50, 50)
    hidden = solid("hidden", "#ffffff", 0, 30 * FRAME, 0, 0, 50, 50)
    doc = document([[fading], [fade_in], [sliding], [turning], [away], [hidden]],
                   background="#000000")
    doc["compositionWidth"], doc["compositionHeight"] = W, H
    doc["tracks"][5]["hidden"] = True
    lines = expect_oracle(traced(doc, "oracle-visibility"), "visibility", 30)
    seen = {i for line in lines for i in line["model"]}
    expect(seen == {"fading", "fade-in", "sliding", "turning"}, f"shown {sorted(seen)}")
    expect("fading" not in lines[15]["model"] and "fading" in lines[5]["model"],
           "the keyframed opacity")


def test_transitions_count_on_both_sides():
    """A pair of clips joined by each transition type, one type a track (track indices 0 to
    5), windows not on whole frames: both clips are shown through the window."""
    kinds = [("fade", None), ("wipe", "from-left"), ("slide", "from-right"),
             ("flip", "from-top"), ("clock-wipe", None), ("iris", None)]
    tracks, transitions = [], {}
    for i, (kind, direction) in enumerate(kinds):
        cut = 15 * FRAME + 1 + i
        tracks.append([solid(f"{kind}-a", "#ff0000", i * 7, cut - i * 7, 40 * i, 0, 60, H),
                       solid(f"{kind}-b", "#0000ff", cut, 30 * FRAME - cut, 40 * i, 0, 60, H)])
        tr = {"id": kind, "trackId": f"t{i}", "fromClipId": f"{kind}-a",
              "toClipId": f"{kind}-b", "type": kind, "durationTicks": 8 * FRAME + 3,
              "easing": "linear"}
        if direction:
            tr["params"] = {"direction": direction}
        transitions[kind] = tr
    doc = document(tracks, background="#000000")
    doc["compositionWidth"], doc["compositionHeight"] = W, H
    doc["transitions"] = transitions
    lines = expect_oracle(traced(doc, "oracle-transitions"), "transitions", 30)
    both = [line["frame"] for line in lines if "fade-a" in line["model"] and "fade-b" in line["model"]]
    # window [11 F, 19 F + 3): the incoming clip's opacity is 0 at its first frame
    expect(both == list(range(12, 20)), f"fade window frames {both}")


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            check(name, fn)
    finish()
