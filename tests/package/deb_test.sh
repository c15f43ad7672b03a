#!/usr/bin/env bash
# The Debian package as a user gets it: built by CPack from this build folder, unpacked into a
# scratch root with dpkg -x (what `apt install ./shoebox_*.deb` would place under /), its
# files and Depends checked, and both binaries run from there.
#   tests/package/deb_test.sh BUILD_DIR
set -euo pipefail
build="$(cd "$1" && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }

(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/out" > "$work/cpack.log" 2>&1) ||
  { cat "$work/cpack.log"; fail "cpack could not build the package"; }
deb="$(ls "$work"/out/shoebox_*.deb 2>/dev/null | head -1)"
[ -n "$deb" ] || fail "no shoebox_*.deb in $work/out"
echo "built $(basename "$deb") ($(du -k "$deb" | cut -f1) KiB)"

dpkg-deb -x "$deb" "$work/root"
for f in usr/bin/shoebox usr/bin/shoebox-app usr/share/applications/shoebox-app.desktop \
         usr/share/icons/hicolor/scalable/apps/shoebox.svg; do
  [ -f "$work/root/$f" ] || fail "the package has no /$f"
done
[ -x "$work/root/usr/bin/shoebox-app" ] || fail "shoebox-app is not executable"
grep -q '^Exec=shoebox-app$' "$work/root/usr/share/applications/shoebox-app.desktop" ||
  fail "the .desktop file does not start shoebox-app"
grep -q '^Icon=shoebox$' "$work/root/usr/share/applications/shoebox-app.desktop" ||
  fail "the .desktop file does not name the installed icon"
if command -v desktop-file-validate > /dev/null; then
  desktop-file-validate "$work/root/usr/share/applications/shoebox-app.desktop" ||
    fail "desktop-file-validate rejects the .desktop file"
fi

depends="$(dpkg-deb -f "$deb" Depends)"
for d in libqt6widgets6 libvips42 libsqlite3-0 libtesseract5 tesseract-ocr-eng; do
  case "$depends" in *"$d"*) ;; *) fail "Depends lacks $d: $depends" ;; esac
done
[ "$(dpkg-deb -f "$deb" Architecture)" = "$(dpkg --print-architecture)" ] || fail "wrong architecture"

version="$("$work/root/usr/bin/shoebox-app" --version)"
case "$version" in "shoebox-app "[0-9]*) ;; *) fail "shoebox-app --version printed: $version" ;; esac
"$work/root/usr/bin/shoebox" --version > /dev/null || fail "shoebox --version failed"
echo "ok: $version; /usr/bin/shoebox, /usr/bin/shoebox-app, .desktop, icon; Depends: $depends"
