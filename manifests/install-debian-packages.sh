#!/bin/sh
# Installs the packages listed in debian-packages.txt (uses sudo when not root).
set -eu
here=$(dirname "$0")
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
packages=$(grep -v '^[[:space:]]*#' "$here/debian-packages.txt" | tr -s '[:space:]' ' ')
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $packages >/dev/null
