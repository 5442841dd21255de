#!/bin/bash
# bench-cache.sh BIN DATA TTL PATH... — the cache benchmark of BENCHMARKS.md
# ("Cache: invalidation and stale-while-revalidate"): BIN serve --demo on
# DATA with --api-cache-ttl TTL, wait until the demo history has loaded,
# then for each PATH a 2 s warm-up and wrk -t2 -c50 -d15s --latency with
# gzip (as BenchmarkHTTPLoad does), counting answers by their X-Cache
# header (a miss waited for a fill; scripts/xcache.lua).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
lib=${IMSCOPE_LIBCHDB:-$here/../third_party/node_modules/@chdb/lib-linux-x64-gnu/libchdb.so}
bin=$(realpath "$1") data=$2 ttl=$3
shift 3
dir=$(mktemp -d)
"$bin" serve --demo --listen 127.0.0.1:0 --data "$data" --libchdb "$lib" --log-level warn --api-cache-ttl "$ttl" >"$dir/out" 2>"$dir/err" &
pid=$!
trap 'kill -INT $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$dir"' EXIT
url=
for _ in $(seq 1 1200); do
	url=$(grep -o 'http://[0-9.:]*' "$dir/out" | head -1 || true)
	[ -n "$url" ] && break
	sleep 0.5
done
[ -n "$url" ] || { cat "$dir/err"; exit 1; }
for _ in $(seq 1 900); do
	curl -s "$url/api/v1/collectors" | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(0 if any(c["name"]=="demo-history" and c["status"]=="ok" for c in d["data"]["collectors"]) else 1)' 2>/dev/null && break
	sleep 1
done
echo "serving $url ($(basename "$bin"), ttl $ttl)"
for path in "$@"; do
	wrk -t1 -c4 -d2s "$url$path" >/dev/null
	echo "== $path"
	wrk -t2 -c50 -d15s --latency -H 'Accept-Encoding: gzip' -s "$here/xcache.lua" "$url$path" | grep -E "Requests/sec|^ +(50|75|90|99)%|X-Cache|Socket|Non-2xx"
done
