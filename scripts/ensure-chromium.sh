#!/usr/bin/env bash
# Makes sure the system Chromium that the browser tests and the PNG export use is present, and
# DejaVu Sans, the Unicode font the PDF briefing embeds (signs such as − and “ ”).
# Playwright's own browser download does not work on our machines; we use Debian's package.
set -euo pipefail
CHROMIUM=${CHROMIUM:-/usr/bin/chromium}
FONT=/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf
if [ -x "$CHROMIUM" ] && [ -f "$FONT" ]; then
    exit 0
fi
echo "Chromium ($CHROMIUM) or DejaVu Sans is missing; installing Debian's chromium and fonts-dejavu-core..." >&2
if command -v apt-get >/dev/null 2>&1; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then
        if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else SUDO="__none__"; fi
    fi
    if [ "$SUDO" != "__none__" ]; then
        $SUDO apt-get update -qq
        DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium fonts-dejavu-core >/dev/null
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
