#!/usr/bin/env bash
# `npm start`: set up what is missing, build, and run Pyhost in the
# foreground: the api (on its unix socket) and the router (on PYHOST_PORT,
# default 8080) as two processes under a small supervisor
# (control-plane/src/supervisor.ts). When either one dies, the supervisor
# starts it again (at once, then with a growing delay if it keeps dying,
# each logged) and leaves the other running: web apps stay served while
# the api is away. Ctrl-C or SIGTERM stops both gracefully.
# Running web apps keep running and are picked up again at the next start.
#
# Exit status: 0 when stopped by Ctrl-C or SIGTERM and both processes shut
# down cleanly; 2 for a bad setting (named on stderr). When the api or the
# router cannot start at all (it dies 5 times in a row without ever staying
# up), both stop and the status is that process's last one: 2 for the
# problems it names at start (no Docker Engine, no runtime image, …), or 1
# if it died of a signal. 1 also when a process did not shut down cleanly
# (an error, or still running 20 s after the signal, so killed). When
# setup or the build fails, their status.
set -euo pipefail

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

bash scripts/setup.sh
echo "start: building"
npm run build --silent

export PYHOST_DATA="${PYHOST_DATA:-$REPO_ROOT/data}"
echo "start: Pyhost on http://localhost:${PYHOST_PORT:-8080}/ (data in $PYHOST_DATA)"

# exec: signals (Ctrl-C, SIGTERM) go straight to the supervisor.
exec node control-plane/dist/supervisor.js
