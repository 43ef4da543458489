#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# A broadcaster's mix: a live camera-like source (videotestsrc is-live=true) with an editor
# JSON document's graphics composited over it as a lower third, and the document's sound
# mixed with the live sound. The live source sets the pace; the document follows its clock.
# The document's video is asked for in AYUV: with alpha, its `none` background stays
# transparent over the camera (a format without alpha would get it flattened over black).
#   sh pipelines/broadcast-mix.sh [DOCUMENT]   (default: examples/lower-third.json)
#   SINK=fakesink ASINK=fakesink NUM_BUFFERS=60 sh pipelines/broadcast-mix.sh
dir=$(dirname "$0")
n="${NUM_BUFFERS:-300}"
exec gst-launch-1.0 -q compositor name=mix background=black \
        sink_1::xpos=0 sink_1::ypos=0 sink_1::width=640 sink_1::height=360 ! \
    video/x-raw,width=640,height=360 ! videoconvert ! ${SINK:-autovideosink} \
    audiomixer name=amix ! audioconvert ! ${ASINK:-autoaudiosink} \
    videotestsrc is-live=true pattern=smpte num-buffers="$n" ! \
        video/x-raw,width=640,height=360,framerate=30/1 ! mix.sink_0 \
    audiotestsrc is-live=true wave=sine volume=0.1 num-buffers="$((n * 48000 / 30 / 1024))" ! \
        audio/x-raw,rate=48000,channels=2 ! amix. \
    jsontimelinesrc location="${1:-$dir/examples/lower-third.json}" width=640 height=360 \
        name=t t.video ! video/x-raw,format=AYUV ! queue ! mix.sink_1 \
    t.audio ! queue ! audioconvert ! audioresample ! amix.
