#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# End-to-end renders: `jsontimeline render` to MP4, decoded again and probed: frame counts,
# timestamps, pixel colours at known places and times, audio length, failure behaviour.
import copy
import glob
import json
import os
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "cli"))
from clitest import check, expect, finish, run  # noqa: E402

TMP = tempfile.mkdtemp(prefix="jtl-render-")
W, H = 320, 240


def animated(v, keyframes=()):
    return {"value": v, "keyframes": [{"timeTicks": t, "value": x} for t, x in keyframes]}


def solid(item_id, color, start, dur, left, top, w, h, opacity=1.0, shape="rectangle", **extra):
    item = {"id": item_id, "type": "solid", "color": color, "shape": shape,
            "startTicks": start, "durationTicks": dur, "isDraggingInTimeline": False,
            "keepAspectRatio": False, "top": animated(top), "left": animated(left),
            "width": animated(w), "height": animated(h), "scaleX": animated(1),
            "scaleY": animated(1), "opacity": animated(opacity), "borderRadius": animated(0),
            "rotation": animated(0)}
    item.update(extra)
    return item


def document(tracks, background="#00ff00"):
    """tracks: list of lists of items, tracks[0] on top."""
    items, track_list = {}, []
    for i, track in enumerate(tracks):
        for item in track:
            items[item["id"]] = item
        track_list.append({"id": f"t{i}", "items": [it["id"] for it in track],
                           "hidden": False, "muted": False})
    return {"compositionWidth": W, "compositionHeight": H, "timebaseTicksPerSecond": 240000,
            "tracks": track_list, "assets": {}, "items": items, "transitions": {},
            "globalBackground": {"type": "color", "color": background, "gradient": None}}


def render(doc, name, *opts):
    src = os.path.join(TMP, name + ".json")
    with open(src, "w") as f:
        json.dump(doc, f)
    out = os.path.join(TMP, name + ".mp4")
    code, _, err = run("render", "-q", src, "-o", out, *opts, timeout=300)
    return code, out, err


def decode_frames(path, w=W, h=H, keep=0, demux="qtdemux"):
    """The decoded frames as RGB bytes (each w x h, unless w is None); with keep, only the
    last `keep` of them."""
    d = tempfile.mkdtemp(dir=TMP)
    subprocess.run(["gst-launch-1.0", "-q", "filesrc", f"location={path}", "!", demux, "!",
                    "h264parse", "!", "avdec_h264", "!", "videoconvert", "!",
                    "video/x-raw,format=RGB", "!", "multifilesink", f"max-files={keep}",
                    f"location={d}/f-%05d.raw"], check=True, timeout=300)
    frames = []
    for f in sorted(glob.glob(os.path.join(d, "f-*.raw"))):
        with open(f, "rb") as fh:
            data = fh.read()
        expect(w is None or len(data) == w * h * 3, f"frame size {len(data)}")
        frames.append(data)
    return frames


def timestamps(path, pad):
    p = subprocess.run(["gst-launch-1.0", "-v", "filesrc", f"location={path}", "!", "qtdemux",
                        "name=d", f"d.{pad}", "!", "fakesink", "silent=false"],
                       capture_output=True, text=True, timeout=300)
    out = []
    for line in p.stdout.splitlines():
        if "last-message = chain" in line and "pts: " in line:
            pts = line.split("pts: ")[1].split(",")[0]
            dur = line.split("duration: ")[1].split(",")[0]
            out.append((seconds(pts), seconds(dur)))
    return out


def seconds(text):
    h, m, s = text.split(":")
    return int(h) * 3600 + int(m) * 60 + float(s)


def pixel(frame, x, y, w=W):
    i = (y * w + x) * 3
    return tuple(frame[i:i + 3])


def near(actual, want, tol=28):
    return all(abs(a - b) <= tol for a, b in zip(actual, want))


RED, BLUE, GREEN, BLACK = (255, 0, 0), (0, 0, 255), (0, 255, 0), (0, 0, 0)


def test_solids_zorder_and_frames():
    doc = document([[solid("red", "#ff0000", 0, 240000, 20, 10, 100, 50)],
                    [solid("blue", "#0000ff", 0, 240000, 60, 30, 100, 100)]])
    code, out, err = render(doc, "solids")
    expect(code == 0, err)
    frames = decode_frames(out)
    expect(len(frames) == 30, f"{len(frames)} frames, want 30")
    f = frames[15]
    for (x, y), want in {(40, 20): RED, (100, 50): RED, (100, 100): BLUE, (300, 200): GREEN,
                         (10, 200): GREEN, (140, 40): BLUE}.items():
        expect(near(pixel(f, x, y), want), f"({x},{y}) = {pixel(f, x, y)}, want {want}")


