#!/bin/sh
# What the browser tests need on a fresh machine: Debian's chromium (never Playwright's own
# browser download, which cannot be fetched) and axe-core from npm, pinned, in a gitignored folder.
# The playwright Python package comes with `make install` (requirements/test.txt, pinned).
set -e
HERE=$(cd "$(dirname "$0")" && pwd)
AXE_VERSION=4.14.1
if [ ! -x /usr/bin/chromium ]; then
  echo "==> Instalando chromium (apt-get) para las pruebas en navegador"
  apt-get update -q
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi
if [ ! -f "$HERE/node_modules/axe-core/axe.min.js" ] || \
   ! grep -q "\"version\": \"$AXE_VERSION\"" "$HERE/node_modules/axe-core/package.json"; then
  echo "==> Instalando axe-core $AXE_VERSION (npm) para las pruebas de accesibilidad"
  npm install --prefix "$HERE" --no-save --no-audit --no-fund --no-package-lock "axe-core@$AXE_VERSION" >/dev/null
fi
