#!/usr/bin/env bash
# The Python grpcio client test: generates stubs from proto/ with grpcio-tools in a venv,
# starts `redress serve` on the embedded default in a temp directory, mints tokens and runs
# scenario.py against it. Called by scripts/test.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
venv="$root/target/python-venv"
if [ ! -x "$venv/bin/python" ] || ! "$venv/bin/python" -c 'import grpc_tools, grpc_health' 2>/dev/null; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q --disable-pip-version-check grpcio grpcio-tools grpcio-health-checking
fi
work=$(mktemp -d)
trap 'kill "${server:-0}" 2>/dev/null || true; wait "${server:-0}" 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/gen"
(cd "$root/proto" && "$venv/bin/python" -m grpc_tools.protoc -I. -I"$root/third_party/googleapis" \
  --python_out="$work/gen" --grpc_python_out="$work/gen" redress/v1/*.proto \
  -I"$root/third_party/googleapis" google/type/date.proto google/api/field_behavior.proto)

bin="$root/target/debug/redress"
cargo build -q -p redress --bin redress --manifest-path "$root/Cargo.toml"
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
(cd "$work" && RUST_LOG=debug exec "$bin" serve --log-format json --listen "127.0.0.1:$port" --data-dir "$work/data" >"$work/server.log" 2>&1) &
server=$!
for _ in $(seq 1 100); do
  if "$venv/bin/python" - "$port" <<'PY' 2>/dev/null; then break; fi
import sys, grpc
from grpc_health.v1 import health_pb2, health_pb2_grpc
ch = grpc.insecure_channel(f"127.0.0.1:{sys.argv[1]}")
health_pb2_grpc.HealthStub(ch).Check(health_pb2.HealthCheckRequest(), timeout=1)
PY
  sleep 0.2
done
crm=$("$bin" token --data-dir "$work/data" --user py-crm --role crm --team crt-leeds)
reporting=$("$bin" token --data-dir "$work/data" --user py-mi --role reporting --team mi)
"$venv/bin/python" "$root/tests/python/scenario.py" "127.0.0.1:$port" "$crm" "$reporting" "$work/gen"

# SPEC P1: no personal data in logs. The scenario's complainant must not appear in the
# server's JSON log (debug level), however the complaint was handled.
if grep -qiE 'Pythonia|pythonia@example\.org|07700900999' "$work/server.log"; then
  echo "FAIL personal data found in the server log" >&2
  grep -iE 'Pythonia|pythonia@example\.org|07700900999' "$work/server.log" | head -3 >&2
  exit 1
fi
python3 -c 'import json,sys; [json.loads(l) for l in open(sys.argv[1]) if l.strip()]' "$work/server.log"
echo "ok   server log is JSON and carries no personal data ($(wc -l <"$work/server.log") lines)"
