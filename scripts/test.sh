#!/usr/bin/env bash
# The whole test suite: installs what is missing, starts the local databases, builds, runs every test
# (pure and live), and stops the databases again if it started them.
set -euo pipefail
cd "$(dirname "$0")/.."

[ -x /opt/swift/usr/bin/swift ] && ! command -v swift >/dev/null 2>&1 && export PATH=/opt/swift/usr/bin:$PATH

started=false
if ! scripts/databases.sh status; then
  started=true
fi
cleanup() { if $started; then scripts/databases.sh down; fi; }
trap cleanup EXIT
scripts/databases.sh up
eval "$(scripts/databases.sh env)"

swift build --build-tests
swift test --skip-build
