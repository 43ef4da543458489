#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Live output: `jsontimeline stream` to a real RTMP server (nginx with the RTMP module, run
# here on a free port) and probed from its recording: codecs, frames, real-time pacing,
# reconnection after the server dies, gapless loops; `jsontimeline preview` headless. The
# streams run beside two busy loops: every timestamp must be on the frame grid anyway.
import json
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(__file__))
from test_render import decode_frames, document, near, pixel, solid, text_item  # noqa: E402
from clitest import CLI, check, expect, finish, run  # noqa: E402

TMP = tempfile.mkdtemp(prefix="jtl-live-")
W, H = 320, 240
RTMP_MODULE = "/usr/lib/nginx/modules/ngx_rtmp_module.so"
# one colour per second of the timeline: a frame tells where in the timeline it is
COLOURS = [("#ff0000", (255, 0, 0)), ("#00ff00", (0, 255, 0)), ("#0000ff", (0, 0, 255)),
           ("#ffff00", (255, 255, 0)), ("#ff00ff", (255, 0, 255)), ("#00ffff", (0, 255, 255))]


def write_doc(name, seconds):
    doc = document([[solid(f"s{i}", COLOURS[i][0], i * 240000, 240000, 0, 0, W, H)
                     for i in range(seconds)]])
    path = os.path.join(TMP, name + ".json")
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


def wait_for(cond, timeout, what):
    """Polls cond (a file growing, a port opening) until true; fails after timeout."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = cond()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Nginx:
    """An RTMP server recording every stream published to live/KEY as DIR/KEY.flv."""

    def __init__(self, port, record_dir):
        self.dir = tempfile.mkdtemp(dir=TMP)
        os.makedirs(record_dir, exist_ok=True)
        conf = os.path.join(self.dir, "nginx.conf")
        with open(conf, "w") as f:
            f.write(f"""daemon off;
master_process off;
error_log {self.dir}/error.log info;
pid {self.dir}/nginx.pid;
load_module {RTMP_MODULE};
events {{ worker_connections 64; }}
rtmp {{ server {{ listen 127.0.0.1:{port}; application live {{
    live on; record all; record_path {record_dir}; record_unique off; }} }} }}
""")
        self.proc = subprocess.Popen(["nginx", "-p", self.dir, "-e", f"{self.dir}/error.log",
                                      "-c", conf], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        self.port = port

        def accepting():
            expect(self.proc.poll() is None, f"nginx exited: {self.log()}")
            with socket.socket() as s:
                return s.connect_ex(("127.0.0.1", port)) == 0
        wait_for(accepting, 20, "nginx to listen")

    def log(self):
        try:
            with open(os.path.join(self.dir, "error.log")) as f:
                return f.read()[-2000:]
        except OSError:
            return ""

    def kill(self):
        self.proc.kill()
        self.proc.wait()


def flv_tags(path):
    """The tags of an FLV file as (type, timestamp ms, body); 8 audio, 9 video."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return []
    if len(data) < 13 or data[:3] != b"FLV":
        return []
    off, tags = int.from_bytes(data[5:9], "big") + 4, []
    while off + 11 <= len(data):
        size = int.from_bytes(data[off + 1:off + 4], "big")
        ts = int.from_bytes(data[off + 4:off + 7], "big") | data[off + 7] << 24
        if off + 11 + size + 4 > len(data):
            break
        tags.append((data[off] & 0x1F, ts, data[off + 11:off + 11 + size]))
        off += 11 + size + 4
    return tags


def video_times(path):
    """Timestamps (ms) of the coded pictures (AVC NALU packets, not the header)."""
    return [ts for t, ts, body in flv_tags(path) if t == 9 and len(body) > 1 and body[1] == 1]


class Hogs:
    """Two busy loops (one per core of a small machine) for the duration of a `with`
    block, each ending by itself after 120 s at the latest."""

    def __enter__(self):
        loop = "import time\nend = time.monotonic() + 120\nwhile time.monotonic() < end: pass"
        self.procs = [subprocess.Popen([sys.executable, "-c", loop]) for _ in range(2)]
        return self

    def __exit__(self, *exc):
        for p in self.procs:
            p.kill()
            p.wait()


def grid_index(ts, fps=30):
    """The frame whose time ts (ms, as FLV has it: rounded down) is; fails when ts is not
    within 1 ms of a frame time."""
    n = round(ts * fps / 1000)
    expect(abs(ts - n * 1000 / fps) < 1, f"a frame at {ts} ms, off the {fps} fps grid")
    return n


