#!/usr/bin/env python3
# SPDX-License-Identifier: LGPL-2.1-or-later
# textoverlay-kf alone over videotestsrc, animated with keyframes (GstController): the
# title slides in from the left over the first second, turns, and fades out at the end.
#   python3 pipelines/textoverlay-keyframes.py
#   SINK="fakesink" NUM_BUFFERS=60 python3 pipelines/textoverlay-keyframes.py
import os
import sys

import gi

gi.require_version("Gst", "1.0")
gi.require_version("GstController", "1.0")
from gi.repository import Gst, GstController  # noqa: E402

Gst.init(None)
n = int(os.environ.get("NUM_BUFFERS", "90"))
sink = os.environ.get("SINK", "autovideosink")
pipeline = Gst.parse_launch(
    f"videotestsrc num-buffers={n} pattern=black ! video/x-raw,width=640,height=360,"
    f"framerate=30/1 ! videoconvert ! textoverlay-kf name=title text=\"Keyframed title\" "
    f"font-size=44 font-weight=700 box-width=560 box-height=90 y=135 color=0xffff2020 ! "
    f"videoconvert ! {sink}")
title = pipeline.get_by_name("title")


def animate(prop, points, mode=GstController.InterpolationMode.LINEAR):
    """Keyframes (seconds, value) on a property, interpolated linearly."""
    cs = GstController.InterpolationControlSource()
    cs.set_property("mode", mode)
    for t, v in points:
        cs.set(int(t * Gst.SECOND), v)
    title.add_control_binding(GstController.DirectControlBinding.new_absolute(title, prop, cs))


end = n / 30.0
animate("x", [(0, -560), (1, 40)])
animate("rotation", [(1, 0), (1.5, -6)])
animate("opacity", [(0, 1), (max(end - 0.5, 0), 1), (end, 0)])
pipeline.set_state(Gst.State.PLAYING)
msg = pipeline.get_bus().timed_pop_filtered(Gst.CLOCK_TIME_NONE,
                                            Gst.MessageType.EOS | Gst.MessageType.ERROR)
pipeline.set_state(Gst.State.NULL)
if msg.type == Gst.MessageType.ERROR:
    err, dbg = msg.parse_error()
    print(f"textoverlay-keyframes: {err.message} ({dbg})", file=sys.stderr)
    sys.exit(1)
