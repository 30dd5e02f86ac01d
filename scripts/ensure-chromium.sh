#!/usr/bin/env bash
# Installs Debian's chromium (never a downloaded browser) when it is missing.
# Playwright runs against it via executablePath (see playwright.config.ts).
set -euo pipefail
CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
if [ -x "$CHROMIUM_PATH" ] && dpkg -s fonts-liberation >/dev/null 2>&1; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "chromium is missing: run 'sudo apt-get install -y --no-install-recommends chromium fonts-liberation'" >&2
  exit 1
fi
echo "installing Debian chromium + fonts-liberation"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-liberation >/dev/null
"$CHROMIUM_PATH" --version 2>/dev/null || true
