#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# An editor JSON document played in a window with its sound.
#   sh pipelines/jsontimelinesrc-preview.sh [DOCUMENT]
#   VSINK=fakesink ASINK=fakesink sh pipelines/jsontimelinesrc-preview.sh
dir=$(dirname "$0")
exec gst-launch-1.0 -q jsontimelinesrc location="${1:-$dir/examples/hello-world.request.json}" \
    name=t t.video ! queue ! videoconvert ! ${VSINK:-autovideosink} \
    t.audio ! queue ! audioconvert ! ${ASINK:-autoaudiosink}
