#!/usr/bin/env bash
# Make sure poppler-utils (pdftoppm, pdftotext) is available for the briefing's PDF tests
# (tests/browser/test_briefing_pdf.py turns the PDF into PNG pages and text with them).
#
# When pdftoppm is missing and we are root on a Debian-like system, install poppler-utils with
# apt-get; otherwise say why the PDF tests will skip. Exits non-zero only when
# DASHBOARD_REQUIRE_BROWSER=1 (CI: the PDF tests need Chromium too) and it could not be provided.
set -euo pipefail

if command -v pdftoppm >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1; then
    exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    echo "ensure_poppler: pdftoppm is missing; installing poppler-utils with apt-get" >&2
    if DEBIAN_FRONTEND=noninteractive apt-get update -q \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
            poppler-utils; then
        exit 0
    fi
    reason="apt-get could not install poppler-utils"
elif [ "$(id -u)" != "0" ]; then
    reason="pdftoppm is missing and we are not root (run: sudo apt-get install poppler-utils)"
else
    reason="pdftoppm is missing and there is no apt-get to install it"
fi

if [ "${DASHBOARD_REQUIRE_BROWSER:-}" = "1" ]; then
    echo "ensure_poppler: $reason; DASHBOARD_REQUIRE_BROWSER=1, so the PDF tests would fail" >&2
    exit 1
fi
echo "ensure_poppler: $reason; the PDF tests will skip" >&2
