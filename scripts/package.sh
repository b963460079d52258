#!/usr/bin/env bash
# Builds the Debian package from BUILD_DIR (configured by scripts/build.sh, prefix /usr) and
# checks it as a user would meet it: validates the desktop entry and the AppStream metainfo,
# installs weft_<version>_<arch>.deb with apt-get (its dependencies come from Debian), runs the
# installed weft-cli (info, reply on a sample conversation) and the installed weft under Xvfb
# with a picture to open (screenshot), checks Qt's and Weft's German translations, then removes
# the package. The package and the check's files stay in BUILD_DIR (weft_*.deb, package-check/,
# package-check/installed.png). Needs root or sudo (like scripts/deps.sh). Exits non-zero, with
# the reason, at the first failed check; the package is removed on every exit once installed.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ $# -ne 1 ]; then
  echo "usage: scripts/package.sh BUILD_DIR" >&2
  exit 2
fi
BUILD_DIR=$(cd "$1" && pwd)
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
fail() { echo "package.sh: $*" >&2; exit 1; }
step() { echo "== package.sh: $*"; }

prefix=$(sed -n 's/^CMAKE_INSTALL_PREFIX:PATH=//p' "$BUILD_DIR/CMakeCache.txt")
[ "$prefix" = /usr ] || fail "$BUILD_DIR installs to '$prefix', not /usr: configure it with scripts/build.sh or -DCMAKE_INSTALL_PREFIX=/usr"
if dpkg-query -W -f='${Status}' weft 2>/dev/null | grep -q "install ok installed"; then
  echo "package.sh: note: weft is installed already; it is replaced by this build's package and removed at the end" >&2
fi

