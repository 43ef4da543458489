#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# captionrender alone over a test pattern, from an SRT file (a small one is written when
# none is given): pages, the spoken line highlighted is for word-timed captions only.
#   SINK=fakesink NUM_BUFFERS=60 sh pipelines/captionrender-srt.sh [FILE.srt]
srt=${1:-}
if [ -z "$srt" ]; then
    srt=$(mktemp --suffix=.srt)
    trap 'rm -f "$srt"' EXIT
    printf '1\n00:00:00,200 --> 00:00:01,800\nCaptions from an SRT file\n\n2\n00:00:02,000 --> 00:00:04,000\nright to left too: שלום עולם\n' > "$srt"
fi
gst-launch-1.0 -q videotestsrc num-buffers="${NUM_BUFFERS:-150}" ! \
    video/x-raw,width=640,height=360,framerate=30/1 ! videoconvert ! \
    captionrender location="$srt" font-size=32 font-weight=700 stroke-width=2 \
        animation-in=typewriter animation-in-duration=500 ! \
    videoconvert ! ${SINK:-autovideosink}
