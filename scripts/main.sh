#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# The main job: install, build, and validate the bundled example documents.
# (Until rendering lands, the main job is validation; see README.md.)
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/build.sh build
build/tools/jsontimeline validate pipelines/examples/*.json