step "validating the desktop entry and the AppStream metainfo"
for f in packaging/*.desktop; do desktop-file-validate "$f"; done
for f in packaging/*.metainfo.xml; do appstreamcli validate --no-net "$f"; done

step "building the package"
# cpack installs without building `all` (CMAKE_SKIP_INSTALL_ALL_DEPENDENCY): build what it installs.
cmake --build "$BUILD_DIR" --target weft weft-cli weft_sentencepiece
rm -f "$BUILD_DIR"/weft_*.deb
(cd "$BUILD_DIR" && cpack -G DEB)
debs=("$BUILD_DIR"/weft_*.deb)
{ [ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ]; } || fail "cpack made no single weft_*.deb in $BUILD_DIR"
DEB=${debs[0]}
depends=$(dpkg-deb -f "$DEB" Depends)
for needed in libtorch1.13 libqt6widgets6 libopencv-core406 libsndfile1 libsentencepiece0; do
  grep -q "$needed" <<<"$depends" || fail "Depends lacks $needed (dpkg-shlibdeps): $depends"
done
contents=$(dpkg-deb -c "$DEB")
for path in ./usr/bin/weft ./usr/bin/weft-cli ./usr/lib/weft/libweft_sentencepiece.so \
    ./usr/share/weft/models/weft-tiny/config.json ./usr/share/applications/io.github.weft.Weft.desktop \
    ./usr/share/metainfo/io.github.weft.Weft.metainfo.xml ./usr/share/icons/hicolor/256x256/apps/weft.png \
    ./usr/share/doc/weft/copyright; do
  grep -q " $path\$" <<<"$contents" || fail "the package lacks $path"
done
if grep -q ' ./usr/local/' <<<"$contents"; then fail "the package installs under /usr/local"; fi

CHECK="$BUILD_DIR/package-check"
rm -rf "$CHECK"
mkdir -p "$CHECK"
remove() {
  if dpkg-query -W -f='${Status}' weft 2>/dev/null | grep -q "install ok installed"; then
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get remove -y weft >"$CHECK/remove.log" 2>&1 || true
  fi
}
trap remove EXIT

step "installing $(basename "$DEB")"
# Recommends (OpenBLAS, Qt's translations and image plugins) are installed as for a user.
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y "$DEB" >"$CHECK/install.log" 2>&1 \
  || { tail -20 "$CHECK/install.log" >&2; fail "apt-get install failed (log: $CHECK/install.log)"; }
{ [ -x /usr/bin/weft ] && [ -x /usr/bin/weft-cli ]; } || fail "/usr/bin/weft or /usr/bin/weft-cli is missing after the install"

# The installed programs, their model and settings only: nothing from the source or build tree,
# nothing from the caller's settings.
run_installed() {
  env -u WEFT_MODEL_DIR -u WEFT_SENTENCEPIECE_MODULE -u QT_QPA_PLATFORM HOME="$CHECK/home" XDG_CONFIG_HOME="$CHECK/home/config" \
    XDG_DATA_HOME="$CHECK/home/data" XDG_RUNTIME_DIR="$CHECK/home/runtime" "$@"
}
mkdir -p "$CHECK/home/runtime"
chmod 700 "$CHECK/home/runtime"

step "weft-cli info"
run_installed /usr/bin/weft-cli info | tee "$CHECK/info.txt"
grep -q "/usr/share/weft/models/weft-tiny" "$CHECK/info.txt" || fail "weft-cli info does not use the installed model"

step "weft-cli reply on a sample conversation"
run_installed /usr/bin/weft-cli world sample --task generate --seed 3 --out "$CHECK/sample"
run_installed /usr/bin/weft-cli reply "$CHECK/sample/conversation.json" --out "$CHECK/replies"
[ -s "$CHECK/replies/conversation/reply.json" ] || fail "weft-cli reply wrote no $CHECK/replies/conversation/reply.json"
grep -q '"role"' "$CHECK/replies/conversation/reply.json" || fail "reply.json holds no message"

step "weft opened on a picture under Xvfb"
run_installed /usr/bin/weft-cli world draw "a large red circle at the left, a large blue square at the right on a yellow dots background" -o "$CHECK/picture.png"
run_installed timeout 300 xvfb-run -a -s "-screen 0 1280x900x24" \
  /usr/bin/weft --data "$CHECK/conversations" --screenshot "$CHECK/installed.png" "$CHECK/picture.png" \
  >"$CHECK/weft.log" 2>&1 || { cat "$CHECK/weft.log" >&2; fail "weft did not run under Xvfb"; }
size=$(stat -c %s "$CHECK/installed.png" 2>/dev/null || echo 0)
[ "$size" -gt 20000 ] || fail "the screenshot $CHECK/installed.png is missing or tiny ($size bytes)"
ls "$CHECK"/conversations/*/conversation.json >/dev/null 2>&1 || fail "weft opened no new conversation for the picture"
echo "screenshot: $CHECK/installed.png ($size bytes)"

step "German interface: Weft's strings and Qt's own"
help=$(run_installed env LC_ALL= LANGUAGE= LANG=de_DE.UTF-8 QT_QPA_PLATFORM=offscreen /usr/bin/weft --help 2>&1)
grep -q "Zu ladender Modellordner" <<<"$help" || fail "weft --help is not German under LANG=de_DE.UTF-8: $help"
grep -q "Zeigt Hilfe zu den Kommandozeilenoptionen" <<<"$help" || fail "Qt's German translation (qt6-translations-l10n) is not used: $help"

step "removing the package"
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get remove -y weft >"$CHECK/remove.log" 2>&1 \
  || { cat "$CHECK/remove.log" >&2; fail "apt-get remove weft failed"; }
{ [ ! -e /usr/bin/weft ] && [ ! -e /usr/bin/weft-cli ]; } || fail "/usr/bin/weft is still there after apt-get remove"
[ ! -e /usr/share/weft ] || fail "/usr/share/weft is still there after apt-get remove"
trap - EXIT
step "ok: $(basename "$DEB") builds, validates, installs, runs and uninstalls"
