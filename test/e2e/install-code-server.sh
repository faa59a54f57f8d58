#!/bin/sh
# (Copied from the shared e2e recipe so CI needs nothing outside the repository.)
# Offline-ish install of code-server 4.100.3 (needs: npm registry only).
# usage: install-code-server.sh DIR
# Prereqs (Debian bookworm, root): Node 20 with headers in /usr/include/node
#   apt-get install -y build-essential python3 pkg-config libkrb5-dev libx11-dev \
#       libxkbfile-dev libsecret-1-dev ripgrep
set -eu
DIR=$1
mkdir -p "$DIR"
DIR=$(cd "$DIR" && pwd)

# 1. @vscode/ripgrep's postinstall downloads rg from GitHub unless the release
#    asset is already in $TMPDIR/vscode-ripgrep-cache-<pkgversion>/. Prime that
#    cache with a tarball holding Debian's /usr/bin/rg (it just runs
#    `tar xvf <asset> -C bin/` and checks for bin/rg).
#    code-server 4.100.3 pins @vscode/ripgrep 1.15.11 -> ripgrep v13.0.0-10.
RG_CACHE="$DIR/tmp/vscode-ripgrep-cache-1.15.11"
mkdir -p "$RG_CACHE"
case "$(uname -m)" in
  x86_64) RG_TARGET=x86_64-unknown-linux-musl ;;
  aarch64) RG_TARGET=aarch64-unknown-linux-musl ;;
  *) echo "unsupported arch $(uname -m)"; exit 1 ;;
esac
tar czf "$RG_CACHE/ripgrep-v13.0.0-10-$RG_TARGET.tar.gz" -C /usr/bin rg

cd "$DIR"
[ -f package.json ] || cat > package.json <<'JSON'
{ "name": "code-server-host", "private": true,
  "allowScripts": { "code-server": true, "argon2": true } }
JSON

# 2. One npm install. code-server's postinstall runs `npm install --omit=dev`
#    in lib/vscode and lib/vscode/extensions; native modules (kerberos,
#    node-pty, spdlog, ...) build with node-gyp against /usr/include/node.
#    TMPDIR            -> where @vscode/ripgrep looks for its cache
#    npm_config_nodedir=/usr -> node-gyp uses local headers (no nodejs.org download)
#    npm_config_yes=true     -> node-pty's postinstall runs `npx node-gyp ...`
#    npm_config_unsafe_perm  -> code-server's postinstall.sh insists on it as root
TMPDIR="$DIR/tmp" \
npm_config_nodedir=/usr \
npm_config_yes=true \
npm_config_unsafe_perm=true \
  npm install --no-audit --no-fund code-server@4.100.3

test -x "$DIR/node_modules/code-server/lib/vscode/node_modules/@vscode/ripgrep/bin/rg"
# (--version alone still creates ~/.local/share/code-server/coder-logs: isolate XDG dirs)
XDG_DATA_HOME="$DIR/tmp/xdg-data" XDG_CONFIG_HOME="$DIR/tmp/xdg-config" \
  "$DIR/node_modules/.bin/code-server" --config /dev/null --version
