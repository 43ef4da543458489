#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# textoverlay-kf alone over a test pattern: a tilted, coloured title on one line, on a
# half-transparent rounded box.
#   SINK=fakesink NUM_BUFFERS=30 sh pipelines/textoverlay-kf.sh
exec gst-launch-1.0 -q videotestsrc num-buffers="${NUM_BUFFERS:-300}" ! \
    video/x-raw,width=640,height=360 ! videoconvert ! \
    textoverlay-kf text="Hello from textoverlay-kf" font-size=36 font-weight=700 \
        x=40 y=120 box-width=560 box-height=120 alignment=center color=0xffffcc00 \
        stroke-width=2 background-color=0x80000000 background-padding=12 \
        background-radius=10 rotation=-4 ! \
    videoconvert ! ${SINK:-autovideosink}
