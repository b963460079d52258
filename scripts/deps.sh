#!/usr/bin/env bash
# Installs every Debian 12 package Weft needs to build, run and test. Safe to re-run.
set -euo pipefail
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
PACKAGES=(
  build-essential cmake ninja-build pkg-config git
  libtorch-dev libopenblas0-pthread libopenblas-pthread-dev
  qt6-base-dev qt6-multimedia-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools linguist-qt6
  qt6-image-formats-plugins libqt6svg6-dev
  libopencv-dev libsentencepiece-dev sentencepiece nlohmann-json3-dev
  libsndfile1-dev libsamplerate0-dev libwebp-dev libcli11-dev libspdlog-dev libfmt-dev libssl-dev
  xvfb xauth clang-14 libclang-rt-14-dev python3-torch espeak-ng
  desktop-file-utils appstream qt6-translations-l10n dpkg-dev
)
missing=()
for p in "${PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get update
  $SUDO apt-get install -y --no-install-recommends "${missing[@]}"
fi
# libtorch must use OpenBLAS, not the reference BLAS (40x slower here).
blas=$(update-alternatives --query libblas.so.3-x86_64-linux-gnu 2>/dev/null | awk '/^Value:/{print $2}')
case "$blas" in
  *openblas*) ;;
  *) $SUDO update-alternatives --set libblas.so.3-x86_64-linux-gnu /usr/lib/x86_64-linux-gnu/openblas-pthread/libblas.so.3 ;;
esac
