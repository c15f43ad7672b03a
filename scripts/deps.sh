#!/usr/bin/env bash
# Installs the Debian 12 packages shoebox needs to build, test and run. Idempotent: does
# nothing (no apt-get at all) when every package is already installed.
set -euo pipefail

PACKAGES=(
  # toolchain
  g++ cmake ninja-build pkg-config
  # libraries
  libvips-dev libexiv2-dev libraw-dev libheif-dev libsqlite3-dev libxxhash-dev
  nlohmann-json3-dev libcli11-dev libopenblas-dev libicu-dev libsentencepiece-dev libcurl4-openssl-dev libssl-dev
  libhnswlib-dev libcpp-httplib-dev libarchive-dev
  # the engine's second matrix backend (bf16 / int8 on AVX-512, VNNI, AMX)
  libdnnl-dev ocl-icd-opencl-dev  # its CMake package asks for OpenCL (a Recommends only)
  # videos: FFmpeg's demuxers, decoders and scaler; the ffmpeg command makes test clips
  libavformat-dev libavcodec-dev libavutil-dev libswscale-dev ffmpeg
  # OCR: Tesseract and its English and Spanish data (other languages: tesseract-ocr-LANG)
  libtesseract-dev tesseract-ocr-eng tesseract-ocr-spa
  # the desktop app (Qt 6 Widgets); xvfb-run for its screenshot test
  qt6-base-dev qt6-base-dev-tools xvfb xauth fonts-dejavu-core
  # the package test (dpkg-shlibdeps, the .desktop check)
  dpkg-dev desktop-file-utils
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev sqlite3 libjpeg-turbo-progs python3
  # the OCR benchmark's peer (the command line)
  tesseract-ocr
  # fuzzing (libFuzzer comes with clang); the format check
  clang clang-format
)

missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "shoebox: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q
$SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