def test_timing_window_and_keyframes():
    # visible from 0.5 s to 1 s only; moves from left 0 to left 200 over its clip
    mover = solid("m", "#ff0000", 120000, 120000, 0, 100, 40, 40)
    mover["left"] = animated(200, [(0, 0)])
    code, out, err = render(document([[mover]]), "window")
    expect(code == 0, err)
    frames = decode_frames(out)
    expect(len(frames) == 30, len(frames))
    expect(near(pixel(frames[5], 20, 120), GREEN), "not yet visible at 0.17 s")
    # frame 15 (0.5 s): local time 0, left 0 -> box 0..40
    expect(near(pixel(frames[15], 20, 120), RED), pixel(frames[15], 20, 120))
    # frame 22 (0.7333 s): local 56000 of 120000 ticks -> left 93.3 -> box 93..133
    expect(near(pixel(frames[22], 113, 120), RED), pixel(frames[22], 113, 120))
    expect(near(pixel(frames[22], 20, 120), GREEN), "the box has moved on")


def test_opacity_blend():
    code, out, err = render(document([[solid("w", "#ffffff", 0, 48000, 0, 0, W, H, 0.5)]],
                                     background="#000000"), "opacity")
    expect(code == 0, err)
    frames = decode_frames(out)
    expect(len(frames) == 6, len(frames))  # 0.2 s at 30 fps
    expect(near(pixel(frames[3], 160, 120), (128, 128, 128), 12), pixel(frames[3], 160, 120))


def test_exact_frame_counts_and_audio():
    doc = document([[solid("a", "#ff0000", 0, 384000, 0, 0, 10, 10)]])  # 1.6 s
    for fps, want in ((30, 48), (60, 96)):
        code, out, err = render(doc, f"count{fps}", "--fps", str(fps))
        expect(code == 0, err)
        video = timestamps(out, "video_0")
        expect(len(video) == want, f"{len(video)} frames at {fps} fps, want {want}")
        expect(abs(video[0][0]) < 1e-6, f"first frame at {video[0][0]}")
        for k, (pts, _) in enumerate(sorted(video)):
            expect(abs(pts - k / fps) < 1e-3, f"frame {k} at {pts}")
        audio = timestamps(out, "audio_0")
        end = audio[-1][0] + audio[-1][1]
        expect(abs(end - 1.6) <= 1024 / 48000 + 1e-3, f"audio ends at {end}")
        # what a player sees: GstDiscoverer's duration of the file
        d = subprocess.run(["gst-discoverer-1.0", out], capture_output=True, text=True,
                           timeout=120).stdout
        line = [l for l in d.splitlines() if l.strip().startswith("Duration:")]
        expect(line and abs(seconds(line[0].split("Duration:")[1].strip()) - 1.6) <= 0.025,
               f"discoverer: {line}")


def test_shapes():
    doc = document([[solid("c", "#ff0000", 0, 48000, 20, 20, 100, 100, shape="circle"),
                     ],
                    [solid("r", "#0000ff", 0, 48000, 180, 20, 100, 100)]], background="#000000")
    doc["items"]["c"]["shape"] = "circle"
    doc["items"]["r"]["borderRadius"] = animated(30)
    code, out, err = render(doc, "shapes")
    expect(code == 0, err)
    f = decode_frames(out)[3]
    expect(near(pixel(f, 70, 70), RED), "circle centre")
    expect(near(pixel(f, 24, 24), BLACK), f"circle corner {pixel(f, 24, 24)}")
    expect(near(pixel(f, 230, 70), BLUE), "rounded rectangle centre")
    expect(near(pixel(f, 183, 23), BLACK), f"rounded corner {pixel(f, 183, 23)}")
    expect(near(pixel(f, 230, 22), BLUE), "rounded rectangle top edge")


def test_rotation():
    bar = solid("bar", "#ff0000", 0, 48000, 110, 110, 100, 20)  # centre (160, 120)
    bar["rotation"] = animated(90)
    code, out, err = render(document([[bar]], background="#000000"), "rotation")
    expect(code == 0, err)
    f = decode_frames(out)[3]
    expect(near(pixel(f, 160, 120), RED), "centre")
    expect(near(pixel(f, 160, 80), RED), f"above the centre, turned upright {pixel(f, 160, 80)}")
    expect(near(pixel(f, 200, 120), BLACK), f"where the unturned bar was {pixel(f, 200, 120)}")


