#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Sound against picture: a clip whose first frame is white and whose sound starts with a
# click at the same instant, cut back to back; in every output the click of each cut comes
# with its flash (within 5 ms), at the first cut and at the last, decoded by GStreamer.
import array
import json
import os
import struct
import subprocess
import sys

sys.path.insert(0, os.path.dirname(__file__))
import test_render  # noqa: E402
from test_render import decode_audio, decode_frames, document, media_item  # noqa: E402
from clitest import check, expect, finish, run  # noqa: E402

TMP = test_render.TMP
W, H = 96, 54
CUTS = 12
CUT_FRAMES = 9  # 0.3 s = 14400 samples at 48 kHz
RATE = 48000
TOLERANCE_MS = 5.0


def flash_and_click_clip():
    """flash.mkv: a 1 s clip at 30 fps (raw I420 video and 48 kHz stereo PCM in Matroska: its
    decoded sound and picture are exact): frame 0 white, the others black; a 10 ms
    square-wave click from sample 0, silence after."""
    path = os.path.join(TMP, "flash.mkv")
    if os.path.exists(path):
        return
    frame = W * H * 3 // 2
    video = os.path.join(TMP, "flash.i420")
    with open(video, "wb") as f:
        for k in range(30):
            f.write(bytes([235 if k == 0 else 16]) * (W * H) + bytes([128]) * (frame - W * H))
    sound = array.array("h", [0] * (RATE * 2))
    for i in range(RATE // 100):
        sound[2 * i] = sound[2 * i + 1] = 20000 if (i // 24) % 2 == 0 else -20000
    audio = os.path.join(TMP, "click.s16")
    with open(audio, "wb") as f:
        f.write(sound.tobytes())
    subprocess.run(["gst-launch-1.0", "-q", "filesrc", f"location={video}", "!", "rawvideoparse",
                    f"width={W}", f"height={H}", "format=i420", "framerate=30/1", "!",
                    "matroskamux", "name=m", "!", "filesink", f"location={path}",
                    "filesrc", f"location={audio}", "!", "rawaudioparse",
                    "pcm-format=s16le", f"sample-rate={RATE}", "num-channels=2", "!", "m."],
                   check=True, timeout=60)


def cuts_doc(clip, mime, cuts=CUTS):
    """cuts items of the clip's first CUT_FRAMES frames, back to back from 0."""
    ticks = CUT_FRAMES * 8000
    items = [media_item(f"c{k}", "video", "clip", k * ticks, ticks, w=W, h=H)
             for k in range(cuts)]
    doc = document([items], background="#000000")
    doc["compositionWidth"], doc["compositionHeight"] = W, H
    doc["assets"] = {"clip": {"id": "clip", "type": "video", "filename": clip, "size": 1,
                              "mimeType": mime, "remoteUrl": None, "remoteKey": None,
                              "durationInSeconds": 1, "hasAudioTrack": True,
                              "width": W, "height": H}}
    return doc


def render_cuts(doc, name):
    src = os.path.join(TMP, name + ".json")
    with open(src, "w") as f:
        json.dump(doc, f)
    out = os.path.join(TMP, name)
    code, _, err = run("render", "-q", src, "-o", out, timeout=300)
    expect(code == 0, err)
    return out


def click_ms(audio, cut):
    """When the click of cut k starts (ms from the timeline's start): the first sample
    louder than a third of the click from 20 ms before the cut."""
    at = cut * CUT_FRAMES * RATE // 30
    for i in range(max(0, at - RATE // 50), len(audio)):
        if abs(audio[i]) > 6000:
            return i * 1000 / RATE
    raise AssertionError(f"no click after cut {cut}")


def check_sound(audio, what, flash_ms=None):
    """The click of the first and the last cut at its cut (or at its flash)."""
    for cut in (0, CUTS - 1):
        want = flash_ms[cut] if flash_ms else cut * CUT_FRAMES * 1000 / 30
        got = click_ms(audio, cut)
        expect(abs(got - want) <= TOLERANCE_MS,
               f"{what}: the click of cut {cut} at {got:.1f} ms, its picture at {want:.1f} ms")
    # none added; at the end GStreamer 1.22's qtdemux stops the sound by the movie's
    # duration plus the priming it skipped, and not within the last AAC frame: up to
    # 1600 + 1024 samples less (the file's own durations are checked by sound_edit)
    length = len(audio) * 1000 / RATE
    want = CUTS * CUT_FRAMES * 1000 / 30
    expect(want - (1600 + 1024) * 1000 / RATE <= length <= want + 1,
           f"{what}: {length:.1f} ms of sound, want {want:.1f}")


def boxes(data, start, end):
    """The boxes of an MP4 file in data[start:end] as {type: [(body, end)]}."""
    out = {}
    while start + 8 <= end:
        size, kind = struct.unpack(">I4s", data[start:start + 8])
        header = 8
        if size == 1:
            size, header = struct.unpack(">Q", data[start + 8:start + 16])[0], 16
        out.setdefault(kind.decode("latin-1"), []).append((start + header, start + size))
        start += size
    return out


def sound_edit(path):
    """The sound track of an MP4 file: (movie timescale, movie duration, [(edit duration,
    media time)], media timescale, media duration); version 0 boxes (mp4mux's)."""
    with open(path, "rb") as f:
        data = f.read()
    moov = boxes(data, 0, len(data))["moov"][0]
    top = boxes(data, *moov)
    mvhd = top["mvhd"][0][0]
    movie_scale, movie_duration = struct.unpack(">II", data[mvhd + 12:mvhd + 20])
    for trak in top["trak"]:
        parts = boxes(data, *trak)
        media = boxes(data, *parts["mdia"][0])
        hdlr = media["hdlr"][0][0]
        if data[hdlr + 8:hdlr + 12] != b"soun":
            continue
        mdhd = media["mdhd"][0][0]
        media_scale, media_duration = struct.unpack(">II", data[mdhd + 12:mdhd + 20])
        elst = boxes(data, *parts["edts"][0])["elst"][0][0]
        count = struct.unpack(">I", data[elst + 4:elst + 8])[0]
        edits = [struct.unpack(">Ii", data[elst + 8 + 12 * i:elst + 16 + 12 * i])
                 for i in range(count)]
        return movie_scale, movie_duration, edits, media_scale, media_duration
    raise AssertionError(f"{path}: no sound track")


def check_edit(path, seconds):
    """The encoder's 1600 samples of priming skipped, the sound played for `seconds` (the
    video's length), all of it in the file."""
    movie_scale, movie_duration, edits, media_scale, media_duration = sound_edit(path)
    expect(media_scale == RATE and len(edits) == 1, f"{path}: {media_scale}, {edits}")
    duration, media_time = edits[0]
    expect(media_time == 1600 and duration == round(seconds * movie_scale)
           and movie_duration == duration, f"{path}: edit {edits[0]} of {movie_scale}/s")
    expect(media_duration >= 1600 + seconds * RATE,
           f"{path}: {media_duration} samples coded, {seconds} s of sound after the priming")


def flashes(frames):
    return [k for k, f in enumerate(frames) if f[(H // 2 * W + W // 2) * 3] > 128]


def test_mp4_and_m4a():
    flash_and_click_clip()
    doc = cuts_doc("flash.mkv", "video/x-matroska")
    out = render_cuts(doc, "cuts.mp4")
    frames = decode_frames(out, W, H)
    expect(len(frames) == CUTS * CUT_FRAMES, f"{len(frames)} frames")
    flash = flashes(frames)
    expect(flash == [k * CUT_FRAMES for k in range(CUTS)], f"flashes at frames {flash}")
    check_sound(decode_audio(out), "mp4", [k * 1000 / 30 for k in flash])
    check_edit(out, CUTS * CUT_FRAMES / 30)
    m4a = render_cuts(doc, "cuts.m4a")
    check_sound(decode_audio(m4a, ("decodebin",)), "m4a")
    check_edit(m4a, CUTS * CUT_FRAMES / 30)
    # our own MP4 as the source: its sound is in time with its picture too
    again = cuts_doc("cuts.mp4", "video/mp4", cuts=2)
    out = render_cuts(again, "again.mp4")
    frames = decode_frames(out, W, H)
    audio = decode_audio(out)
    for k in flashes(frames):
        got = click_ms(audio, k // CUT_FRAMES)
        expect(abs(got - k * 1000 / 30) <= TOLERANCE_MS,
               f"from our MP4: the click at {got:.1f} ms, the flash at frame {k}")


def test_webm():
    flash_and_click_clip()
    doc = cuts_doc("flash.mkv", "video/x-matroska")
    check_sound(decode_audio(render_cuts(doc, "cuts.webm"), ("matroskademux", "!", "opusdec")),
                "webm")


if __name__ == "__main__":
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            check(name, fn)
    finish()
