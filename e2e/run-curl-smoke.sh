#!/usr/bin/env bash
# Starts a throwaway Pyhost (built already, temp data, a free port, sign-up
# open), runs e2e/curl-smoke.sh against it through the router, stops it and
# removes what it created.
set -euo pipefail
REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$REPO_ROOT"

data="$(mktemp -d /tmp/pyhost-smoke.XXXXXX)"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
export PYHOST_DATA="$data" PYHOST_PORT="$port" PYHOST_HOST=127.0.0.1 PYHOST_SIGNUP=open PYHOST_LOG_LEVEL=warn

node control-plane/dist/server.js > "$data/api.out" 2>&1 &
api=$!
node control-plane/dist/ingress-main.js > "$data/router.out" 2>&1 &
router=$!
cleanup() {
  kill -TERM "$api" "$router" 2>/dev/null || true
  wait "$api" "$router" 2>/dev/null || true
  if [ -n "$instance" ]; then
    ids="$(docker ps -aq --filter "label=io.pyhost.instance=$instance")"
    [ -z "$ids" ] || docker rm -f $ids >/dev/null
  fi
  rm -rf "$data"
}
instance=""
trap cleanup EXIT

for _ in $(seq 1 100); do
  curl -sf -H "Host: localhost" "http://127.0.0.1:$port/api/health" >/dev/null && break
  sleep 0.2
done
health="$(curl -sf -H "Host: localhost" "http://127.0.0.1:$port/api/health")" || { cat "$data"/*.out; echo "smoke: the instance did not come up" >&2; exit 1; }
instance="$(echo "$health" | python3 -c 'import json,sys; print(json.load(sys.stdin)["instance"])')"
bash e2e/curl-smoke.sh "http://localhost:$port"
