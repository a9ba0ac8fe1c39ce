#!/usr/bin/env bash
# schemathesis (pinned in requirements.txt) against the local API: every operation of /openapi.json
# with a bounded number of generated requests (positive and negative), every check (no 5xx, documented
# status codes, content types and bodies, bad requests refused, good ones accepted), plus its stateful
# phase (links: /run → /status/{id} …). The API runs over the tiny stand-in models on 127.0.0.1.
#   scripts/api-twin/schemathesis.sh [MAX_EXAMPLES]      (default 20 per operation)
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=$(scripts/api-twin/setup.sh)
ST="$(dirname "$PY")/schemathesis"
MAX_EXAMPLES=${1:-20}
PORT=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
LOG=.cache/api-twin/serve-api.log

# Webhooks only to a host no generated URL names: each is refused (403, documented) rather than
# posted to whatever host the generator made up.
FETCH_ALLOWED_HOSTS=webhook.invalid STAND_IN_MODELS=always MODELS_DIR=.cache/api-twin/models EXECUTION_PROVIDERS=cpu LOG_LEVEL=warn \
  node --initial-old-space-size=256 --import tsx handler.ts --serve-api --rp_api_host 127.0.0.1 --rp_api_port "$PORT" >"$LOG" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null; wait $SERVER 2>/dev/null || true' EXIT

# ready once the models are loaded: /health counts a ready worker
if ! node -e '
  const url = process.argv[1], deadline = Date.now() + 60_000;
  (async () => {
    while (Date.now() < deadline) {
      try { if ((await (await fetch(url)).json()).workers.ready > 0) return; } catch {}
      await new Promise((r) => setTimeout(r, 200));
    }
    process.exit(1);
  })();' "http://127.0.0.1:$PORT/health"; then
  echo "schemathesis: the local API did not start:"; cat "$LOG"; exit 1
fi

status=0
SCHEMATHESIS_HOOKS=scripts/api-twin/hooks.py "$ST" run "http://127.0.0.1:$PORT/openapi.json" \
  --checks all --max-examples "$MAX_EXAMPLES" --seed 20261130 --workers 2 \
  --request-timeout 20 --no-color --output-truncate true --generation-database none \
  --report junit --report-dir artifacts/schemathesis || status=$?
if ! kill -0 $SERVER 2>/dev/null; then echo "schemathesis: the local API died during the run:"; tail -50 "$LOG"; exit 1; fi
exit $status
