#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# Writes the hostile seed documents of the render fuzzer (hostile/*.json, each < 100 KB), local
# variants of the official examples that name http(s) assets (examples/), and, with --big DIR,
# the large variants of the attacks into DIR (not committed).
#
#   python3 tests/fuzz/corpus-render/generate.py            # rewrites hostile/
#   python3 tests/fuzz/corpus-render/generate.py --big /tmp/big
#
# The documents use a 96 x 54 composition, so a harness that renders them at their own size
# renders tiny frames and every item keeps its hostile size relative to the frame. Local
# files they name (bomb.png, outside.png) are made by the harness that renders them
# (tests/cli/test_hostile_inputs.py): bomb.png inside the asset root, outside.png next to it.
import argparse
import json
import os

SECOND = 240000
W, H = 96, 54
HERE = os.path.dirname(os.path.abspath(__file__))


def animated(v, keyframes=()):
    return {"value": v, "keyframes": [{"timeTicks": t, "value": x} for t, x in keyframes]}


def geometry(item_id, kind, start, dur, w, h, left=0, top=0, **extra):
    item = {"id": item_id, "type": kind, "startTicks": start, "durationTicks": dur,
            "isDraggingInTimeline": False, "top": animated(top), "left": animated(left),
            "width": animated(w), "height": animated(h), "scaleX": animated(1),
            "scaleY": animated(1), "opacity": animated(1), "rotation": animated(0)}
    item.update(extra)
    return item


def solid(item_id, start=0, dur=SECOND, w=W, h=H, **extra):
    return geometry(item_id, "solid", start, dur, w, h, color="#ff0000", shape="rectangle",
                    keepAspectRatio=False, borderRadius=animated(0), **extra)


def text(item_id, body, start=0, dur=SECOND, w=W, h=H, font_size=16, **extra):
    return geometry(item_id, "text", start, dur, w, h, text=body, color="#ffffff",
                    align="center", fontFamily="Sans", fontStyle={"variant": "normal",
                                                                   "weight": "400"},
                    fontSize=font_size, lineHeight=1.1, letterSpacing=0, resizeOnEdit=False,
                    direction="ltr", strokeWidth=0, strokeColor="#000000", background=None,
                    **extra)


def effect(item_id, start, dur, kind="blur"):
    return {"id": item_id, "type": "effect", "effectType": kind, "intensity": 1,
            "startTicks": start, "durationTicks": dur, "isDraggingInTimeline": False}


def document(tracks, assets=None, background=None, w=W, h=H):
    """tracks: lists of items, tracks[0] on top."""
    items, track_list = {}, []
    for i, track in enumerate(tracks):
        for item in track:
            items[item["id"]] = item
        track_list.append({"id": f"t{i}", "items": [it["id"] for it in track],
                           "hidden": False, "muted": False})
    return {"compositionWidth": w, "compositionHeight": h, "timebaseTicksPerSecond": SECOND,
            "tracks": track_list, "assets": assets or {}, "items": items, "transitions": {},
            "globalBackground": background or {"type": "color", "color": "#000000",
                                               "gradient": None}}


def image_asset(asset_id, filename, w=32, h=32):
    return {"id": asset_id, "type": "image", "filename": filename, "size": 100,
            "remoteUrl": None, "remoteKey": None, "mimeType": "image/png", "width": w,
            "height": h}


def image_item(item_id, asset_id):
    return geometry(item_id, "image", 0, SECOND, W, H, assetId=asset_id, keepAspectRatio=False,
                    borderRadius=animated(0))


def lottie_asset(asset_id, resource):
    return {"id": asset_id, "type": "lottie", "filename": "anim.json", "size": 100,
            "remoteUrl": None, "remoteKey": None, "mimeType": "application/json",
            "width": 64, "height": 64, "durationInSeconds": 1, "resourceType": "lottie",
            "resourceJson": resource}


