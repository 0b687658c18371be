#!/bin/sh
# CTest entry: runs check.mjs with node --test. Where node or the installed
# packages (see install.sh) are missing it skips (exit 77) on a developer's
# machine, and fails in CI (CI set), where .ci/run installs them.
here=$(cd "$(dirname "$0")" && pwd)
missing() {
  if [ -n "$CI" ]; then echo "$1 (CI must run this check)"; exit 1; fi
  echo "skipping: $1"; exit 77
}
command -v node >/dev/null 2>&1 || missing "node is not installed"
if [ ! -d "$here/node_modules/@slack/socket-mode" ] || [ ! -d "$here/node_modules/@slack/web-api" ]; then
  missing "$here/node_modules missing; run tests/sdk_check/install.sh"
fi
if [ -z "$SLACK_SIM" ]; then
  echo "SLACK_SIM is not set"; exit 1
fi
cd "$here" && exec node --test check.mjs
