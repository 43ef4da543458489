#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Names and discovery (issue 16.10): default object names read like the factories, the
# children of jsontimelinesrc have names without '/', a jsontimeline:// URI makes a
# jsontimelinesrc, and the plugin describes only the dialects it reads.
import json
import os
import subprocess
import sys
import tempfile

import gi

gi.require_version("Gst", "1.0")
from gi.repository import Gst  # noqa: E402

Gst.init(None)
TMP = tempfile.mkdtemp(prefix="jtl-discovery-")
FACTORIES = ["jsontimelinesrc", "textoverlay-kf", "jtllayer", "transitionmixer", "jtladjust",
             "captionrender"]
failed = 0


def check(name, fn):
    global failed
    try:
        fn()
        print(f"ok - {name}")
    except Exception as e:  # noqa: BLE001 - report every failure, keep going
        failed += 1
        print(f"FAIL - {name}: {type(e).__name__}: {e}")


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def animated(v):
    return {"value": v, "keyframes": []}


def box(item_id, kind, start, dur, **extra):
    item = {"id": item_id, "type": kind, "startTicks": start, "durationTicks": dur,
            "isDraggingInTimeline": False, "keepAspectRatio": False, "top": animated(0),
            "left": animated(0), "width": animated(160), "height": animated(90),
            "scaleX": animated(1), "scaleY": animated(1), "opacity": animated(1),
            "rotation": animated(0)}
    item.update(extra)
    return item


def solid(item_id, color, start, dur):
    return box(item_id, "solid", start, dur, color=color, shape="rectangle",
               borderRadius=animated(0))


def document(items, assets=None):
    return {"compositionWidth": 160, "compositionHeight": 90, "timebaseTicksPerSecond": 240000,
            "tracks": [{"id": "t0", "items": [i["id"] for i in items], "hidden": False,
                        "muted": False}],
            "assets": assets or {}, "items": {i["id"]: i for i in items}, "transitions": {},
            "globalBackground": {"type": "color", "color": "#000000", "gradient": None}}


def write(name, doc):
    path = os.path.join(TMP, name)
    with open(path, "w") as f:
        json.dump(doc, f)
    return path


# red for 0.5 s, then blue for 0.5 s
RED_BLUE = write("red-blue.json", document([solid("r", "#ff0000", 0, 120000),
                                            solid("b", "#0000ff", 120000, 120000)]))


def test_default_names():
    for f in FACTORIES:
        names = [Gst.ElementFactory.make(f, None).get_name() for _ in range(2)]
        expect(names == [f + "0", f + "1"], (f, names))
        expect(Gst.ElementFactory.make(f, "mine").get_name() == "mine", f)
    p = subprocess.run(["gst-launch-1.0", "audiotestsrc", "num-buffers=1", "!", "textoverlay-kf",
                        "!", "fakesink"], capture_output=True, text=True, timeout=60)
    expect("could not link audiotestsrc0 to textoverlay-kf0" in p.stdout + p.stderr,
           p.stdout + p.stderr)


def children(bin_):
    out = []
    it = bin_.iterate_recurse()
    while True:
        res, e = it.next()
        if res != Gst.IteratorResult.OK:
            return out
        out.append(e)


def test_child_names_without_slash():
    """... and a text's warning still names the item's JSON pointer (now kept on the
    element, not read from its name)."""
    text = box("t", "text", 0, 120000, text="HI", color="#ffffff", fontFamily="No Such Font",
               fontSize=20, fontStyle={"variant": "normal", "weight": "400"},
               align="center", lineHeight=1.2, letterSpacing=0, direction="ltr",
               strokeWidth=0, strokeColor="#000000", resizeOnEdit=False)
    src = Gst.ElementFactory.make("jsontimelinesrc", None)
    pipe = Gst.parse_launch("fakesink name=v fakesink name=a")
    pipe.add(src)
    src.link_pads("video", pipe.get_by_name("v"), None)
    src.link_pads("audio", pipe.get_by_name("a"), None)
    src.set_property("json", json.dumps(document([text])))
    pipe.set_state(Gst.State.PAUSED)
    msg = pipe.get_bus().pop_filtered(Gst.MessageType.ERROR)
    expect(pipe.get_state(30 * Gst.SECOND)[0] == Gst.StateChangeReturn.SUCCESS,
           msg and msg.parse_error())
    names = [e.get_name() for e in children(src)]
    warnings = []
    while True:
        msg = pipe.get_bus().pop_filtered(Gst.MessageType.WARNING)
        if not msg:
            break
        warnings.append((msg.parse_warning()[0].message, msg.parse_warning()[1]))
    pipe.set_state(Gst.State.NULL)
    expect(names and not [n for n in names if "/" in n], names)
    expect("text-items-t" in names, names)
    expect(any(w.startswith('The text at /items/t: font family "No Such Font"') and
               d == "/items/t/fontFamily" for w, d in warnings), warnings)


def test_uri_handler():
    """jsontimeline:///path/doc.json makes a jsontimelinesrc reading /path/doc.json (what
    playbin3 and gst-play-1.0 ask for), and the element gives its document as such a URI."""
    uri = "jsontimeline://" + RED_BLUE
    src = Gst.Element.make_from_uri(Gst.URIType.SRC, uri, None)
    expect(src.get_factory().get_name() == "jsontimelinesrc", src)
    expect(src.get_property("location") == RED_BLUE and src.get_uri() == uri, src.get_uri())
    expect("jsontimeline" in src.get_factory().get_uri_protocols(), "protocols")
    spaced = os.path.join(TMP, "a b.json")
    expect(src.set_uri("jsontimeline://" + spaced.replace(" ", "%20")), "escaped")
    expect(src.get_property("location") == spaced, src.get_property("location"))
    src.set_property("location", "red-blue.json")  # relative: the URI is absolute
    expect(src.get_uri() == "jsontimeline://" + os.path.join(os.getcwd(), "red-blue.json"),
           src.get_uri())
    for bad in ("file://" + RED_BLUE, "jsontimeline:relative.json"):
        try:
            src.set_uri(bad)
            raise AssertionError(bad + " taken")
        except gi.repository.GLib.Error as e:
            expect(e.domain == "gst-uri-error-quark", e)
    pipe = Gst.parse_launch("jsontimelinesrc name=s s.video ! fakesink s.audio ! fakesink")
    s = pipe.get_by_name("s")
    s.set_uri(uri)
    pipe.set_state(Gst.State.PAUSED)
    expect(pipe.get_state(30 * Gst.SECOND)[0] == Gst.StateChangeReturn.SUCCESS, "no preroll")
    try:
        s.set_uri("jsontimeline:///other.json")
        raise AssertionError("changed while PAUSED")
    except gi.repository.GLib.Error as e:
        expect(e.code == int(Gst.URIError.BAD_STATE), e)
    pipe.set_state(Gst.State.NULL)


def test_description():
    plugin = Gst.Registry.get().find_plugin("jsontimeline")
    expect(plugin.get_description() == "Editor JSON (Indream editorState v1) to video",
           plugin.get_description())


for name, fn in list(globals().items()):
    if name.startswith("test_") and callable(fn):
        check(name, fn)
print("failed" if failed else "all passed")
sys.exit(1 if failed else 0)
