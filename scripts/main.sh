#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The main job: install, build, check the bundled examples and render the product-page
# example ("Hello World", 1.6 s) to out/hello-world.mp4.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
build/tools/jsontimeline validate --quiet pipelines/examples/*.json
mkdir -p out
build/tools/jsontimeline render pipelines/examples/hello-world.request.json -o out/hello-world.mp4
