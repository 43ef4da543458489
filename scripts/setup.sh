#!/usr/bin/env bash
# SPDX-License-Identifier: LGPL-2.1-or-later
# Installs the Debian 12 packages that jsontimeline needs to build, run and test.
set -euo pipefail

packages=(
  # toolchain and build system
  build-essential pkg-config meson ninja-build clang lld libclang-rt-14-dev clang-format
  # GStreamer: core, plugins, tools and development files
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstreamer-plugins-bad1.0-dev
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-base-apps gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
  # JSON, drawing, networking, storage
  libjson-glib-dev libcairo2-dev libpango1.0-dev librsvg2-dev libgdk-pixbuf-2.0-dev
  libsoup-3.0-dev libsqlite3-dev
  # output formats: animated GIF (giflib), WebM with alpha (FFmpeg libraries)
  libgif-dev libavformat-dev libavcodec-dev libavutil-dev
  # Lottie animations
  librlottie-dev
  # image loaders: PNG/JPEG (gdk-pixbuf), WebP, SVG
  webp-pixbuf-loader librsvg2-common
  # fonts used by the default styles and tests
  fontconfig fonts-dejavu-core fonts-roboto-unhinted
  # colour emoji, CJK (captions and text shaping tests)
  fonts-noto-color-emoji fonts-wqy-microhei
  # test oracles and helpers
  python3 python3-jsonschema python3-yaml python3-pil time procps
  # the service benchmark's load generator
  wrk
  # GStreamer from Python (the pipelines/ examples that animate with GstController)
  python3-gi gir1.2-gstreamer-1.0 gir1.2-gst-plugins-base-1.0
  # a local RTMP server for the live streaming tests and benchmark
  nginx libnginx-mod-rtmp
)

if [ "$(id -u)" -ne 0 ]; then
  echo "setup.sh: run as root (it calls apt-get install)" >&2
  exit 2
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -eq 0 ]; then
  echo "setup.sh: all ${#packages[@]} packages already installed"
  exit 0
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