def test_gradient_background():
    doc = document([[solid("a", "#ffffff", 0, 48000, 150, 110, 20, 20)]])
    doc["globalBackground"] = {"type": "color", "color": "#000000",
                               "gradient": "linear-gradient(to right, #ff0000 0%, rgb(0, 0, 255) 100%)"}
    code, out, err = render(doc, "gradient")
    expect(code == 0, err)
    f = decode_frames(out)[3]
    expect(near(pixel(f, 2, 120), RED), f"left edge {pixel(f, 2, 120)}")
    expect(near(pixel(f, 317, 120), BLUE), f"right edge {pixel(f, 317, 120)}")
    expect(near(pixel(f, 80, 120), (191, 0, 64), 30), f"a quarter across {pixel(f, 80, 120)}")
    expect(near(pixel(f, 160, 120), (255, 255, 255)), "items draw above the gradient")
    doc["globalBackground"]["gradient"] = "linear-gradient(to nowhere, red, blue)"
    code, out, err = render(doc, "gradient-bad")
    expect(code == 1 and "/globalBackground/gradient" in err, err)


def text_item(item_id, text, start, dur, left, top, w, h, color="#ff0000", size=40, **extra):
    item = solid(item_id, "#000000", start, dur, left, top, w, h)
    for key in ("color", "shape", "keepAspectRatio", "borderRadius"):
        item.pop(key, None)
    item.update({"type": "text", "text": text, "color": color, "fontFamily": "Roboto",
                 "fontStyle": {"variant": "normal", "weight": "700"}, "fontSize": size,
                 "lineHeight": 1.2, "letterSpacing": 0, "align": "center",
                 "direction": "ltr", "strokeWidth": 0, "strokeColor": "#000000",
                 "resizeOnEdit": False})
    item.update(extra)
    return item


def red_bounds(frame, w=W, h=H):
    xs, ys = [], []
    for y in range(0, h):
        for x in range(0, w):
            r, g, b = pixel(frame, x, y, w)
            if r > 150 and g < 80 and b < 80:
                xs.append(x)
                ys.append(y)
    return (min(xs), min(ys), max(xs), max(ys)) if xs else None


def test_text_rotation_keyframes_and_font_fallback():
    """A text item turning from 0 to 90 degrees over its 1 s: flat at the start, upright
    at the end, around the box centre; an unknown family falls back with a warning naming
    the item."""
    t = text_item("t", "HHHH", 0, 240000, 60, 95, 200, 50)  # centre (160, 120)
    t["rotation"] = animated(0, [(0, 0), (240000, 90)])
    code, out, err = render(document([[t]], background="#000000"), "text-turn")
    expect(code == 0, err)
    frames = decode_frames(out)
    expect(len(frames) == 30, len(frames))
    b0, b1 = red_bounds(frames[0]), red_bounds(frames[29])
    expect(b0 and b1, "text drawn")
    w0, h0 = b0[2] - b0[0], b0[3] - b0[1]
    w1, h1 = b1[2] - b1[0], b1[3] - b1[1]
    expect(w0 > 2 * h0 and h1 > 2 * w1, f"flat {w0}x{h0} at 0 s, upright {w1}x{h1} at the end")
    cx, cy = (b1[0] + b1[2]) / 2, (b1[1] + b1[3]) / 2
    expect(abs(cx - 160) <= 8 and abs(cy - 120) <= 8, f"turned around ({cx}, {cy})")
    t = text_item("u", "HHHH", 0, 48000, 60, 95, 200, 50, fontFamily="NoSuchFamilyAtAll")
    src = os.path.join(TMP, "font.json")
    with open(src, "w") as f:
        json.dump(document([[t]], background="#000000"), f)
    code, _, err = run("render", "-q", src, "-o", os.path.join(TMP, "font.mp4"), timeout=300)
    expect(code == 0 and "warning" in err and "/items/u" in err and "NoSuchFamilyAtAll" in err,
           err)


