#!/usr/bin/env bash
# `npm start`: set up what is missing, build, and run Pyhost in the
# foreground: the api (on its unix socket) and the router (on PYHOST_PORT,
# default 8080) as two processes. Ctrl-C or SIGTERM stops both gracefully;
# if either one dies, the other is stopped too and this exits non-zero.
# Running web apps keep running and are picked up again at the next start.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

bash scripts/setup.sh
echo "start: building"
npm run build --silent

export PYHOST_DATA="${PYHOST_DATA:-$REPO_ROOT/data}"
echo "start: Pyhost on http://localhost:${PYHOST_PORT:-8080}/ (data in $PYHOST_DATA)"

node control-plane/dist/server.js &
api=$!
node control-plane/dist/router-main.js &
router=$!

signalled=0
stop_both() {
  kill -TERM "$api" "$router" 2>/dev/null || true
}
trap 'signalled=1; stop_both' INT TERM

# Wait for the first of the two to end (or for a signal to interrupt the wait).
set +e
wait -n "$api" "$router"
status=$?
stop_both
wait "$api" 2>/dev/null
wait "$router" 2>/dev/null
set -e

if [ "$signalled" = 1 ]; then
  exit 0 # stopped by Ctrl-C or SIGTERM: both have shut down gracefully
fi
echo "start: a Pyhost process exited (status $status); stopped the other" >&2
exit $(( status == 0 ? 1 : status ))
