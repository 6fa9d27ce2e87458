#!/usr/bin/env bash
# The browser the browser tests drive: Debian's chromium (Playwright's own browser download
# cannot be reached from CI). Playwright itself and axe-core come with the test extra.
set -euo pipefail
if ! command -v chromium >/dev/null 2>&1; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq chromium
fi
chromium --version
