#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# An editor JSON document streamed live to an RTMP server with gst-launch: H.264
# (zero-latency, a keyframe every 2 s) + AAC in FLV through rtmp2sink, paced by the clock.
# (`jsontimeline stream` does the same and also reconnects, loops and takes live patches,
# and takes the AAC encoder's priming off the sound's timestamps: here it is ~15 ms late.)
#   sh pipelines/rtmp.sh rtmp://127.0.0.1/live/key [DOCUMENT]
dir=$(dirname "$0")
url="${1:?give the RTMP URL: rtmp://host/app/key}"
exec gst-launch-1.0 -q -e jsontimelinesrc location="${2:-$dir/examples/hello-world.request.json}" \
        name=t \
    t.video ! queue ! videoconvert ! video/x-raw,format=I420 ! \
        x264enc tune=zerolatency speed-preset=veryfast bframes=0 key-int-max=60 ! \
        h264parse ! flvmux name=m streamable=true ! rtmp2sink location="$url" sync=true \
    t.audio ! queue ! audioconvert ! audioresample ! audio/x-raw,rate=48000,channels=2 ! \
        avenc_aac ! aacparse ! m.
