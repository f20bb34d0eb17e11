#!/usr/bin/env bash
# `npm start`: set up what is missing, build, and run Pyhost in the
# foreground on PYHOST_PORT (default 8080). Ctrl-C stops it gracefully;
# running web apps keep running and are picked up again at the next start.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

bash scripts/setup.sh
echo "start: building"
npm run build --silent

export PYHOST_DATA="${PYHOST_DATA:-$REPO_ROOT/data}"
echo "start: Pyhost on http://localhost:${PYHOST_PORT:-8080}/ (data in $PYHOST_DATA)"
exec node control-plane/dist/server.js