def test_product_page_example():
    example = os.path.join(os.path.dirname(__file__), "..", "data", "indream",
                           "product-page.legacy.json")
    out = os.path.join(TMP, "hello.mp4")
    code, _, err = run("render", "-q", example, "-o", out, "--scale", "0.6", timeout=300)
    expect(code == 0, err)
    video = timestamps(out, "video_0")
    expect(len(video) == 48, f"{len(video)} frames, want 48 (1.6 s at 30 fps)")
    w, h = 1152, 648
    frame = decode_frames(out, w, h, keep=1)[-1]
    # the text box: left 755, top 492, 411 x 96 at scale 0.6
    x0, y0, x1, y1 = 755 * 0.6, 492 * 0.6, (755 + 411) * 0.6, (492 + 96) * 0.6
    inside, outside, xs = 0, 0, []
    for y in range(0, h, 2):
        for x in range(0, w, 2):
            r, g, b = pixel(frame, x, y, w)
            if r > 200 and g > 200 and b > 200:
                if x0 <= x <= x1 and y0 <= y <= y1:
                    inside += 1
                    xs.append(x)
                else:
                    outside += 1
            elif x0 <= x <= x1 and y0 <= y <= y1:
                pass
            else:
                expect(r < 40 and g < 40 and b < 40, f"background at ({x},{y}) is {(r, g, b)}")
    expect(inside > 300 and outside == 0, f"white pixels: {inside} inside, {outside} outside")
    centre = (min(xs) + max(xs)) / 2
    expect(abs(centre - (x0 + x1) / 2) < 8, f"text centred at {centre}, box centre {(x0 + x1) / 2}")


def image_item(item_id, asset_id, left, top, w, h, keep=True):
    item = solid(item_id, "#000000", 0, 48000, left, top, w, h)
    for key in ("color", "shape"):
        del item[key]
    item.update({"type": "image", "assetId": asset_id, "keepAspectRatio": keep})
    return item


def image_asset(asset_id, filename, mime, w, h):
    return {"id": asset_id, "type": "image", "filename": filename, "size": 1, "mimeType": mime,
            "remoteUrl": None, "remoteKey": None, "width": w, "height": h}


def test_images():
    png = os.path.join(TMP, "wide.png")
    subprocess.run(["gst-launch-1.0", "-q", "videotestsrc", "pattern=solid-color",
                    "foreground-color=0xffff0000", "num-buffers=1", "!",
                    "video/x-raw,width=200,height=100", "!", "pngenc", "!", "filesink",
                    f"location={png}"], check=True, timeout=60)
    with open(os.path.join(TMP, "blue.svg"), "w") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
                '<rect width="10" height="10" fill="#0000ff"/></svg>')
    doc = document([[image_item("png", "a-png", 20, 20, 100, 100)],
                    [image_item("svg", "a-svg", 200, 20, 80, 80, keep=False)]],
                   background="#000000")
    doc["assets"] = {"a-png": image_asset("a-png", "wide.png", "image/png", 200, 100),
                     "a-svg": image_asset("a-svg", "blue.svg", "image/svg+xml", 10, 10)}
    code, out, err = render(doc, "images")  # relative files resolve against the document
    expect(code == 0, err)
    f = decode_frames(out)[3]
    expect(near(pixel(f, 70, 70), RED), f"fitted image centre {pixel(f, 70, 70)}")
    expect(near(pixel(f, 70, 30), BLACK), f"letterbox band above {pixel(f, 70, 30)}")
    expect(near(pixel(f, 240, 60), BLUE), f"svg {pixel(f, 240, 60)}")
    doc["assets"]["a-png"]["filename"] = "missing.png"
    code, out, err = render(doc, "images-missing")
    expect(code == 1 and '"png"' in err and "does not exist" in err, err)
    expect(not os.path.exists(out), "an output was left")


def test_image_crop_keyframes():
    """An image half red (left) half blue (right) whose cropLeft goes 0 -> 0.5 over 1 s,
    stretched into its box: red on the box's left at the start, blue all over at the
    end; its corners round by keyframes too."""
    svg = os.path.join(TMP, "halves.svg")
    with open(svg, "w") as f:
        f.write('<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100">'
                '<rect width="100" height="100" fill="#ff0000"/>'
                '<rect x="100" width="100" height="100" fill="#0000ff"/></svg>')
    img = image_item("img", "halves", 60, 40, 200, 100, keep=False)
    img["durationTicks"] = 240000
    img["cropLeft"] = animated(0, [(0, 0), (240000, 0.5)])
    img["borderRadius"] = animated(0, [(0, 0), (240000, 40)])
    doc = document([[img]], background="#000000")
    doc["assets"] = {"halves": image_asset("halves", "halves.svg", "image/svg+xml", 200, 100)}
    code, out, err = render(doc, "image-crop")
    expect(code == 0, err)
    frames = decode_frames(out)
    expect(len(frames) == 30, len(frames))
    first, last = frames[0], frames[29]
    expect(near(pixel(first, 80, 90), RED) and near(pixel(first, 240, 90), BLUE),
           f"uncropped at the start {pixel(first, 80, 90)} {pixel(first, 240, 90)}")
    expect(near(pixel(last, 80, 90), BLUE) and near(pixel(last, 240, 90), BLUE),
           f"left half cropped away at the end {pixel(last, 80, 90)} {pixel(last, 240, 90)}")
    expect(near(pixel(last, 62, 42), BLACK) and near(pixel(first, 62, 42), RED),
           f"corner: square at the start {pixel(first, 62, 42)}, round at the end {pixel(last, 62, 42)}")


