#!/usr/bin/env bash
# Fetches imscope's pinned native library and front-end assets from the npm
# registry into third_party/node_modules (git-ignored):
#   @chdb/lib-linux-x64-gnu 26.5.3  libchdb.so, the embedded ClickHouse engine
#   echarts 5.4.3                   the charting library the dashboard embeds
# npm ci checks each tarball against the sha512 in package-lock.json; the
# files we use are then checked against third_party/SHA256SUMS. Nothing else
# is downloaded, and nothing at run time. ECharts is then copied into
# dashboard/static/vendor/ (git-ignored), which the binary embeds.
set -euo pipefail
cd "$(dirname "$0")/../third_party"

# The dashboard embeds ECharts: it is copied next to its code (go:embed
# cannot reach outside the package), into a git-ignored folder.
vendor_echarts() {
  install -D -m 0644 node_modules/echarts/dist/echarts.min.js ../dashboard/static/vendor/echarts.min.js
}

if sha256sum --quiet --check SHA256SUMS >/dev/null 2>&1; then
  vendor_echarts # already fetched and intact
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  "$(dirname "$0")/apt.sh" nodejs npm
fi
echo "deps: fetching pinned packages from the npm registry (libchdb is a 166 MB download)..."
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
if ! sha256sum --quiet --check SHA256SUMS; then
  echo "deps: a fetched file does not match third_party/SHA256SUMS; refusing to use it" >&2
  exit 1
fi
vendor_echarts
echo "deps: ok"
