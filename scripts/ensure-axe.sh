#!/usr/bin/env bash
# Makes sure axe-core, the accessibility engine the browser tests inject into each page, is
# installed at the version pinned in tests/browser/axe/package-lock.json (npm ci: exactly that).
set -euo pipefail
DIR="$(cd "$(dirname "$0")/.." && pwd)/tests/browser/axe"
WANTED=$(sed -n 's/.*"axe-core": "\(.*\)".*/\1/p' "$DIR/package.json")
INSTALLED=$(sed -n 's/^  "version": "\(.*\)".*/\1/p' "$DIR/node_modules/axe-core/package.json" 2>/dev/null || true)
if [ -f "$DIR/node_modules/axe-core/axe.min.js" ] && [ "$WANTED" = "$INSTALLED" ]; then
    exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
    echo "npm is missing: the accessibility test needs it to install axe-core (Debian: apt-get install npm)." >&2
    exit 1
fi
(cd "$DIR" && npm ci --no-audit --no-fund --loglevel=error)