def dropped(err):
    """The frames the stream dropped for being late, from its last line."""
    return int(err.split(" frames (")[1].split(" dropped")[0])


def on_grid(times, err, total=None):
    """Every picture on the frame grid, in order from frame 0 (a keyframe's, never
    dropped), none missing but those the stream says it dropped (with total: all of the
    timeline's frames sent or dropped); returns their frame indexes."""
    index = [grid_index(ts) for ts in times]
    expect(index and index[0] == 0, f"the first frame at {times[:1]} ms")
    expect(all(b > a for a, b in zip(index, index[1:])), f"frames out of order: {index}")
    missing = index[-1] + 1 - len(index)
    expect(missing <= dropped(err) and (total is None or len(index) + dropped(err) == total),
           f"frames 0..{index[-1]}: {len(index)} sent, {dropped(err)} dropped: {err}")
    return index


def decode_flv(path, keep=0):
    return decode_frames(path, None, None, keep, demux="flvdemux")


def colour_index(frame):
    p = pixel(frame, W // 2, H // 2)
    for i, (_, rgb) in enumerate(COLOURS):
        if near(p, rgb):
            return i
    raise AssertionError(f"unexpected colour {p}")


class Streamer:
    """`jsontimeline stream` in the background; its stderr lines are collected as they
    come, so that a test can wait for one."""

    def __init__(self, *args, stdin=False):
        self.lines, self.cond = [], threading.Condition()
        self.start = time.monotonic()
        self.connected = None  # when the first "connecting" line came
        self.proc = subprocess.Popen([CLI, "stream", *args], stdout=subprocess.DEVNULL,
                                     stderr=subprocess.PIPE, text=True,
                                     stdin=subprocess.PIPE if stdin else subprocess.DEVNULL)
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.proc.stderr:
            with self.cond:
                if self.connected is None and "connecting to" in line:
                    self.connected = time.monotonic()
                self.lines.append(line.rstrip("\n"))
                self.cond.notify_all()

    def wait_line(self, text, timeout):
        with self.cond:
            ok = self.cond.wait_for(lambda: any(text in l for l in self.lines), timeout)
        expect(ok, f"no line with {text!r} in {self.lines}")
        return next(l for l in self.lines if text in l)

    def finish(self, timeout=60):
        """(exit code, seconds from the first connection to the exit, stderr)."""
        code = self.proc.wait(timeout=timeout)
        end = time.monotonic()
        self.reader.join(timeout=10)
        return code, end - (self.connected or self.start), "\n".join(self.lines)


def test_stream_recording():
    port, rec = free_port(), os.path.join(TMP, "rec1")
    server = Nginx(port, rec)
    try:
        with Hogs():
            s = Streamer(write_doc("six", 6), "-o", f"rtmp://127.0.0.1:{port}/live/promo")
            code, wall, err = s.finish()
    finally:
        server.kill()
    expect(code == 0, err)
    # real time: the 6 s timeline took at least 6 s from its connection (and not much more:
    # the process's own start, a registry scan under ASan, is not counted)
    expect(6.0 <= wall < 15, f"wall time {wall:.2f} s for a 6 s timeline")
    flv = os.path.join(rec, "promo.flv")
    probe = subprocess.run(["gst-discoverer-1.0", flv], capture_output=True, text=True,
                           timeout=60).stdout
    expect("H.264" in probe and "AAC" in probe, probe)
    times = video_times(flv)
    # the timeline's timestamps, whatever the load: frame k at k / 30 s, from 0 to the last
    # one (5.967 s); a frame may be dropped only if the stream counts it
    index = on_grid(times, err, 180)
    audio = [ts for t, ts, body in flv_tags(flv) if t == 8 and len(body) > 1 and body[1] == 1]
    expect(audio and abs(audio[-1] - 6000) <= 60,
           f"audio ends at {audio[-1] if audio else None} ms")
    frames = decode_flv(flv)
    expect(len(frames) == len(times), f"{len(frames)} decoded of {len(times)}")
    for i in range(0, len(frames), 10):
        expect(colour_index(frames[i]) == index[i] // 30,
               f"frame {index[i]}: {pixel(frames[i], 160, 120)}")
    # keyframes every 2 s exactly (H.264 frame type 1 in the FLV video tag)
    keys = [ts for t, ts, body in flv_tags(flv) if t == 9 and len(body) > 1 and body[1] == 1
            and body[0] >> 4 == 1]
    expect(keys == [0, 2000, 4000], f"keyframes at {keys} ms, want every 2 s")


def test_stall_drops_late_frames_on_the_grid():
    """The streamer stopped (SIGSTOP) for 1.5 s a second into a 6 s timeline: the frames
    that reach the encoder more than 0.5 s late are dropped and counted, the others keep
    their timestamps, the keyframe at 2 s is not dropped."""
    port, rec = free_port(), os.path.join(TMP, "rec-stall")
    flv = os.path.join(rec, "stall.flv")
    server = Nginx(port, rec)
    try:
        s = Streamer(write_doc("six-stall", 6), "-o", f"rtmp://127.0.0.1:{port}/live/stall")
        wait_for(lambda: (video_times(flv) or [0])[-1] >= 1000, 30, "1 s recorded")
        s.proc.send_signal(signal.SIGSTOP)
        time.sleep(1.5)
        s.proc.send_signal(signal.SIGCONT)
        code, wall, err = s.finish()
    finally:
        server.kill()
    expect(code == 0, err)
    times = video_times(flv)
    index = on_grid(times, err, 180)
    expect(dropped(err) >= 15, f"{dropped(err)} frames dropped after a 1.5 s stall: {err}")
    keys = [ts for t, ts, body in flv_tags(flv) if t == 9 and len(body) > 1 and body[1] == 1
            and body[0] >> 4 == 1]
    expect(keys == [0, 2000, 4000], f"keyframes at {keys} ms, want every 2 s")
    frames = decode_flv(flv)
    expect(len(frames) == len(times), f"{len(frames)} decoded of {len(times)}")
    for i in range(0, len(frames), 5):
        expect(colour_index(frames[i]) == index[i] // 30,
               f"frame {index[i]}: {pixel(frames[i], 160, 120)}")


def test_sound_in_time_with_the_picture():
    """The flash-and-click cuts of test_sync.py streamed: each click comes with its flash
    (the AAC encoder's priming taken off the sound's timestamps). The first cut is not
    checked: the stream's first 21 ms of sound decode without the frame before them (the
    priming frame, which FLV cannot place before 0), and the click's onset comes out a few
    ms late there."""
    import test_sync as sync
    sync.flash_and_click_clip()
    path = os.path.join(sync.TMP, "cuts-live.json")
    with open(path, "w") as f:
        json.dump(sync.cuts_doc("flash.mkv", "video/x-matroska"), f)
    port, rec = free_port(), os.path.join(TMP, "rec-sync")
    server = Nginx(port, rec)
    try:
        code, wall, err = Streamer(path, "-o", f"rtmp://127.0.0.1:{port}/live/sync").finish()
    finally:
        server.kill()
    expect(code == 0, err)
    flv = os.path.join(rec, "sync.flv")
    flash = sync.flashes(decode_frames(flv, sync.W, sync.H, demux="flvdemux"))
    cuts = [k * sync.CUT_FRAMES for k in range(sync.CUTS)]
    expect(flash == cuts, f"flashes at frames {flash}, want {cuts}")
    audio = sync.decode_audio(flv, ("flvdemux", "!", "aacparse", "!", "avdec_aac"))
    for cut in (1, sync.CUTS - 1):
        got, want = sync.click_ms(audio, cut), flash[cut] * 1000 / 30
        expect(abs(got - want) <= sync.TOLERANCE_MS,
               f"the click of cut {cut} at {got:.1f} ms, its flash at {want:.1f} ms")


def test_live_patch_on_air():
    """A 6 s text "OLD" in red; 1 s or so in, a merge patch on standard input makes it a
    green "NEW". Every frame before the one the stream names is red, every one from it
    green, and no frame is missing."""
    item = text_item("t", "OLD", 0, 6 * 240000, 0, 60, W, 120, color="#ff0000", size=90)
    path = os.path.join(TMP, "patch.json")
    with open(path, "w") as f:
        json.dump(document([[item]], background="#000000"), f)
    port, rec = free_port(), os.path.join(TMP, "rec-patch")
    server = Nginx(port, rec)
    try:
        with Hogs():
            s = Streamer(path, "-o", f"rtmp://127.0.0.1:{port}/live/patch", "--patches", "-",
                         stdin=True)
            # once a second of the stream has been recorded (not by the wall clock: the
            # start is slower beside the busy loops)
            wait_for(lambda: (video_times(os.path.join(rec, "patch.flv")) or [0])[-1] >= 1000,
                     30, "1 s recorded")
            s.proc.stdin.write('{"items": {"t": {"text": "NEW", "color": "#00ff00"}}}\n')
            s.proc.stdin.flush()
            line = s.wait_line("update playing from frame", 30)
            k = int(line.split("from frame ")[1].split()[0])
            s.proc.stdin.close()
            code, wall, err = s.finish()
    finally:
        server.kill()
    expect(code == 0 and "update accepted" in err, err)
    expect(30 <= k <= 120, f"applied at frame {k}")
    flv = os.path.join(rec, "patch.flv")
    times = video_times(flv)
    # a patch applied does not move the stream off its timestamps
    index = on_grid(times, err, 180)
    frames = decode_flv(flv)
    expect(len(frames) == len(times), f"{len(frames)} decoded frames of {len(times)}")

    def counts(frame):
        red = green = 0
        for y in range(60, 180, 2):
            for x in range(0, W, 2):
                r, g, b = pixel(frame, x, y)
                red += r > 150 and g < 90 and b < 90
                green += g > 150 and r < 90 and b < 90
        return red, green
    at = {n: i for i, n in enumerate(index)}
    for n in list(range(0, 180, 10)) + [k - 1, k]:
        if n not in at:
            continue  # dropped (counted above)
        i = at[n]
        red, green = counts(frames[i])
        if n < k:
            expect(red > 100 and green == 0, f"frame {n} (before {k}): {red} red, {green} green")
        else:
            expect(green > 100 and red == 0, f"frame {n} (from {k}): {red} red, {green} green")


def test_reconnect_resumes_at_position():
    port = free_port()
    rec1, rec2 = os.path.join(TMP, "drop1"), os.path.join(TMP, "drop2")
    server = Nginx(port, rec1)
    try:
        with Hogs():
            s = Streamer(write_doc("six-drop", 6), "-o", f"rtmp://127.0.0.1:{port}/live/key")
            # the server dies once it has recorded 2 s
            wait_for(lambda: (video_times(os.path.join(rec1, "key.flv")) or [0])[-1] >= 2000,
                     30, "2 s in the first recording")
            server.kill()
            lost = s.wait_line("connection lost at", 20)
            server = Nginx(port, rec2)
            code, wall, err = s.finish()
    finally:
        server.kill()
    expect(code == 0, err)
    at = float(lost.split("connection lost at ")[1].split(" s")[0])
    expect(2.0 <= at < 5.0, f"lost at {at} s: {lost}")
    expect("reconnecting in 1.00 s" in lost, lost)
    resumed = [l for l in err.splitlines() if "connecting to" in l][1:]
    expect(resumed and f"timeline from {at:.2f} s" in resumed[-1], err)
    # the second recording starts where the first connection stopped, not at 0
    frames = decode_flv(os.path.join(rec2, "key.flv"))
    want = round((6 - at) * 30)
    expect(abs(len(frames) - want) <= 2, f"{len(frames)} frames after {at} s, want {want}")
    first = colour_index(frames[0])
    expect(first in (int(at), int(at + 1 / 30 + 1e-6)), f"first colour {first} after {at} s")
    expect(colour_index(frames[-1]) == 5, "the timeline was sent to its end")


def test_loop_gapless_until_stopped():
    port, rec = free_port(), os.path.join(TMP, "loop")
    server = Nginx(port, rec)
    flv = os.path.join(rec, "key.flv")
    try:
        with Hogs():
            s = Streamer(write_doc("two", 2), "-o", f"rtmp://127.0.0.1:{port}/live/key",
                         "--loop")
            wait_for(lambda: (video_times(flv) or [0])[-1] >= 5000, 30,
                     "5 s of a looped 2 s timeline")
            s.proc.send_signal(signal.SIGTERM)
            code, wall, err = s.finish(timeout=20)
    finally:
        server.kill()
    expect(code == 0, err)
    expect("loop 1" in err and "loop 2" in err and "stopping at" in err, err)
    times = video_times(flv)
    expect(len(times) >= 150, f"{len(times)} frames")
    # no restart at a loop and no frame time lost or added at the loop points: picture k at
    # k / 30 s throughout, in order (a frame lost per loop would put the third pass 67 ms
    # off), none missing but those counted as dropped
    index = on_grid(times, err)
    frames = decode_flv(flv)
    expect(len(frames) == len(times), f"{len(frames)} decoded of {len(times)}")
    # 0-1 s red, 1-2 s green, then red again from 2 s: the loop
    for i in range(0, len(frames), 15):
        want = index[i] // 30 % 2
        expect(colour_index(frames[i]) == want,
               f"frame {index[i]}: {pixel(frames[i], 160, 120)}, want colour {want}")
    keys = [ts for t, ts, body in flv_tags(flv) if t == 9 and len(body) > 1 and body[1] == 1
            and body[0] >> 4 == 1]
    expect(keys == [2000 * k for k in range(len(keys))] and len(keys) >= 3,
           f"keyframes at {keys} ms, want every 2 s")


def test_stream_unreachable():
    port = free_port()  # nobody listens there
    code, _, err = run("render", write_doc("one", 1), "-o", f"rtmp://127.0.0.1:{port}/live/k",
                       "--max-reconnects", "0", timeout=60)
    expect(code == 1 and f"127.0.0.1:{port}" in err and "gave up" in err, err)
    code, _, err = run("stream", write_doc("one", 1), "-o", "/tmp/x.flv")
    expect(code == 2 and "rtmp://" in err, err)


def test_preview_headless_real_time():
    path = write_doc("three", 3)
    t0 = time.monotonic()
    code, _, err = run("preview", path, "--video-sink", "fakesink", "--audio-sink", "fakesink",
                       timeout=60)
    wall = time.monotonic() - t0
    expect(code == 0, err)
    expect(3.0 <= wall < 8.0, f"a 3 s timeline played in {wall:.2f} s")
    # the sinks may come from the environment too
    t0 = time.monotonic()
    code, _, err = run("preview", path, "--start", "2",
                       env={"JTL_PREVIEW_VIDEO_SINK": "fakesink",
                            "JTL_PREVIEW_AUDIO_SINK": "fakesink"}, timeout=60)
    wall = time.monotonic() - t0
    expect(code == 0 and 1.0 <= wall < 6.0, f"{code}, {wall:.2f} s: {err}")
    code, _, err = run("preview", path, "--video-sink", "nosuchsink")
    expect(code == 1 and "nosuchsink" in err, err)


def preview_on_terminal(path, keys):
    """Runs preview on a pseudo-terminal, sends keys once it plays; returns (code, wall,
    output)."""
    master, slave = pty.openpty()
    t0 = time.monotonic()
    p = subprocess.Popen([CLI, "preview", path, "--video-sink", "fakesink", "--audio-sink",
                          "fakesink"], stdin=slave, stdout=slave, stderr=slave, close_fds=True)
    os.close(slave)
    out = b""

    def read_until(text, timeout):
        nonlocal out
        deadline = time.monotonic() + timeout
        while text not in out and time.monotonic() < deadline:
            r, _, _ = select.select([master], [], [], 0.5)
            if r:
                try:
                    out += os.read(master, 4096)
                except OSError:
                    break
        return text in out
    expect(read_until(b"q: quit", 20), out)
    os.write(master, keys)
    code = p.wait(timeout=60)
    wall = time.monotonic() - t0
    read_until(b"\0", 0.2)
    os.close(master)
    return code, wall, out.decode(errors="replace")


def test_preview_keys():
    path = write_doc("six-keys", 6)
    code, wall, out = preview_on_terminal(path, b"q")
    expect(code == 0 and wall < 4.0, f"q: exit {code} after {wall:.2f} s: {out}")
    # right arrow: 5 s forward, so the 6 s timeline ends after about 1 s of playing
    code, wall, out = preview_on_terminal(path, b"\x1b[C")
    expect(code == 0 and 0.9 <= wall < 4.5, f"seek: exit {code} after {wall:.2f} s: {out}")
    expect("playing" in out and "6.0 / 6.0 s" in out, out)


if __name__ == "__main__":
    if not os.path.exists(RTMP_MODULE):
        print(f"FAIL - setup: {RTMP_MODULE} is missing (run scripts/setup.sh)")
        sys.exit(1)
    for name, fn in list(globals().items()):
        if name.startswith("test_") and callable(fn):
            check(name, fn)
    finish()
