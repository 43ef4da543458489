#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Configures (once) and builds a Meson build directory: build.sh [DIR] [MESON OPTION...]
set -euo pipefail
cd "$(dirname "$0")/.."
dir=${1:-build}
shift || true
if [ ! -f "$dir/build.ninja" ]; then
  meson setup "$dir" "$@"
elif [ "$#" -gt 0 ]; then
  meson configure "$dir" "$@"
fi
meson compile -C "$dir"
