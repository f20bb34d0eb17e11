#!/usr/bin/env bash
# The API as a script would use it, with nothing but curl: two people sign
# up, make tokens, create and change a web app through the PythonAnywhere-
# shaped paths, upload and read back a file, and fail to see each other's.
# Usage: e2e/curl-smoke.sh http://localhost:8080   (sign-up must be open)
set -euo pipefail

BASE="${1:?usage: $0 BASE_URL}"
RUN="$(date +%s%N | tail -c 7)"
JAR="$(mktemp -d)"
trap 'rm -rf "$JAR"' EXIT
fail() { echo "curl-smoke: FAIL: $*" >&2; exit 1; }
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
status() { curl -s -o /dev/null -w '%{http_code}' "$@"; }

signup() { # name -> prints an API token
  local user="$1" jar="$JAR/$1"
  local code
  code=$(status -c "$jar" -H 'Content-Type: application/json' -d "{\"username\":\"$user\",\"password\":\"secret-$user\"}" "$BASE/api/auth/signup")
  [ "$code" = 201 ] || fail "sign-up $user answered $code"
  local csrf
  csrf=$(curl -sf -b "$jar" "$BASE/api/auth/me" | json '["csrf_token"]')
  curl -sf -b "$jar" -H "X-CSRF-Token: $csrf" -H 'Content-Type: application/json' -d '{"name":"smoke"}' "$BASE/api/auth/tokens" | json '["token"]'
}

alice="alice$RUN"; bob="bob$RUN"
A=$(signup "$alice"); B=$(signup "$bob")
echo "curl-smoke: signed up $alice and $bob"

code=$(status -H "Authorization: Token $A" -X POST -d "domain_name=$alice.localhost&python_version=python311" "$BASE/api/v0/user/$alice/webapps/")
[ "$code" = 201 ] || fail "create web app answered $code"
workers=$(curl -sf -H "Authorization: Token $A" -X PATCH -d 'workers=2&force_https=False' "$BASE/api/v0/user/$alice/webapps/$alice.localhost/" | json '["workers"]')
[ "$workers" = 2 ] || fail "patch did not change workers ($workers)"
echo "curl-smoke: created and patched $alice.localhost"

printf 'print("hello from %s")\n' "$alice" > "$JAR/app.py"
code=$(status -H "Authorization: Token $A" -F "content=@$JAR/app.py" "$BASE/api/v0/user/$alice/files/path/home/$alice/mysite/app.py")
[ "$code" = 201 ] || fail "upload answered $code"
body=$(curl -sf -H "Authorization: Token $A" "$BASE/api/v0/user/$alice/files/path/home/$alice/mysite/app.py")
[ "$body" = "print(\"hello from $alice\")" ] || fail "read back: $body"
echo "curl-smoke: uploaded and read back a file"

for path in "webapps/$alice.localhost/" "files/path/home/$alice/mysite/app.py" "webapps/"; do
  code=$(status -H "Authorization: Token $B" "$BASE/api/v0/user/$alice/$path")
  [ "$code" = 404 ] || fail "$bob reading $alice's $path answered $code"
done
listed=$(curl -sf -H "Authorization: Token $B" "$BASE/api/v0/user/$bob/webapps/" | json '.__len__()')
[ "$listed" = 0 ] || fail "$bob sees $listed web apps"
echo "curl-smoke: $bob sees nothing of $alice's"

curl -sf -H "Authorization: Token $A" -X DELETE "$BASE/api/v0/user/$alice/webapps/$alice.localhost/" >/dev/null
echo "curl-smoke: 1 passed, 0 failed"
