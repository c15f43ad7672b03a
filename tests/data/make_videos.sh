#!/usr/bin/env bash
# Writes the small test videos into OUT_DIR with Debian's ffmpeg, from two corpus photos
# (CORPUS_PHOTOS: the shared corpus' photos/ folder). Each clip pins one fact the tests assert:
#
#   scenes.mp4        H.264, 320x240, 8 s: the astronaut for 4 s, then the cameraman for 4 s
#                     (a scene change); a keyframe every second; GPS (ISO 6709 "location") and a
#                     UTC creation time in the container. Moov first (faststart).
#   rotated.mov       QuickTime, H.264, 240x160 stored, shown turned 90° clockwise (display
#                     matrix, as an iPhone's portrait clip); Apple's local capture time with its
#                     offset, make and model.
#   clip.webm         VP8 in WebM, 2 s, 160x120 stored with 4:3 pixels (the square cameraman
#                     scaled): shown 160x160.        clip.mkv   H.264 in Matroska, 2 s.
#   clip.avi          MPEG-4 Part 2 in AVI, 2 s.
#   damaged-tail.mp4  scenes.mp4 cut at 60% (faststart, so the header survives; later frames
#                     are gone).
#   no-moov.mp4       a clip written without faststart, cut in half: its index (moov) is lost.
#   not-a-video.mp4   text with a video's name.
#   motion.jpg        a Google-style motion photo: the astronaut as a JPEG still, then a 1.5 s
#                     MP4 of the cameraman appended (motion-part.mp4 is that MP4 alone).
#   motion-samsung.jpg the same as Samsung writes it: "MotionPhoto_Data", then the MP4.
#   meme.mp4          4 s of tests/data/text-photos/meme-mordor.jpg ("ONE DOES NOT SIMPLY WALK
#                     INTO MORDOR"): a video whose poster has words to read.
#   live/             motion kept as a second file: IMG_0001.JPG + IMG_0001.MOV (an Apple Live
#                     Photo: 1.5 s QuickTime with Apple's content identifier), Takeout's
#                     PXL_20240101_123456789.MP.jpg + PXL_20240101_123456789.MP (MP4), an
#                     iCloud download's IMG_0003.JPG + IMG_0003_HEVC.MOV, and
#                     IMG_0002.JPG + IMG_0002.MOV whose 8 s clip is too long to be its motion.
#   audio-only.mp4    AAC in MP4, no picture.
#   long-1080p.mp4    (only with --bench) 1920x1080 H.264, 60 s, 30 fps, keyframe every 2 s.
set -euo pipefail
out="${1:?usage: make_videos.sh OUT_DIR CORPUS_PHOTOS [--bench]}"
photos="${2:?usage: make_videos.sh OUT_DIR CORPUS_PHOTOS [--bench]}"
bench="${3:-}"
mkdir -p "$out"
ff() { ffmpeg -hide_banner -loglevel error -nostdin -y "$@"; }
astronaut="$photos/png/astronaut.png"
camera="$photos/png/camera grayscale.png"

if [ "$bench" = --bench ]; then
  ff -f lavfi -i "testsrc2=size=1920x1080:rate=30:duration=60" -c:v libx264 -preset veryfast \
    -pix_fmt yuv420p -g 60 -movflags +faststart "$out/long-1080p.mp4"
  exit 0
fi

scale="scale=320:240,setsar=1,format=yuv420p"
ff -loop 1 -framerate 25 -t 4 -i "$astronaut" -loop 1 -framerate 25 -t 4 -i "$camera" \
  -filter_complex "[0:v]$scale[a];[1:v]$scale[b];[a][b]concat=n=2:v=1[v]" -map "[v]" \
  -c:v libx264 -preset veryfast -g 25 -keyint_min 25 -sc_threshold 0 \
  -metadata location="+35.6586+139.7454+012.000/" -metadata creation_time="2021-07-04T09:30:00Z" \
  -movflags +faststart "$out/scenes.mp4"

# The display matrix is only written when remuxing; ffmpeg 5.1's "rotate=270" gives the matrix
# an iPhone writes for a portrait clip ("rotation of -90.00 degrees": shown turned clockwise).
ff -loop 1 -framerate 25 -t 2 -i "$astronaut" -vf "scale=240:160,setsar=1,format=yuv420p" \
  -c:v libx264 -preset veryfast -g 25 -f mov "$out/.rotated-plain.mov"
