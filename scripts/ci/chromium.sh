#!/usr/bin/env bash
# Browser for the HTML review-page tests (pytest -m browser).
# Playwright cannot download its own browser on these machines, so the tests drive Debian's
# chromium at /usr/bin/chromium; this script installs it when missing. The Python driver
# (playwright, the `browser` extra) comes with the pinned set in scripts/test.sh.
# Idempotent: a second run does nothing but one check.
set -euo pipefail

if [ ! -x /usr/bin/chromium ]; then
    SUDO=""
    if [ "$(id -u)" -ne 0 ]; then SUDO="sudo -n"; fi
    # Where the browser cannot be installed the browser tests skip, saying why; CI goes on.
    if ! { $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install \
            -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }; then
        echo "ci/chromium.sh: could not install chromium; the browser tests will skip"
        exit 0
    fi
fi

/usr/bin/chromium --version || true
