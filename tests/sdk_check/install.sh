#!/bin/sh
# Installs the pinned official Slack SDK packages for check.mjs (CI calls this).
set -e
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
