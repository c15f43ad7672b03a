#!/usr/bin/env bash
# Makes tests/data/text-photos/: the OCR and full-text test set (memes, screenshots, signs and
# photos without text), and its manifest.jsonl (file, kind, the text drawn, the queries that
# must find it). The images are committed; run this only to change the set.
# Needs ImageMagick 6 (`convert`), fonts-dejavu-core, fonts-urw-base35, and the shared corpus
# ($SHOEBOX_CORPUS, default ../shared/corpus) for the photos behind the memes and signs.
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${SHOEBOX_CORPUS:-$(cd .. && pwd)/shared/corpus}/photos"
out=tests/data/text-photos
rm -rf "$out"; mkdir -p "$out"
bold=/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf
sans=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
mono=/usr/share/fonts/truetype/dejavu/DejaVuSansMono.ttf
nimbus=/usr/share/fonts/opentype/urw-base35/NimbusSans-Bold.otf
manifest="$out/manifest.jsonl"
: > "$manifest"
# entry FILE KIND TEXT QUERY...
entry() {
  local file="$1" kind="$2" text="$3"; shift 3
  python3 - "$file" "$kind" "$text" "$@" >> "$manifest" <<'PY'
import json, sys
f, kind, text, *queries = sys.argv[1:]
print(json.dumps({"file": f, "kind": kind, "text": text, "queries": queries}, ensure_ascii=False))
PY
}

# Memes: outlined white captions (top and bottom) over a photo, 640 px wide.
meme() {  # FILE BACKGROUND TOP BOTTOM QUERY...
  local file="$1" bg="$2" top="$3" bottom="$4"; shift 4
  convert "$corpus/$bg" -auto-orient -resize 640x -gravity north \
    -font "$bold" -pointsize 46 -fill white -stroke black -strokewidth 3 \
    -annotate +0+14 "$top" -gravity south -annotate +0+14 "$bottom" \
    -strip -quality 88 "$out/$file"
  entry "$file" meme "$top $bottom" "$@"
}
meme meme-when-you-see-it.jpg "orientation/landscape_1.jpg" "WHEN YOU SEE IT" "YOU CANNOT UNSEE IT" \
  "when you see it" "cannot unsee"
meme meme-mordor.jpg "Vacaciones 2019/Montaña ñ.jpg" "ONE DOES NOT SIMPLY" "WALK INTO MORDOR" \
  "walk into mordor" "does not simply"
meme meme-reunion.jpg "Vacaciones 2019/Playa día 2.jpg" "REUNIÓN A LAS OCHO" "NADIE LLEGÓ" \
  "reunión a las ocho" "reunion ocho" "nadie llego"
meme meme-jefe.jpg "phones/Apple iPhone 4.jpg" "CUANDO EL JEFE" "PIDE OTRO INFORME" \
  "jefe pide informe" "otro informe"
meme meme-monday.jpg "Vacaciones 2019/DSCN0025.jpg" "MONDAY MORNING" "COFFEE FIRST" \
  "monday morning coffee" "coffee first"
meme meme-contrasena.jpg "phones/Samsung GT-I9000 (Galaxy S).jpg" "LA CONTRASEÑA ES" "DEMASIADO CORTA" \
  "contraseña demasiado corta" "contrasena corta"
meme meme-pikachu.jpg "orientation/landscape_3.jpg" "SURPRISED" "PIKACHU FACE" \
  "surprised pikachu" "pikachu face"
meme meme-dieta.jpg "jpeg-variants/progressive Sony DSC-P12.jpg" "MAÑANA EMPIEZO" "LA DIETA" \
  "mañana empiezo" "manana dieta"

# Screenshots: interface text at screen sizes, dark on light and light on dark.
screenshot() {  # FILE BG FG FONT SIZE TEXT QUERY...
  local file="$1" bg="$2" fg="$3" font="$4" size="$5" text="$6"; shift 6
  convert -size 900x300 "xc:$bg" -font "$font" -pointsize "$size" -fill "$fg" \
    -annotate +30+60 "$text" -strip -quality 90 "$out/$file"
  entry "$file" screenshot "$(echo "$text" | tr '\n' ' ')" "$@"
}
screenshot shot-404.jpg "#ffffff" "#202124" "$sans" 22 \
  $'Error 404: page not found\nThe requested URL was not found on this server.\nThat is all we know.' \
  "page not found" "requested url server"
screenshot shot-meeting.jpg "#f3f3f3" "#333333" "$sans" 20 \
  $'Meeting moved to Thursday at 3 pm\nPlease bring the quarterly report\nand the budget numbers.' \
  "quarterly report" "meeting thursday"
screenshot shot-segfault.jpg "#1e1e1e" "#d4d4d4" "$mono" 20 \
  $'$ ./render --scene demo\nSegmentation fault (core dumped)\nProcess exited with code 139' \
  "segmentation fault" "core dumped"
screenshot shot-codigo.jpg "#121212" "#ffffff" "$sans" 22 \
  $'Tu código de verificación es 4821\nNo lo compartas con nadie.\nCaduca en diez minutos.' \
  "código de verificación" "codigo verificacion" "compartas con nadie"

# Signs: a coloured plate with a border, slightly rotated, over a photo.
sign() {  # FILE BACKGROUND PLATE INK ANGLE TEXT QUERY...
  local file="$1" bg="$2" plate="$3" ink="$4" angle="$5" text="$6"; shift 6
  convert -size 420x150 "xc:$plate" -bordercolor "$ink" -border 6 -bordercolor "$plate" -border 10 \
    -font "$nimbus" -pointsize 40 -fill "$ink" -gravity center -annotate +0+0 "$text" \
    -background none -rotate "$angle" /tmp/shoebox-sign.png
  convert "$corpus/$bg" -auto-orient -resize 720x /tmp/shoebox-sign.png -gravity center \
    -composite -strip -quality 88 "$out/$file"
  entry "$file" sign "$(echo "$text" | tr '\n' ' ')" "$@"
}
sign sign-salida.jpg "orientation/landscape_2.jpg" "#1b7a3a" white 4 $'SALIDA\nEXIT' "salida exit"
sign sign-parking.jpg "phones/Apple iPhone 5.jpg" "#1f4fa8" white -3 $'PARKING\nONLY' "parking only"
sign sign-no-entry.jpg "orientation/landscape_4.jpg" "#c62828" white 6 $'NO ENTRY\nSTAFF ONLY' "no entry" "staff only"
sign sign-peligro.jpg "Vacaciones 2019/DSCN0025.jpg" "#f9c70c" black -5 $'PELIGRO\nALTA TENSIÓN' \
  "peligro alta tensión" "alta tension"

# Photos without text (the gate should skip them; no query may return them).
plain() {  # FILE BACKGROUND
  convert "$corpus/$2" -auto-orient -resize 720x -strip -quality 88 "$out/$1"
  entry "$1" none ""
}
plain photo-street.jpg "phones/Samsung GT-I9000 (Galaxy S).jpg"
plain photo-beach.jpg "Vacaciones 2019/Playa día 2.jpg"
plain photo-mountain.jpg "Vacaciones 2019/Montaña ñ.jpg"
plain photo-phone.jpg "phones/Apple iPhone 5.jpg"
rm -f /tmp/shoebox-sign.png
echo "made $(wc -l < "$manifest") images in $out ($(du -sh "$out" | cut -f1))"
