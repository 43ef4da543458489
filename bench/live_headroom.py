#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Benchmark: stream the 12 s 1080p30 promo (render_promo.py) live to a local nginx-rtmp in
# real time; report the CPU share it needs and the time until its first frame reaches the
# server, against a reference measured in the same run: an encode-only real-time pipeline
# (videotestsrc 1080p30 + audiotestsrc, the same x264/AAC/FLV settings, to fakesink).
#
#   python3 bench/live_headroom.py [--cli build/tools/jsontimeline] [--keep DIR]
#
# CPU share = the child's CPU time (user + system, from wait4) / its wall time: 1.0 is one
# core busy all the time. Needs nginx and libnginx-mod-rtmp (scripts/setup.sh).
import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import render_promo  # noqa: E402
from render_promo import FPS, H, SECONDS, W  # noqa: E402


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_nginx(d, port):
    rec = os.path.join(d, "rec")
    os.makedirs(rec, exist_ok=True)
    conf = os.path.join(d, "nginx.conf")
    with open(conf, "w") as f:
        f.write(f"""daemon off;
master_process off;
error_log {d}/error.log;
pid {d}/nginx.pid;
load_module /usr/lib/nginx/modules/ngx_rtmp_module.so;
events {{ worker_connections 64; }}
rtmp {{ server {{ listen 127.0.0.1:{port}; application live {{
    live on; record all; record_path {rec}; record_unique off; }} }} }}
""")
    proc = subprocess.Popen(["nginx", "-p", d, "-e", f"{d}/error.log", "-c", conf])
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return proc, rec
        time.sleep(0.02)
    proc.kill()
    raise SystemExit("nginx did not start (is libnginx-mod-rtmp installed?)")


def first_picture(path):
    """Whether the FLV file holds a coded picture (an AVC NALU video tag) yet."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError:
        return False
    if len(data) < 13:
        return False
    off = int.from_bytes(data[5:9], "big") + 4
    while off + 13 <= len(data):
        size = int.from_bytes(data[off + 1:off + 4], "big")
        if data[off] & 0x1F == 9 and data[off + 12] == 1:
            return True
        off += 11 + size + 4
    return False


def measure(cmd, flv=None):
    """Runs cmd; returns (wall s, CPU s, peak RSS MiB, time to the first picture in flv)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    first = None
    while flv and first is None and p.poll() is None:
        if first_picture(flv):
            first = time.monotonic() - t0
        else:
            time.sleep(0.005)
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{cmd[0]} failed ({status})")
    return wall, ru.ru_utime + ru.ru_stime, ru.ru_maxrss / 1024, first


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cli", default="build/tools/jsontimeline")
    ap.add_argument("--keep")
    args = ap.parse_args()
    d = args.keep or tempfile.mkdtemp(prefix="jtl-bench-live-")
    os.makedirs(d, exist_ok=True)
    render_promo.make_media(d)
    doc = os.path.join(d, "promo.json")
    with open(doc, "w") as f:
        json.dump(render_promo.promo(), f)
    port = free_port()
    nginx, rec = start_nginx(d, port)
    try:
        wall, cpu, rss, first = measure(
            [args.cli, "stream", "-q", doc, "-o", f"rtmp://127.0.0.1:{port}/live/promo"],
            os.path.join(rec, "promo.flv"))
        x264 = ["x264enc", "tune=zerolatency", "speed-preset=veryfast", "pass=cbr",
                "bitrate=4000", "bframes=0", f"key-int-max={2 * FPS}", "option-string=scenecut=0"]
        ref_wall, ref_cpu, ref_rss, ref_first = measure(
            ["gst-launch-1.0", "-q", "videotestsrc", "pattern=smpte", "horizontal-speed=4",
             f"num-buffers={SECONDS * FPS}", "!",
             f"video/x-raw,width={W},height={H},framerate={FPS}/1,format=I420", "!",
             "clocksync", "!", *x264, "!", "h264parse", "!", "flvmux", "name=m",
             "streamable=true", "!", "rtmp2sink", f"location=rtmp://127.0.0.1:{port}/live/ref",
             "audiotestsrc", f"num-buffers={SECONDS * 48000 // 1024}", "!",
             "audio/x-raw,rate=48000,channels=2", "!", "clocksync", "!", "avenc_aac", "!",
             "aacparse", "!", "m."], os.path.join(rec, "ref.flv"))
    finally:
        nginx.kill()
        nginx.wait()
    cores = os.cpu_count()
    print(f"promo               {SECONDS} s, {W}x{H}, {FPS} fps, {cores} CPU cores")
    print(f"stream wall         {wall:.2f} s (real time: >= {SECONDS} s; late by "
          f"{max(0.0, wall - SECONDS):.2f} s)")
    print(f"stream CPU share    {cpu / wall:.2f} cores ({cpu:.2f} s CPU), peak RSS {rss:.0f} MiB")
    print(f"first frame         {first:.2f} s after start at the server" if first else
          "first frame         never seen at the server")
    print(f"reference           encode-only videotestsrc {W}x{H}: wall {ref_wall:.2f} s, CPU "
          f"share {ref_cpu / ref_wall:.2f} cores, first frame {ref_first or 0:.2f} s")
    print(f"CPU share ratio     {cpu / wall / (ref_cpu / ref_wall):.2f} x the encode-only "
          f"reference; headroom {cores - cpu / wall:.2f} of {cores} cores")
    if not args.keep:
        shutil.rmtree(d)


if __name__ == "__main__":
    sys.exit(main())