def media_item(item_id, kind, asset_id, start, dur, start_from=0.0, db=0.0, **geometry):
    item = solid(item_id, "#000000", start, dur, geometry.get("left", 0), geometry.get("top", 0),
                 geometry.get("w", 160), geometry.get("h", 120))
    for key in ("color", "shape"):
        del item[key]
    item.update({"type": kind, "assetId": asset_id, "decibelAdjustment": animated(db),
                 "playbackRate": 1, "audioFadeInDurationInSeconds": 0,
                 "audioFadeOutDurationInSeconds": 0})
    if kind == "video":
        item.update({"keepAspectRatio": True, "videoStartFromInSeconds": start_from})
    else:
        item["audioStartFromInSeconds"] = start_from
        for key in ("keepAspectRatio", "borderRadius", "rotation"):
            item.pop(key, None)
    return item


def decode_audio(path, decoder=("qtdemux", "!", "avdec_aac")):
    """The sound of a file as 48 kHz mono S16 samples; decoder: the elements from the file
    to raw audio (an MP4's AAC by default: decodebin would leave the video pad unlinked and
    stall; it suits files with sound only)."""
    raw = os.path.join(TMP, os.path.basename(path) + ".pcm")
    subprocess.run(["gst-launch-1.0", "-q", "filesrc", f"location={path}", "!", *decoder,
                    "!", "audioconvert", "!", "audioresample", "!",
                    "audio/x-raw,format=S16LE,channels=1,rate=48000", "!", "filesink",
                    f"location={raw}"], check=True, timeout=300)
    import array
    a = array.array("h")
    with open(raw, "rb") as f:
        a.frombytes(f.read())
    return a


def rms(samples, t0, t1):
    w = samples[int(t0 * 48000):int(t1 * 48000)]
    return (sum(x * x for x in w) / max(1, len(w))) ** 0.5


def test_video_and_audio_items():
    # the clip: 1 s red then 1 s blue, made by our own renderer
    clip_doc = document([[solid("r", "#ff0000", 0, 240000, 0, 0, W, H),
                          solid("b", "#0000ff", 240000, 240000, 0, 0, W, H)]])
    code, clip, err = render(clip_doc, "clip")
    expect(code == 0, err)
    tone = os.path.join(TMP, "tone.wav")
    subprocess.run(["gst-launch-1.0", "-q", "audiotestsrc", "freq=440", "volume=0.5",
                    "num-buffers=100", "samplesperbuffer=960", "!",
                    "audio/x-raw,rate=48000,channels=2", "!", "wavenc", "!", "filesink",
                    f"location={tone}"], check=True, timeout=60)
    video = media_item("v", "video", "clip", 120000, 240000, start_from=0.5, w=W, h=H)
    music = media_item("m", "audio", "tone", 60000, 240000, db=-6.0)
    muted = media_item("x", "audio", "tone", 0, 480000)
    doc = document([[video], [music], [muted]])
    doc["tracks"][2]["muted"] = True
    doc["assets"] = {
        "clip": {"id": "clip", "type": "video", "filename": "clip.mp4", "size": 1,
                 "mimeType": "video/mp4", "remoteUrl": None, "remoteKey": None,
                 "durationInSeconds": 2, "hasAudioTrack": True, "width": W, "height": H},
        "tone": {"id": "tone", "type": "audio", "filename": "tone.wav", "size": 1,
                 "mimeType": "audio/wav", "remoteUrl": None, "remoteKey": None,
                 "durationInSeconds": 2}}
    code, out, err = render(doc, "media")
    expect(code == 0, err)
    frames = decode_frames(out)
    expect(len(frames) == 60, f"{len(frames)} frames")  # the muted item lasts 2 s
    expect(near(pixel(frames[7], 160, 120), GREEN), "before the video item")
    # 0.5 s into the timeline = 0.5 s into the clip (red); 1.0 s = 1.0 s into it (blue)
    expect(near(pixel(frames[16], 160, 120), RED), f"trim point {pixel(frames[16], 160, 120)}")
    expect(near(pixel(frames[31], 160, 120), BLUE), f"after the cut {pixel(frames[31], 160, 120)}")
    expect(near(pixel(frames[50], 160, 120), GREEN), "after the video item")
    audio = decode_audio(out)
    full = 0.5 * 32767 / 2 ** 0.5
    inside = rms(audio, 0.4, 1.1)
    level = 20 * __import__("math").log10(inside / full)
    expect(abs(level - -6.0) <= 0.5, f"tone at {level:.2f} dB, want -6 +/- 0.5")
    expect(rms(audio, 0.0, 0.2) < 50, f"before the item {rms(audio, 0.0, 0.2)}")
    expect(rms(audio, 1.35, 1.9) < 50, f"after the item (muted track only) {rms(audio, 1.35, 1.9)}")
    # an undecodable file: a clear error naming the item, no hang, no output
    with open(os.path.join(TMP, "junk.mp4"), "w") as f:
        f.write("not a video")
    doc["assets"]["clip"]["filename"] = "junk.mp4"
    code, out, err = render(doc, "media-junk")
    expect(code == 1 and "/items/v" in err, err)
    expect(not os.path.exists(out) and not os.path.exists(out + ".part"), "an output was left")


