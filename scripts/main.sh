#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The main job: install, build, check the bundled examples and render the product-page
# example ("Hello World", 1.6 s) to out/hello-world.mp4 and the slideshow example to
# out/slideshow.mp4.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
build/tools/jsontimeline validate --quiet pipelines/examples/*.json
mkdir -p out
build/tools/jsontimeline render pipelines/examples/hello-world.request.json -o out/hello-world.mp4
# transitions, a filter and fades over three slides (6 s, 1080p)
build/tools/jsontimeline render pipelines/examples/slideshow.request.json -o out/slideshow.mp4
