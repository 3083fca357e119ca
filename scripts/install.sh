#!/usr/bin/env bash
# Install EcologIS and what a fresh Debian/Ubuntu machine lacks for it.
#   scripts/install.sh          the application (system libraries for Qt/QtWebEngine + pip install -e .)
#   scripts/install.sh --test   also the test tools (xvfb, poppler-utils, pytest extras)
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_TEST=0
[[ "${1:-}" == "--test" ]] && WITH_TEST=1

PKGS=(libgl1 libegl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
      libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
      libxcb-xinerama0 libxcb-randr0 libxcb-xfixes0 libxcb-shm0 libxcb-sync1 libxcb-xkb1 libx11-xcb1
      libnss3 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxi6 libxshmfence1 libgbm1 libdrm2
      libasound2 fonts-dejavu-core)
if (( WITH_TEST )); then
  PKGS+=(xvfb xauth poppler-utils)
fi

if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
  MISSING=()
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || MISSING+=("$p")
  done
  if (( ${#MISSING[@]} )); then
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
    echo "Installing system packages: ${MISSING[*]}"
    $SUDO apt-get update -qq
    # libasound2 is libasound2t64 on newer distributions; install what exists.
    AVAILABLE=()
    for p in "${MISSING[@]}"; do
      if apt-cache show "$p" >/dev/null 2>&1; then AVAILABLE+=("$p");
      elif [[ "$p" == "libasound2" ]] && apt-cache show libasound2t64 >/dev/null 2>&1; then AVAILABLE+=(libasound2t64); fi
    done
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${AVAILABLE[@]}"
  fi
fi

PY=${PYTHON:-python3}
if (( WITH_TEST )); then
  "$PY" -m pip install --quiet --disable-pip-version-check -e ".[test]"
else
  "$PY" -m pip install --quiet --disable-pip-version-check -e .
fi