def test_playback_rate():
    clip_doc = document([[solid("r", "#ff0000", 0, 240000, 0, 0, W, H),
                          solid("b", "#0000ff", 240000, 240000, 0, 0, W, H)]])
    code, _, err = render(clip_doc, "clip-rate")
    expect(code == 0, err)
    fast = media_item("v", "video", "clip", 0, 240000, w=W, h=H)  # 1 s of the 2 s clip
    fast["playbackRate"] = 2
    doc = document([[fast]])
    doc["assets"] = {"clip": {"id": "clip", "type": "video", "filename": "clip-rate.mp4",
                              "size": 1, "mimeType": "video/mp4", "remoteUrl": None,
                              "remoteKey": None, "durationInSeconds": 2,
                              "hasAudioTrack": False, "width": W, "height": H}}
    code, out, err = render(doc, "rate")
    expect(code == 0, err)
    frames = decode_frames(out)
    expect(len(frames) == 30, len(frames))
    expect(near(pixel(frames[7], 160, 120), RED), f"0.23 s = 0.47 s of the clip {pixel(frames[7], 160, 120)}")
    expect(near(pixel(frames[22], 160, 120), BLUE), f"0.73 s = 1.47 s of the clip {pixel(frames[22], 160, 120)}")


def test_many_clips_and_a_range():
    """60 sequential video clips of 0.1 s: each shows its part of the file, the graph holds
    only the branches near the position, and a range renders alone."""
    clip_doc = document([[solid("r", "#ff0000", 0, 240000, 0, 0, W, H),
                          solid("b", "#0000ff", 240000, 240000, 0, 0, W, H)]])
    code, _, err = render(clip_doc, "clip-many")
    expect(code == 0, err)
    clips = [media_item(f"c{i}", "video", "clip", i * 24000, 24000,
                        start_from=0.2 if i % 2 == 0 else 1.2, w=W, h=H) for i in range(60)]
    doc = document([clips])
    doc["assets"] = {"clip": {"id": "clip", "type": "video", "filename": "clip-many.mp4",
                              "size": 1, "mimeType": "video/mp4", "remoteUrl": None,
                              "remoteKey": None, "durationInSeconds": 2,
                              "hasAudioTrack": True, "width": W, "height": H}}
    code, out, err = render(doc, "many", "-v")
    expect(code == 0, err)
    import re
    m = re.search(r"(\d+) item branches built, at most (\d+) alive at once", err)
    expect(m and int(m.group(1)) == 60 and int(m.group(2)) <= 24, err)
    frames = decode_frames(out)
    expect(len(frames) == 180, f"{len(frames)} frames")
    for i in range(60):
        want = RED if i % 2 == 0 else BLUE
        got = pixel(frames[3 * i + 1], 160, 120)
        expect(near(got, want), f"clip {i}: {got}")
    # 1.0 s to 1.5 s alone: 15 frames, starting with clip 10 (red), clip 11 blue
    code, part, err = render(doc, "many-range", "--start", "1.0", "--end", "1.5")
    expect(code == 0, err)
    frames = decode_frames(part)
    expect(len(frames) == 15, f"{len(frames)} frames in the range")
    expect(near(pixel(frames[1], 160, 120), RED) and near(pixel(frames[4], 160, 120), BLUE),
           f"{pixel(frames[1], 160, 120)} {pixel(frames[4], 160, 120)}")
    stamps = timestamps(part, "video_0")
    expect(stamps and stamps[0][0] == 0.0, f"the range starts at 0 in the file: {stamps[:3]}")


