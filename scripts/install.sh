#!/usr/bin/env bash
# Install EcologIS into the project's own virtual environment (.venv/) with what a fresh
# Debian/Ubuntu machine lacks for it. Works as root and as a desktop user with sudo, and with
# a system Python that refuses global pip installs (PEP 668).
#   scripts/install.sh          the application: system libraries for Qt/QtWebEngine, .venv, the package
#   scripts/install.sh --test   also the test tools (xvfb, poppler-utils, the [test] extras)
# The Python used to create .venv is $PYTHON if set, else python3 (3.11 or newer).
set -euo pipefail
cd "$(dirname "$0")/.."

WITH_TEST=0
[[ "${1:-}" == "--test" ]] && WITH_TEST=1

PY=${PYTHON:-python3}
VENV=.venv

PKGS=(libgl1 libegl1 libglib2.0-0 libfontconfig1 libfreetype6 libdbus-1-3 libxkbcommon0 libxkbcommon-x11-0
      libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-render-util0 libxcb-shape0
      libxcb-xinerama0 libxcb-randr0 libxcb-xfixes0 libxcb-shm0 libxcb-sync1 libxcb-xkb1 libx11-xcb1
      libnss3 libxcomposite1 libxdamage1 libxrandr2 libxtst6 libxi6 libxshmfence1 libgbm1 libdrm2
      libasound2 fonts-dejavu-core)
if (( WITH_TEST )); then
  PKGS+=(xvfb xauth poppler-utils)
fi
# A system Python without ensurepip (Debian's python3 without python3-venv) cannot create .venv.
if [[ ! -x "$VENV/bin/python" ]] && ! "$PY" -c "import ensurepip, venv" >/dev/null 2>&1; then
  PYVER=$("$PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  PKGS+=(python3-venv "python${PYVER}-venv")
fi

if command -v apt-get >/dev/null 2>&1 && command -v dpkg-query >/dev/null 2>&1; then
  MISSING=()
  for p in "${PKGS[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || MISSING+=("$p")
  done
  if (( ${#MISSING[@]} )); then
    SUDO=""
    if [[ $(id -u) -ne 0 ]]; then
      if ! command -v sudo >/dev/null 2>&1; then
        echo "EcologIS needs these system packages: ${MISSING[*]}" >&2
        echo "Install them as the administrator (root), for example:" >&2
        echo "  su -c 'apt-get install --no-install-recommends ${MISSING[*]}'" >&2
        echo "then run this command again." >&2
        exit 1
      fi
      SUDO="sudo"
    fi
    echo "Installing system packages: ${MISSING[*]}"
    $SUDO apt-get update -qq
    # libasound2 is libasound2t64 on newer distributions; install what exists.
    AVAILABLE=()
    for p in "${MISSING[@]}"; do
      if apt-cache show "$p" >/dev/null 2>&1; then AVAILABLE+=("$p");
      elif [[ "$p" == "libasound2" ]] && apt-cache show libasound2t64 >/dev/null 2>&1; then AVAILABLE+=(libasound2t64); fi
    done
    if (( ${#AVAILABLE[@]} )); then
      DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${AVAILABLE[@]}"
    fi
  fi
fi

if [[ ! -x "$VENV/bin/python" ]]; then
  echo "Creating the virtual environment $VENV"
  "$PY" -m venv "$VENV"
fi
PIP=("$VENV/bin/python" -m pip --disable-pip-version-check)
"${PIP[@]}" install --quiet --upgrade pip
if (( WITH_TEST )); then
  "${PIP[@]}" install --quiet -e ".[test]"
else
  "${PIP[@]}" install --quiet -e .
fi
echo "EcologIS is installed in $VENV: run .venv/bin/ecologis, .venv/bin/ecologis-cli, .venv/bin/ecologis-sender"
