#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Every hostile seed of the render fuzzer (tests/fuzz/corpus-render/hostile, findings) through
# `jsontimeline render`: no signal, no hang, bounded memory, exit 0, 1 or 2, and a refusal
# names a JSON pointer or an option and nothing of the server.
import os
import re
import resource
import shutil
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.dirname(__file__))
from clitest import CLI, check, expect, finish  # noqa: E402

CORPUS = os.path.join(os.path.dirname(__file__), "..", "fuzz", "corpus-render")
TMP = tempfile.mkdtemp(prefix="jtl-hostile-")
ROOT = os.path.join(TMP, "root")  # the asset root, the documents' directory and the cwd
# the sanitized build (meson sets it): no address-space limit (the shadow memory), the
# resident memory is watched instead
SANITIZED = os.environ.get("JTL_SANITIZED", "0") == "1"
ADDRESS_LIMIT = 2 << 30  # RLIMIT_AS of a render in the normal build
RSS_LIMIT = 3 << 30  # resident memory a render may reach (both builds)
HANG = 30  # seconds: only catches a hang

# What each document must do. "render": exit 0. "refuse": exit 1 naming the pointer (one of
# them, when a tuple) and the code when given. "either": rendered, or refused like "refuse". Documents not listed must
# render or be refused cleanly ("either" without a pointer).
EXPECT = {
    # issue 14 point 1: item sizes past what a frame can hold
    "solid-100000x100000": ("render", None, None),
    "text-24000x24000": ("refuse", "/items/big", None),
    "scalex-1e6": ("render", None, None),
    "scalex-keyframe-1e6": ("render", None, None),
    # point 8: numbers beyond 2^53 are refused; 1e30 ticks too
    "duration-ticks-1e20": ("refuse", "/items/s/durationTicks", "EDITOR_NUMBER_OUT_OF_RANGE"),
    "duration-ticks-1e30": ("refuse", "/items/s/durationTicks", "EDITOR_NUMBER_OUT_OF_RANGE"),
    "font-size-1e20": ("refuse", "/items/t/fontSize", "EDITOR_NUMBER_OUT_OF_RANGE"),
    # point 9: budgets; the small versions stay within them, the others are refused
    "effects-500": ("render", None, None),
    "keyframes-3000": ("render", None, None),
    "text-60k": ("refuse", "/items/t/text", "EDITOR_TEXT_TOO_LONG"),
    "lottie-repeaters-1e6": ("refuse", "/assets/lot", "EDITOR_LOTTIE_TOO_COMPLEX"),
    # points 3 and 4: nothing outside the asset root
    "background-url-dotdot": ("refuse", "/globalBackground/imageUrl", None),
    "background-url-absolute": ("refuse", "/globalBackground/imageUrl", None),
    "background-url-file-uri": ("refuse", "/globalBackground/imageUrl", None),
    "asset-filename-dotdot": ("refuse", ("/items/i", "/assets/img"), None),
    "lottie-u-dotdot": ("refuse", ("/assets/lot", "/items/l"), None),
    "lottie-u-deep": ("refuse", ("/assets/lot", "/items/l"), None),
    "lottie-u-absolute": ("refuse", ("/assets/lot", "/items/l"), None),
    # point 2: a 30000 x 30000 PNG of 875 KB, decoded within a pixel budget or refused
    "image-png-bomb": ("refuse", ("/items/i", "/assets/img"), None),
    "background-png-bomb": ("refuse", "/globalBackground/imageUrl", None),
    # point 12: scale 8 of 1920 x 1080 needs more than the --memory-limit of 2048 MiB given
    "request-scale-8": ("refuse", "/scale", None),
    # findings of the render fuzzer (tests/fuzz/corpus-render/findings): point 1 again, a
    # 2^31 - 1 tall solid asks for 64 GiB
    "solid-height-2147483647": ("render", None, None),
}

# A refusal names a JSON pointer or an option; it shows nothing of the server: no path of
# the machine (the temporary directory, the build tree) and no source location.
POINTER = re.compile(r"(^|[\s\"'(])/[A-Za-z]")
OPTION = re.compile(r"(^|\s)--[a-z]")
SOURCE_LOCATION = re.compile(r"\w\.(c|cc|cpp|h)(\(\d+\)|:\d+)")
SANITIZER_REPORT = re.compile(r"ERROR: (Address|Leak)Sanitizer|DEADLYSIGNAL|runtime error:")


