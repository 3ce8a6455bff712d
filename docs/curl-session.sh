#!/usr/bin/env bash
# The README's curl session, runnable: token → upload → generate → watch (SSE) → download.
# GENBOX_URL (http://localhost:3000), GENBOX_EMAIL and GENBOX_PASSWORD (the demo user's by default),
# IMAGE (a PNG or JPEG to animate). test/cli/curl-session.test.ts runs it against a real server.
set -euo pipefail
URL=${GENBOX_URL:-http://localhost:3000}
EMAIL=${GENBOX_EMAIL:-demo@genbox.local}
PASSWORD=${GENBOX_PASSWORD:-genbox-demo}
IMAGE=${IMAGE:-still.png}

# 1. a token: log in, then make a long-lived one for the script (shown once)
SESSION=$(curl -sf -X POST "$URL/api/auth/login/" -H 'Content-Type: application/json' \
  -d "{\"email\": \"$EMAIL\", \"password\": \"$PASSWORD\"}" | jq -r .token)
TOKEN=$(curl -sf -X POST "$URL/api/auth/tokens/" -H "Authorization: Token $SESSION" \
  -H 'Content-Type: application/json' -d '{"name": "curl session"}' | jq -r .token)
AUTH="Authorization: Token $TOKEN"

# 2. upload an image into the first box (multipart field `file`, caption `prompt_text`)
BOX=$(curl -sf "$URL/api/boxes/" -H "$AUTH" | jq -r '.items[0].id')
PARENT=$(curl -sf -X POST "$URL/api/boxes/$BOX/upload/" -H "$AUTH" \
  -F "file=@$IMAGE" -F 'prompt_text=first frame' | jq -r .id)
echo "uploaded $PARENT"

# 3. generate: animate it with the built-in local-animate model; the box's seq first, to watch from there
SEQ=$(curl -sf "$URL/api/boxes/$BOX/" -H "$AUTH" | jq -r .seq)
MODEL=$(curl -sf "$URL/api/models/" -H "$AUTH" | jq -r '.items[] | select(.slug == "local-animate") | .id')
ASSET=$(curl -sf -X POST "$URL/api/boxes/$BOX/generate/" -H "$AUTH" -H 'Content-Type: application/json' \
  -d "{\"prompt\": \"slow push in\", \"ai_model_id\": \"$MODEL\", \"parent_asset_id\": \"$PARENT\", \"generation_config\": {\"duration\": 2}}" | jq -r .id)
echo "started $ASSET"

# 4. watch the box's events (SSE), replayed from that seq, until the asset is done
exec 3< <(curl -sfN "$URL/api/boxes/$BOX/events" -H "$AUTH" -H "Last-Event-ID: $SEQ")
EVENTS=$!
while read -r line <&3; do
  [[ $line == data:* ]] || continue
  state=$(jq -r --arg id "$ASSET" 'select(.asset.id? == $id) | "\(.asset.status) \(.asset.progress // "")"' <<<"${line#data: }")
  [ -n "$state" ] && echo "seq $(jq -r .seq <<<"${line#data: }"): $state"
  case "$state" in COMPLETED*|FAILED*|CANCELED*) break ;; esac
done
kill "$EVENTS"

# 5. download the result
curl -sf "$URL/api/assets/$ASSET/" -H "$AUTH" | jq -r '"\(.status) \(.mime_type) \(.width)x\(.height) \(.duration_s)s"'
curl -sf -o "$ASSET.mp4" "$URL/api/assets/$ASSET/file" -H "$AUTH"
echo "saved $ASSET.mp4"
