#!/usr/bin/env bash
# Make sure headless Chromium is available for the browser tests (tests/browser).
#
# Playwright drives the Debian chromium package; `playwright install` is never used (it
# downloads a browser from a CDN). When /usr/bin/chromium is missing and we are root on a
# Debian-like system, install it with apt-get; otherwise say why the browser tests will skip.
# Exits non-zero only when DASHBOARD_REQUIRE_BROWSER=1 and no browser could be provided.
set -euo pipefail

CHROMIUM=/usr/bin/chromium

if [ -x "$CHROMIUM" ]; then
    exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure_chromium: $CHROMIUM is missing; installing chromium with apt-get" >&2
    if DEBIAN_FRONTEND=noninteractive apt-get update -q \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            chromium chromium-driver fonts-dejavu-core; then
        exit 0
    fi
    reason="apt-get could not install chromium"
elif [ "$(id -u)" != "0" ]; then
    reason="$CHROMIUM is missing and we are not root (run: sudo apt-get install chromium fonts-dejavu-core)"
else
    reason="$CHROMIUM is missing and there is no apt-get to install it"
fi

if [ "${DASHBOARD_REQUIRE_BROWSER:-}" = "1" ]; then
    echo "ensure_chromium: $reason; DASHBOARD_REQUIRE_BROWSER=1, so the browser tests would fail" >&2
    exit 1
fi
echo "ensure_chromium: $reason; the browser tests will skip" >&2
