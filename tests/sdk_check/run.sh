#!/bin/sh
# CTest entry: runs check.mjs with node --test, or exits 77 (skip) when node
# or the installed packages (see install.sh) are missing.
here=$(cd "$(dirname "$0")" && pwd)
if ! command -v node >/dev/null 2>&1; then
  echo "skipping: node is not installed"; exit 77
fi
if [ ! -d "$here/node_modules/@slack/socket-mode" ] || [ ! -d "$here/node_modules/@slack/web-api" ]; then
  echo "skipping: $here/node_modules missing; run tests/sdk_check/install.sh"; exit 77
fi
if [ -z "$SLACK_SIM" ]; then
  echo "SLACK_SIM is not set"; exit 1
fi
cd "$here" && exec node --test check.mjs
