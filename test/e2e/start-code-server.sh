#!/bin/sh
# (Copied from the shared e2e recipe so CI needs nothing outside the repository.)
# Run code-server in the foreground, all state under RUNDIR.
# usage: start-server.sh PORT RUNDIR WORKSPACE [extra code-server args...]
# env:   CS_HOME (the folder given to install-code-server.sh; required)
PORT=$1; RUN=$2; WS=$3; shift 3
CS_HOME=${CS_HOME:?set CS_HOME to the folder given to install-code-server.sh}
mkdir -p "$RUN/ud/User" "$RUN/exts" "$RUN/xdg/config" "$RUN/xdg/data" "$RUN/xdg/cache" "$RUN/tmp"
[ -f "$RUN/ud/User/settings.json" ] || cat > "$RUN/ud/User/settings.json" <<'JSON'
{
  "workbench.startupEditor": "none",
  "security.workspace.trust.enabled": false,
  "telemetry.telemetryLevel": "off",
  "update.mode": "none",
  "extensions.autoUpdate": false,
  "extensions.autoCheckUpdates": false,
  "workbench.enableExperiments": false,
  "workbench.tips.enabled": false,
  "git.enabled": false,
  "files.autoSave": "off"
}
JSON
# code-server writes ~/.config/code-server/config.yaml and ~/.local/share/code-server
# unless told otherwise; keep everything inside RUNDIR.
# The VS Code server also drops vscode-ipc-*.sock files in $TMPDIR. Keep RUNDIR
# short: unix socket paths are limited to 107 bytes.
export XDG_CONFIG_HOME="$RUN/xdg/config" XDG_DATA_HOME="$RUN/xdg/data" XDG_CACHE_HOME="$RUN/xdg/cache"
export TMPDIR="$RUN/tmp"
exec "$CS_HOME/node_modules/.bin/code-server" \
  --config /dev/null --bind-addr "127.0.0.1:$PORT" --auth none \
  --user-data-dir "$RUN/ud" --extensions-dir "$RUN/exts" \
  --disable-telemetry --disable-update-check --disable-workspace-trust \
  --disable-getting-started-override --ignore-last-opened "$@" "$WS"
