#!/usr/bin/env bash
# Installs what the end-to-end tests need, idempotently (CI calls it on a fresh machine):
#   - Debian packages: chromium (driven by playwright-core), neovim (second LSP client),
#     ripgrep and the build tools code-server's native modules need;
#   - code-server 4.100.3 from the npm registry into .e2e/code-server (install-code-server.sh);
#   - the packaged extension, leaklint.vsix (npm run package).
# Already-present pieces are skipped; a second run takes a few seconds plus packaging.
set -euo pipefail
cd "$(dirname "$0")/../.."
start=$(date +%s)

packages=(build-essential python3 pkg-config libkrb5-dev libx11-dev libxkbfile-dev libsecret-1-dev ripgrep chromium neovim)
missing=()
for pkg in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "== apt-get install ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null
fi

if [ ! -x .e2e/code-server/node_modules/.bin/code-server ]; then
  echo "== installing code-server into .e2e/code-server"
  mkdir -p .e2e
  sh test/e2e/install-code-server.sh .e2e/code-server > .e2e/code-server-install.log 2>&1 \
    || { tail -40 .e2e/code-server-install.log; exit 1; }
fi

echo "== packaging leaklint.vsix"
npm run --silent package > .e2e/package.log 2>&1 || { tail -40 .e2e/package.log; exit 1; }
echo "== e2e setup done in $(( $(date +%s) - start ))s ($(du -h leaklint.vsix | cut -f1) vsix)"