def test_audio_playback_rate():
    """A 2 s tone played at playbackRate 2 in a 1 s item: audible over exactly the item, at
    its dB level, at its pitch (scaletempo keeps it)."""
    tone = os.path.join(TMP, "tone-rate.wav")
    subprocess.run(["gst-launch-1.0", "-q", "audiotestsrc", "freq=440", "volume=0.5",
                    "num-buffers=100", "samplesperbuffer=960", "!",
                    "audio/x-raw,rate=48000,channels=2", "!", "wavenc", "!", "filesink",
                    f"location={tone}"], check=True, timeout=60)
    music = media_item("m", "audio", "tone", 120000, 240000, db=-6.0)
    music["playbackRate"] = 2
    doc = document([[solid("s", "#ff0000", 0, 480000, 0, 0, 10, 10)], [music]])
    doc["assets"] = {"tone": {"id": "tone", "type": "audio", "filename": "tone-rate.wav",
                              "size": 1, "mimeType": "audio/wav", "remoteUrl": None,
                              "remoteKey": None, "durationInSeconds": 2}}
    code, out, err = render(doc, "audio-rate")
    expect(code == 0 and "not played" not in err, err)
    audio = decode_audio(out)
    full = 0.5 * 32767 / 2 ** 0.5
    inside = rms(audio, 0.6, 1.4)
    level = 20 * __import__("math").log10(max(inside, 1) / full)
    expect(abs(level - -6.0) <= 0.5, f"tone at {level:.2f} dB, want -6 +/- 0.5")
    expect(rms(audio, 0.0, 0.45) < 50, f"before the item {rms(audio, 0.0, 0.45)}")
    expect(rms(audio, 1.56, 1.95) < 50, f"after the item {rms(audio, 1.56, 1.95)}")
    window = audio[int(0.7 * 48000):int(1.3 * 48000)]
    crossings = sum(1 for a, b in zip(window, window[1:]) if a < 0 <= b)
    expect(abs(crossings / 0.6 - 440) < 15, f"pitch {crossings / 0.6:.0f} Hz, want 440")