ff -i "$out/.rotated-plain.mov" -c copy -metadata:s:v:0 rotate=270 \
  -metadata "com.apple.quicktime.creationdate=2022-03-05T18:04:12+0100" \
  -metadata "com.apple.quicktime.make=Apple" -metadata "com.apple.quicktime.model=iPhone 12" \
  -movflags +use_metadata_tags+faststart -f mov "$out/rotated.mov"
rm -f "$out/.rotated-plain.mov"

ff -loop 1 -framerate 25 -t 2 -i "$camera" -vf "scale=160:120,format=yuv420p" \
  -c:v libvpx -b:v 200k "$out/clip.webm"
ff -loop 1 -framerate 25 -t 2 -i "$camera" -vf "scale=160:120,setsar=1,format=yuv420p" \
  -c:v libx264 -preset veryfast "$out/clip.mkv"
ff -loop 1 -framerate 25 -t 2 -i "$camera" -vf "scale=160:120,setsar=1,format=yuv420p" \
  -c:v mpeg4 -q:v 5 "$out/clip.avi"

size=$(stat -c %s "$out/scenes.mp4")
head -c $((size * 6 / 10)) "$out/scenes.mp4" > "$out/damaged-tail.mp4"

tmp="$out/.no-moov-full.mp4"
ff -loop 1 -framerate 25 -t 2 -i "$camera" -vf "scale=160:120,format=yuv420p" \
  -c:v libx264 -preset veryfast -f mp4 "$tmp"
size=$(stat -c %s "$tmp")
head -c $((size / 2)) "$tmp" > "$out/no-moov.mp4"
rm -f "$tmp"

printf 'this is a shopping list, not a video\n' > "$out/not-a-video.mp4"

ff -loop 1 -framerate 25 -t 4 -i "$(dirname "$0")/text-photos/meme-mordor.jpg" \
  -vf "scale=640:-2,setsar=1,format=yuv420p" -c:v libx264 -preset veryfast -g 25 \
  -movflags +faststart "$out/meme.mp4"

ff -i "$astronaut" -vf "scale=320:320" -frames:v 1 -q:v 4 "$out/.still.jpg"
ff -loop 1 -framerate 25 -t 1.5 -i "$camera" -vf "scale=160:160,setsar=1,format=yuv420p" \
  -c:v libx264 -preset veryfast -movflags +faststart "$out/motion-part.mp4"
cat "$out/.still.jpg" "$out/motion-part.mp4" > "$out/motion.jpg"
{ cat "$out/.still.jpg"; printf 'MotionPhoto_Data'; cat "$out/motion-part.mp4"; } > "$out/motion-samsung.jpg"

mkdir -p "$out/live"
cp "$out/.still.jpg" "$out/live/IMG_0001.JPG"
ff -i "$out/motion-part.mp4" -c copy \
  -metadata "com.apple.quicktime.content.identifier=6F2C7A3E-1B0D-4C1E-9A57-2E9A4C1B7D10" \
  -movflags +use_metadata_tags -f mov "$out/live/IMG_0001.MOV"
ff -i "$camera" -vf "scale=200:200" -frames:v 1 -q:v 4 "$out/live/PXL_20240101_123456789.MP.jpg"
cp "$out/motion-part.mp4" "$out/live/PXL_20240101_123456789.MP"
ff -i "$camera" -vf "scale=180:180" -frames:v 1 -q:v 4 "$out/live/IMG_0003.JPG"
ff -i "$out/motion-part.mp4" -c copy \
  -metadata "com.apple.quicktime.content.identifier=0A8E41C2-5D3B-4F7A-8C21-9B6E3D4F5A60" \
  -movflags +use_metadata_tags -f mov "$out/live/IMG_0003_HEVC.MOV"
ff -i "$camera" -vf "scale=240:240" -frames:v 1 -q:v 4 "$out/live/IMG_0002.JPG"
cp "$out/scenes.mp4" "$out/live/IMG_0002.MOV"
rm -f "$out/.still.jpg"
ff -f lavfi -i "sine=frequency=440:duration=1" -c:a aac "$out/audio-only.mp4"