def png(width, height, rows):
    """A grey 8-bit PNG; rows(compressor) returns the compressed rows."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", rows())
            + chunk(b"IEND", b""))


def bomb_rows():
    """30000 rows of 30000 zero pixels: 900 MB deflated to 875 KB."""
    c = zlib.compressobj(6)
    block = b"\0" * 30001 * 300
    return b"".join(c.compress(block) for _ in range(100)) + c.flush()


def setup():
    os.makedirs(ROOT)
    for sub in ("hostile", "findings"):
        d = os.path.join(CORPUS, sub)
        for name in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if name.endswith(".json"):
                shutil.copy(os.path.join(d, name), ROOT)
    with open(os.path.join(ROOT, "bomb.png"), "wb") as f:
        f.write(png(30000, 30000, bomb_rows))
    # the file outside the root that documents try to reach
    with open(os.path.join(TMP, "outside.png"), "wb") as f:
        f.write(png(8, 8, lambda: zlib.compress(b"\0\x80\x80\x80\x80\x80\x80\x80\x80" * 8)))


def limit_memory():
    if not SANITIZED:
        resource.setrlimit(resource.RLIMIT_AS, (ADDRESS_LIMIT, ADDRESS_LIMIT))


def rss(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def render(name):
    """Renders ROOT/name.json (its first 0.1 s) inside the root; returns (exit code, stderr,
    peak resident bytes). A hang or too much memory kills it and fails."""
    args = [os.path.abspath(CLI), "render", "-q", name + ".json", "-o", os.path.join("..", "out", name + ".mp4"),
            "--end", "0.1", "--asset-root", ".", "--cache-dir", os.path.join("..", "cache"),
            "--refuse-private", "--fetch-timeout", "5", "--memory-limit", "2048"]
    env = dict(os.environ, MALLOC_ARENA_MAX="2")
    if SANITIZED:  # a sanitizer's report is a crash, not an exit status of 1
        env["ASAN_OPTIONS"] = env.get("ASAN_OPTIONS", "") + ":abort_on_error=1"
    with open(os.path.join(TMP, name + ".err"), "w+b") as err:
        p = subprocess.Popen(args, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=err,
                             preexec_fn=limit_memory, env=env)
        deadline, peak = time.monotonic() + HANG, 0
        while p.poll() is None:
            peak = max(peak, rss(p.pid))
            if peak > RSS_LIMIT or time.monotonic() > deadline:
                p.kill()
                p.wait()
                what = f"{peak >> 20} MiB resident" if peak > RSS_LIMIT else f"no end in {HANG} s"
                raise AssertionError(f"{name}: killed, {what}")
            time.sleep(0.02)
        err.seek(0)
        return p.returncode, err.read().decode("utf-8", "replace"), peak


def check_document(name):
    outcome, pointer, code = EXPECT.get(name, ("either", None, None))
    rc, err, peak = render(name)
    tail = err[-1500:]
    expect(rc >= 0 and not SANITIZER_REPORT.search(err), f"crashed (exit {rc}): {tail}")
    expect(rc in (0, 1, 2), f"exit {rc}: {tail}")
    if outcome == "render":
        expect(rc == 0, f"exit {rc}, want a render: {tail}")
    if outcome == "refuse":
        expect(rc == 1, f"exit {rc}, want a refusal (1): {tail}")
    if rc == 0:
        expect(os.path.getsize(os.path.join(TMP, "out", name + ".mp4")) > 0, "empty output")
        return
    expect(POINTER.search(err) or OPTION.search(err), f"no JSON pointer or option: {tail}")
    pointers = (pointer,) if isinstance(pointer, str) else pointer or ()
    expect(not pointers or any(p in err for p in pointers), f"does not name {pointers}: {tail}")
    if code:
        expect(code in err, f"no {code}: {tail}")
    for server in (TMP, os.path.dirname(os.path.abspath(CLI))):
        expect(server not in err, f"shows the server path {server}: {tail}")
    expect(not SOURCE_LOCATION.search(err), f"shows a source location: {tail}")


setup()
os.makedirs(os.path.join(TMP, "out"))
names = sorted(n[:-5] for n in os.listdir(ROOT) if n.endswith(".json"))
only = sys.argv[1:]  # document names to run, for a look at a few by hand
check("every listed document is in the corpus",
      lambda: expect(not set(EXPECT) - set(names), sorted(set(EXPECT) - set(names))))
for n in names:
    if not only or n in only:
        check(n, lambda n=n: check_document(n))
shutil.rmtree(TMP, ignore_errors=True)
finish()
