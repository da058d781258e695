#!/usr/bin/env bash
# Makes sure the system Chromium that the browser tests and the PNG export use is present.
# Playwright's own browser download does not work on our machines; we use Debian's package.
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
if [ -x "$CHROMIUM" ]; then
    exit 0
fi
echo "Chromium is missing at $CHROMIUM; installing Debian's chromium package..." >&2
if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="__none__"; fi
    fi
    if [ "$SUDO" != "__none__" ]; then
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
    fi
fi
if [ ! -x "$CHROMIUM" ]; then
    cat >&2 <<MSG
Could not install Chromium automatically. The browser tests need a system Chromium:
  - on Debian or Ubuntu:  sudo apt-get install chromium
  - elsewhere: install Chromium and run  CHROMIUM=/path/to/chromium make test
Do not use 'playwright install': its browser download is not used by this project.
MSG
    exit 1
fi
