#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# An editor JSON document to an MP4 file with gst-launch (H.264 + AAC), the pipeline
# `jsontimeline render` builds, written out by hand. (The CLI also writes an edit list
# that skips the AAC encoder's priming; here the sound comes out about 20 ms late.)
#   sh pipelines/json-to-mp4.sh [DOCUMENT] [OUT.mp4]
dir=$(dirname "$0")
exec gst-launch-1.0 -q -e jsontimelinesrc location="${1:-$dir/examples/hello-world.request.json}" \
        name=t \
    t.video ! queue ! videoconvert ! video/x-raw,format=I420 ! \
        x264enc speed-preset=veryfast bframes=0 ! h264parse ! mp4mux name=m faststart=true ! \
        filesink location="${2:-out.mp4}" \
    t.audio ! queue ! audioconvert ! audioresample ! avenc_aac ! aacparse ! m.