def lottie_item(item_id, asset_id):
    return geometry(item_id, "lottie", 0, SECOND, W, H, assetId=asset_id, keepAspectRatio=True,
                    lottieStartFromInSeconds=0, playbackRate=1)


def lottie(layers, assets=()):
    return {"v": "5.5.2", "fr": 30, "ip": 0, "op": 30, "w": 64, "h": 64, "nm": "t",
            "assets": list(assets), "layers": layers}


def still(v):
    return {"a": 0, "k": v}


TRANSFORM = {"o": still(100), "r": still(0), "p": still([0, 0, 0]), "a": still([0, 0, 0]),
             "s": still([100, 100, 100])}


def lottie_escape(u, p):
    """An image layer whose picture is u + p next to the Lottie file: outside the root."""
    return lottie([{"ty": 2, "ind": 1, "nm": "img", "refId": "img0", "ip": 0, "op": 30, "st": 0,
                    "sr": 1, "ks": TRANSFORM}],
                  [{"id": "img0", "w": 8, "h": 8, "u": u, "p": p, "e": 0}])


def lottie_repeaters(copies):
    """Two nested repeaters of `copies` copies each: copies^2 rectangles per frame."""
    def repeater(n):
        return {"ty": "rp", "nm": "rep", "c": still(n), "o": still(0), "m": 1,
                "tr": {"ty": "tr", "p": still([0.001, 0]), "a": still([0, 0]),
                       "s": still([100, 100]), "r": still(0), "so": still(100),
                       "eo": still(100)}}
    shapes = [{"ty": "gr", "nm": "g", "it": [
        {"ty": "rc", "d": 1, "nm": "r", "s": still([4, 4]), "r": still(0), "p": still([8, 8])},
        {"ty": "fl", "nm": "f", "c": still([1, 0, 0, 1]), "o": still(100)},
        repeater(copies), repeater(copies),
        {"ty": "tr", "p": still([0, 0]), "a": still([0, 0]), "s": still([100, 100]),
         "r": still(0), "o": still(100)}]}]
    return lottie([{"ty": 4, "ind": 1, "nm": "shape", "ip": 0, "op": 30, "st": 0, "sr": 1,
                    "ks": TRANSFORM, "shapes": shapes}])


def many_effects(n):
    """n effect items of one frame's length each, back to back on one track, over a solid."""
    step = SECOND // 30
    return document([[effect(f"e{i}", i * step, step) for i in range(n)],
                     [solid("s", 0, n * step)]])


