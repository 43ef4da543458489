#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# transitionmixer with two test sources: a 2 s wipe from the left, starting at 1 s.
#   SINK=fakesink NUM_BUFFERS=30 TYPE=iris sh pipelines/transitionmixer.sh
# (TYPE: fade, slide, wipe, flip, clock-wipe or iris; default wipe)
n="${NUM_BUFFERS:-120}"
exec gst-launch-1.0 -q transitionmixer name=t type="${TYPE:-wipe}" direction=from-left \
        start=1000000000 duration=2000000000 easing=ease-in-out ! \
    videoconvert ! ${SINK:-autovideosink} \
    videotestsrc num-buffers="$n" ! video/x-raw,width=640,height=360,framerate=30/1 ! t. \
    videotestsrc num-buffers="$n" pattern=ball ! \
        video/x-raw,width=640,height=360,framerate=30/1 ! t.