def test_video_crop_corners_and_turning_solid():
    """A video item cropped to its right half (blue) with rounded corners: blue across the
    box, the background in its corners; a solid turning 0 -> 90 degrees by keyframes."""
    clip_doc = document([[solid("r", "#ff0000", 0, 240000, 0, 0, W // 2, H)],
                         [solid("b", "#0000ff", 0, 240000, W // 2, 0, W // 2, H)]])
    code, _, err = render(clip_doc, "clip-halves")
    expect(code == 0, err)
    video = media_item("v", "video", "clip", 0, 240000, left=40, top=20, w=240, h=200)
    video["keepAspectRatio"] = False
    video["cropLeft"] = animated(0.5)
    video["borderRadius"] = animated(40)
    doc = document([[video]])
    doc["assets"] = {"clip": {"id": "clip", "type": "video", "filename": "clip-halves.mp4",
                              "size": 1, "mimeType": "video/mp4", "remoteUrl": None,
                              "remoteKey": None, "durationInSeconds": 1,
                              "hasAudioTrack": False, "width": W, "height": H}}
    code, out, err = render(doc, "crop")
    expect(code == 0, err)
    f = decode_frames(out)[15]
    expect(near(pixel(f, 60, 120), BLUE), f"left of the box: the kept right half {pixel(f, 60, 120)}")
    expect(near(pixel(f, 260, 120), BLUE), f"right of the box {pixel(f, 260, 120)}")
    expect(near(pixel(f, 42, 22), GREEN), f"a rounded corner shows the background {pixel(f, 42, 22)}")
    expect(near(pixel(f, 30, 120), GREEN), f"outside the box {pixel(f, 30, 120)}")
    bar = solid("bar", "#ff0000", 0, 240000, 110, 110, 100, 20)  # centre (160, 120)
    bar["rotation"] = animated(0, [(0, 0), (240000, 90)])
    code, out, err = render(document([[bar]], background="#000000"), "turning")
    expect(code == 0 and "not followed" not in err, err)
    frames = decode_frames(out)
    b0, b1 = red_bounds(frames[0]), red_bounds(frames[29])
    expect(b0 and b1 and (b0[2] - b0[0]) > 3 * (b0[3] - b0[1])
           and (b1[3] - b1[1]) > 3 * (b1[2] - b1[0]), f"flat {b0}, upright {b1}")


def test_scale_around_the_centre():
    bar = solid("bar", "#ff0000", 0, 48000, 110, 95, 100, 50)  # centre (160, 120)
    bar["scaleX"] = animated(2)
    bar["scaleY"] = animated(0.5)
    code, out, err = render(document([[bar]], background="#000000"), "scale")
    expect(code == 0, err)
    f = decode_frames(out)[3]
    # 200 x 25 around (160, 120): x 60..260, y 107.5..132.5
    for x, y, want in ((64, 120, RED), (256, 120, RED), (160, 110, RED), (160, 130, RED),
                       (54, 120, BLACK), (266, 120, BLACK), (160, 102, BLACK),
                       (160, 138, BLACK)):
        expect(near(pixel(f, x, y), want), f"({x}, {y}) is {pixel(f, x, y)}, want {want}")


def test_audio_fades():
    """A tone item of 1 s with 0.4 s fades: the level ramps up, holds, ramps down."""
    tone = os.path.join(TMP, "tone-fade.wav")
    subprocess.run(["gst-launch-1.0", "-q", "audiotestsrc", "freq=440", "volume=0.5",
                    "num-buffers=100", "samplesperbuffer=960", "!",
                    "audio/x-raw,rate=48000,channels=2", "!", "wavenc", "!", "filesink",
                    f"location={tone}"], check=True, timeout=60)
    music = media_item("m", "audio", "tone", 0, 240000)
    music["audioFadeInDurationInSeconds"] = 0.4
    music["audioFadeOutDurationInSeconds"] = 0.4
    doc = document([[music]])
    doc["assets"] = {"tone": {"id": "tone", "type": "audio", "filename": "tone-fade.wav",
                              "size": 1, "mimeType": "audio/wav", "remoteUrl": None,
                              "remoteKey": None, "durationInSeconds": 2}}
    code, out, err = render(doc, "fades")
    expect(code == 0, err)
    audio = decode_audio(out)
    full = 0.5 * 32767 / 2 ** 0.5
    ups = [rms(audio, t, t + 0.08) / full for t in (0.0, 0.1, 0.2, 0.3)]
    downs = [rms(audio, t, t + 0.08) / full for t in (0.6, 0.7, 0.8, 0.9)]
    mid = rms(audio, 0.45, 0.55) / full
    expect(all(a < b for a, b in zip(ups, ups[1:])), f"fade-in levels {ups}")
    expect(all(a > b for a, b in zip(downs, downs[1:])), f"fade-out levels {downs}")
    expect(abs(mid - 1.0) < 0.06, f"full level between the fades: {mid:.3f}")
    # linear in amplitude: the window 0.1-0.18 s averages about 0.35 of full
    expect(abs(ups[1] - 0.35) < 0.08, f"fade-in at 0.1-0.18 s: {ups[1]:.3f}")


def test_invalid_document_leaves_no_file():
    doc = document([[solid("a", "#ff0000", 0, 240000, 0, 0, 10, 10)]])
    doc["items"]["a"]["startTicks"] = -1
    code, out, err = render(doc, "invalid")
    expect(code == 1 and "/items/a/startTicks" in err, err)
    expect(not os.path.exists(out) and not os.path.exists(out + ".part"), "an output was left")
    doc = document([[solid("a", "not-a-colour", 0, 240000, 0, 0, 10, 10)]])
    code, out, err = render(doc, "badcolor")
    expect(code == 1 and "a" in err and "colour" in err, err)
    expect(not os.path.exists(out) and not os.path.exists(out + ".part"), "an output was left")


def test_progress_and_webm():
    doc = document([[solid("a", "#ff0000", 0, 480000, 0, 0, 10, 10)]])
    src = os.path.join(TMP, "progress.json")
    with open(src, "w") as f:
        json.dump(doc, f)
    out = os.path.join(TMP, "progress.webm")
    code, _, err = run("render", src, "-o", out, timeout=300)
    lines = err.splitlines()
    expect(code == 0 and lines[0] == "0%" and lines[-1] == f"wrote {out}", err)
    steps = [int(l[:-1]) for l in lines[:-1]]
    expect(steps == sorted(steps) and all(s % 10 == 0 for s in steps), steps)
    # the discoverer, not gst-launch -v: that one sometimes exits before printing the caps
    # of a pad (1 run in 30 missed the video caps)
    p = subprocess.run(["gst-discoverer-1.0", out], capture_output=True, text=True, timeout=120)
    expect("container #0: WebM" in p.stdout and "video #1: VP9" in p.stdout and
           "audio #2: Opus" in p.stdout, p.stdout[-800:])


def test_usage():
    code, _, err = run("render", "x.json")
    expect(code == 2 and "-o OUT" in err, err)
    code, _, err = run("render", "/nonexistent.json", "-o", os.path.join(TMP, "x.mp4"))
    expect(code == 2, err)
    code, _, err = run("render", "x.json", "-o", "y.mp4", "--fps", "25")
    expect(code == 2, err)


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            check(name, fn)
    finish()
