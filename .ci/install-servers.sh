#!/usr/bin/env bash
# Install the SPARQL servers the store tests run against (called by .ci/run):
#   - Virtuoso 7 (Debian package virtuoso-opensource-7; its service is not started — the test
#     fixtures start their own instance on a free loopback port with a temporary database);
#   - Oxigraph server (PyPI package oxigraph, the 'oxigraph' command) and pyoxigraph.
# Safe to run again: already installed packages are left as they are.
set -euo pipefail

if ! command -v virtuoso-t >/dev/null 2>&1; then
  if [ "$(id -u)" -ne 0 ]; then sudo=sudo; else sudo=; fi
  export DEBIAN_FRONTEND=noninteractive
  # The package asks for a dba password through debconf; keep the default (dba/dba), which
  # the fixtures' temporary databases use anyway.
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends virtuoso-opensource-7 >/dev/null
  # Debian starts the packaged service on installation on some images: the tests do not use it.
  if command -v service >/dev/null 2>&1; then
    $sudo service virtuoso-opensource-7 stop >/dev/null 2>&1 || true
  fi
fi
command -v virtuoso-t >/dev/null
test -f /etc/virtuoso-opensource-7/virtuoso.ini

if ! command -v oxigraph >/dev/null 2>&1 || ! python3 -c "import pyoxigraph" >/dev/null 2>&1; then
  python3 -m pip install --quiet "oxigraph>=0.5,<0.6" "pyoxigraph>=0.5,<0.6"
fi
oxigraph --version
virtuoso-t -? 2>&1 | head -n 1 || true
