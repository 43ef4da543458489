#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# An editor JSON document with a transparent background to WebM with an alpha channel
# (VP9 + Opus), for overlays in other editors. GStreamer 1.22 decodes alpha WebM but its
# vp8enc/vp9enc cannot write it, so this goes through `jsontimeline render --alpha` (libvpx
# and FFmpeg's muxer behind jsontimelinesrc); the alpha is checked back with GStreamer.
#   sh pipelines/webm-alpha.sh [DOCUMENT] [OUT.webm]
#   JSONTIMELINE=build/tools/jsontimeline SINK="multifilesink location=f-%05d.rgba" \
#       sh pipelines/webm-alpha.sh   (SINK takes the decoded RGBA frames; default fakesink)
dir=$(dirname "$0")
doc="${1:-$dir/examples/lower-third.json}"
out="${2:-lower-third.webm}"
jsontimeline=${JSONTIMELINE:-jsontimeline}
"$jsontimeline" render -q "$doc" -o "$out" --alpha || exit 1
# decoded again with its alpha (decodebin picks vp9alphadecodebin)
exec gst-launch-1.0 -q filesrc location="$out" ! decodebin ! \
    videoconvert ! video/x-raw,format=RGBA ! ${SINK:-fakesink}
