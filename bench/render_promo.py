#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark: render a 12 s 1920x1080 30 fps promo and compare with encoding the same
# frames alone (the reference, measured in the same run).
#
#   python3 bench/render_promo.py [--cli build/tools/jsontimeline] [--keep DIR]
#
# The promo: two video clips made here, a logo image moving and fading in by keyframes,
# a title and a lower-third text with a background box, music with a fade-out. Prints wall
# time, CPU time, peak RSS, x realtime, and the encode-only ratio: our wall time divided
# by the time x264 (same settings) takes to encode our decoded output alone.
import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile

W, H, FPS, SECONDS = 1920, 1080, 30, 12
TICKS = 240000


def launch(*args):
    subprocess.run(["gst-launch-1.0", "-q", *args], check=True)


def animated(v, keyframes=()):
    return {"value": v, "keyframes": [{"timeTicks": t, "value": x} for t, x in keyframes]}


def geometry(left, top, w, h, opacity=1.0):
    return {"top": animated(top), "left": animated(left), "width": animated(w),
            "height": animated(h), "scaleX": animated(1), "scaleY": animated(1),
            "opacity": animated(opacity), "rotation": animated(0),
            "isDraggingInTimeline": False}


def text(item_id, string, start, dur, left, top, w, h, size, background=None):
    item = {"id": item_id, "type": "text", "text": string, "color": "#ffffff",
            "align": "center", "fontFamily": "Roboto", "fontStyle": {"variant": "normal",
                                                                     "weight": "700"},
            "fontSize": size, "lineHeight": 1.2, "letterSpacing": 0, "resizeOnEdit": False,
            "direction": "ltr", "strokeWidth": 0, "strokeColor": "#000000",
            "background": background, "startTicks": start, "durationTicks": dur}
    item.update(geometry(left, top, w, h))
    return item


def media(item_id, kind, asset, start, dur, **extra):
    item = {"id": item_id, "type": kind, "assetId": asset, "startTicks": start,
            "durationTicks": dur, "decibelAdjustment": animated(0), "playbackRate": 1,
            "audioFadeInDurationInSeconds": 0, "audioFadeOutDurationInSeconds": 0}
    item.update(geometry(0, 0, W, H))
    if kind == "video":
        item.update({"keepAspectRatio": True, "videoStartFromInSeconds": 0,
                     "borderRadius": animated(0)})
    else:
        item["audioStartFromInSeconds"] = 0
    item.update(extra)
    return item


def asset(asset_id, kind, filename, **extra):
    a = {"id": asset_id, "type": kind, "filename": filename, "size": 1, "mimeType": "x",
         "remoteUrl": None, "remoteKey": None}
    a.update(extra)
    return a


def make_media(d):
    for name, pattern, freq in (("clip1", "ball", 330), ("clip2", "smpte", 550)):
        launch("videotestsrc", f"pattern={pattern}", f"num-buffers={6 * FPS}", "!",
               f"video/x-raw,width={W},height={H},framerate={FPS}/1", "!", "x264enc",
               "speed-preset=ultrafast", "!", "mp4mux", "name=m", "!", "filesink",
               f"location={d}/{name}.mp4", "audiotestsrc", f"freq={freq}",
               "num-buffers=290", "!", "audio/x-raw,rate=48000,channels=2", "!",
               "avenc_aac", "!", "m.")
    launch("videotestsrc", "pattern=pinwheel", "num-buffers=1", "!",
           "video/x-raw,width=400,height=200", "!", "pngenc", "!", "filesink",
           f"location={d}/logo.png")
    launch("audiotestsrc", "wave=sine", "freq=220", "volume=0.3",
           f"num-buffers={SECONDS * 50}", "samplesperbuffer=960", "!",
           "audio/x-raw,rate=48000,channels=2", "!", "wavenc", "!", "filesink",
           f"location={d}/music.wav")