def many_keyframes(n):
    """A solid whose left moves through n keyframes within one second."""
    item = solid("s", 0, SECOND)
    item["left"] = animated(0, [(i * (SECOND - 1) // max(1, n - 1), i % W) for i in range(n)])
    return document([[item]])


def huge_text(chars):
    return document([[text("t", ("lorem ipsum " * (chars // 12 + 1))[:chars])]])


def hostile():
    """name -> document (or raw JSON text): the attacks of issue 14, small enough to commit."""
    docs = {}
    docs["solid-100000x100000"] = document([[solid("big", w=100000, h=100000)]])
    docs["text-24000x24000"] = document([[text("big", "Hello", w=24000, h=24000)]])
    big = solid("big")
    big["scaleX"] = animated(1e6)
    docs["scalex-1e6"] = document([[big]])
    big = solid("big")
    big["scaleX"] = animated(1, [(0, 1), (SECOND // 2, 1e6)])
    docs["scalex-keyframe-1e6"] = document([[big]])
    # the number is written as is: Python's json keeps the integer exact
    docs["duration-ticks-1e20"] = document([[solid("s", dur=123456789012345678901)]])
    docs["duration-ticks-1e30"] = json.dumps(document([[solid("s", dur=7)]])).replace(
        '"durationTicks": 7', '"durationTicks": 1e30')
    docs["font-size-1e20"] = document([[text("t", "Hello", font_size=1e20)]])
    docs["effects-500"] = many_effects(500)
    docs["keyframes-3000"] = many_keyframes(3000)
    docs["text-60k"] = huge_text(60000)
    outside = {"type": "image", "imageAssetId": None, "source": "custom"}
    docs["background-url-dotdot"] = document(
        [[solid("s", w=8, h=8)]], background=dict(outside, imageUrl="../outside.png"))
    docs["background-url-absolute"] = document(
        [[solid("s", w=8, h=8)]], background=dict(outside, imageUrl="/etc/passwd"))
    docs["background-url-file-uri"] = document(
        [[solid("s", w=8, h=8)]], background=dict(outside, imageUrl="file:///etc/passwd"))
    docs["asset-filename-dotdot"] = document([[image_item("i", "img")]],
                                             {"img": image_asset("img", "../outside.png")})
    docs["lottie-u-dotdot"] = document(
        [[lottie_item("l", "lot")]], {"lot": lottie_asset("lot", lottie_escape("../",
                                                                              "outside.png"))})
    docs["lottie-u-deep"] = document(
        [[lottie_item("l", "lot")]],
        {"lot": lottie_asset("lot", lottie_escape("../../../../../../../../etc/", "passwd"))})
    docs["lottie-u-absolute"] = document(
        [[lottie_item("l", "lot")]], {"lot": lottie_asset("lot", lottie_escape("/etc/",
                                                                              "passwd"))})
    docs["lottie-repeaters-1e6"] = document([[lottie_item("l", "lot")]],
                                            {"lot": lottie_asset("lot",
                                                                 lottie_repeaters(1000000))})
    docs["image-png-bomb"] = document([[image_item("i", "img")]],
                                      {"img": image_asset("img", "bomb.png", 30000, 30000)})
    docs["background-png-bomb"] = document(
        [[solid("s", w=8, h=8)]], background=dict(outside, imageUrl="bomb.png"))
    # scale 8 of a 1920 x 1080 composition: a 15360 x 8640 frame
    docs["request-scale-8"] = {"editorState": document([[solid("s", w=100, h=100)]], w=1920,
                                                       h=1080),
                               "fps": 30, "ratio": "16:9", "scale": 8, "format": "mp4"}
    return docs


def localised_examples():
    """The official examples that name http(s) assets (the fuzzer skips those: no network),
    with each asset's remoteUrl dropped and the background's imageUrl made a local name."""
    docs = {}
    examples = os.path.join(HERE, "..", "..", "data", "indream")
    for name in sorted(os.listdir(examples)):
        if not name.startswith("editor-state.valid"):
            continue
        with open(os.path.join(examples, name), encoding="utf-8") as f:
            doc = json.load(f)
        background = doc.get("globalBackground") or {}
        remote = [a for a in doc.get("assets", {}).values() if a.get("remoteUrl")]
        if not remote and "://" not in str(background.get("imageUrl")):
            continue
        for asset in remote:
            asset["remoteUrl"] = None
        if "://" in str(background.get("imageUrl")):
            background["imageUrl"] = os.path.basename(background["imageUrl"])
        docs[name[:-len(".json")] + ".local"] = doc
    return docs


def big():
    """The large variants (issue 14 point 9), written only with --big."""
    return {"effects-180000": many_effects(180000),
            "keyframes-1000000": many_keyframes(1000000),
            "text-50mb": huge_text(50 * 1000 * 1000)}


def write(directory, docs):
    os.makedirs(directory, exist_ok=True)
    for name, doc in docs.items():
        body = doc if isinstance(doc, str) else json.dumps(doc, separators=(",", ":"))
        with open(os.path.join(directory, name + ".json"), "w", encoding="utf-8") as f:
            f.write(body + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--big", metavar="DIR", help="also write the large variants into DIR")
    args = parser.parse_args()
    write(os.path.join(HERE, "hostile"), hostile())
    write(os.path.join(HERE, "examples"), localised_examples())
    if args.big:
        write(args.big, big())


if __name__ == "__main__":
    main()