def promo():
    half = 6 * TICKS
    logo = {"id": "logo", "type": "image", "assetId": "logo", "keepAspectRatio": True,
            "borderRadius": animated(0), "startTicks": 0, "durationTicks": SECONDS * TICKS}
    logo.update(geometry(0, 60, 400, 200))
    logo["left"] = animated(1460, [(0, -400), (2 * TICKS, 1460)])
    logo["opacity"] = animated(1, [(0, 0), (TICKS, 1)])
    items = [
        text("title", "Spring Collection", 0, SECONDS * TICKS, 160, 380, 1600, 200, 120),
        text("lower", "Now in stores  \u2022  jsontimeline.example", TICKS, 10 * TICKS, 360,
             860, 1200, 110, 56, {"color": "#000000b0", "horizontalPadding": 40,
                                  "borderRadius": 24}),
        logo,
        media("c1", "video", "clip1", 0, half),
        media("c2", "video", "clip2", half, half),
        media("music", "audio", "music", 0, SECONDS * TICKS,
              audioFadeOutDurationInSeconds=2),
    ]
    tracks = [["title"], ["lower"], ["logo"], ["c1", "c2"], ["music"]]
    return {"compositionWidth": W, "compositionHeight": H, "timebaseTicksPerSecond": TICKS,
            "tracks": [{"id": f"t{i}", "items": t, "hidden": False, "muted": False}
                       for i, t in enumerate(tracks)],
            "items": {i["id"]: i for i in items},
            "assets": {"clip1": asset("clip1", "video", "clip1.mp4", durationInSeconds=6,
                                      hasAudioTrack=True, width=W, height=H),
                       "clip2": asset("clip2", "video", "clip2.mp4", durationInSeconds=6,
                                      hasAudioTrack=True, width=W, height=H),
                       "logo": asset("logo", "image", "logo.png", width=400, height=200),
                       "music": asset("music", "audio", "music.wav",
                                      durationInSeconds=SECONDS)},
            "transitions": {}, "globalBackground": {"type": "color", "color": "#101828",
                                                     "gradient": None}}


def timed(cmd):
    """Runs cmd under /usr/bin/time: (wall s, CPU s, peak RSS KiB) of that command alone."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as t:
        subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", "-o", t.name, *cmd], check=True)
        wall, user, system, rss = t.read().split()
    return float(wall), float(user) + float(system), int(rss)


def encode_only(out, d):
    """The reference: our frames decoded once to raw, then encoded alone with the same x264
    settings; returns (wall s, CPU s, peak RSS KiB) of the encoding."""
    raw = os.path.join(d, "frames.i420")
    launch("filesrc", f"location={out}", "!", "qtdemux", "!", "h264parse", "!", "avdec_h264",
           "!", "videoconvert", "!", "video/x-raw,format=I420", "!", "filesink",
           f"location={raw}")
    return timed([
        "gst-launch-1.0", "-q", "filesrc", f"location={raw}", "blocksize=3110400", "!",
        "rawvideoparse", f"width={W}", f"height={H}", "format=i420", f"framerate={FPS}/1",
        "!", "x264enc", "speed-preset=veryfast", "pass=quant", "quantizer=23", "bframes=0",
        "key-int-max=250", "!", "fakesink"])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default="build/tools/jsontimeline")
    ap.add_argument("--keep")
    args = ap.parse_args()
    d = args.keep or tempfile.mkdtemp(prefix="jtl-bench-")
    os.makedirs(d, exist_ok=True)
    make_media(d)
    with open(os.path.join(d, "promo.json"), "w") as f:
        json.dump(promo(), f)
    out = os.path.join(d, "promo.mp4")
    wall, cpu, rss = timed([args.cli, "render", "-q", os.path.join(d, "promo.json"), "-o", out])

    enc_wall, enc_cpu, enc_rss = encode_only(out, d)
    print(f"promo               {SECONDS} s, {W}x{H}, {FPS} fps")
    print(f"render wall         {wall:.2f} s ({SECONDS / wall:.2f}x realtime)")
    print(f"render CPU          {cpu:.2f} s")
    print(f"peak RSS            {rss / 1024:.0f} MiB")
    print(f"encode-only wall    {enc_wall:.2f} s (reference, CPU {enc_cpu:.2f} s, "
          f"peak RSS {enc_rss / 1024:.0f} MiB)")
    print(f"encode-only ratio   {wall / enc_wall:.2f}")
    if not args.keep:
        shutil.rmtree(d)


if __name__ == "__main__":
    sys.exit(main())
