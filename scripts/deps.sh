#!/usr/bin/env bash
# Fetches imscope's pinned native library and front-end assets from the npm
# registry into third_party/node_modules (git-ignored):
#   @chdb/lib-linux-x64-gnu 26.5.3  libchdb.so, the embedded ClickHouse engine
#   echarts 5.4.3                   the charting library the dashboard embeds
# npm ci checks each tarball against the sha512 in package-lock.json; the
# files we use are then checked against third_party/SHA256SUMS. Nothing else
# is downloaded, and nothing at run time. ECharts is then copied into
# dashboard/static/vendor/ (git-ignored), which the binary embeds.
#
# `scripts/deps.sh echarts` fetches ECharts alone — what building the binary
# needs, without the 166 MB libchdb download (the container image, which
# talks to a ClickHouse server): the echarts tarball at the version pinned in
# package-lock.json, checked against the lock's sha512 integrity, and its
# dist/echarts.min.js against SHA256SUMS, with curl instead of npm.
set -euo pipefail
scripts=$(cd "$(dirname "$0")" && pwd) # before the cd: $0 may be relative
cd "$scripts/../third_party"

# The dashboard embeds ECharts: it is copied next to its code (go:embed
# cannot reach outside the package), into a git-ignored folder.
vendor_echarts() {
  install -D -m 0644 node_modules/echarts/dist/echarts.min.js ../dashboard/static/vendor/echarts.min.js
}

# lock_field FIELD prints FIELD ("version" or "integrity") of
# node_modules/echarts in package-lock.json.
lock_field() {
  awk -v field="$1" '
    !inside && index($0, "\"node_modules/echarts\": {") { inside = 1; depth = 0 }
    inside {
      line = $0
      depth += gsub(/\{/, "{", line) - gsub(/\}/, "}", line)
      if (depth == 1 && match($0, "^[ \t]*\"" field "\": \"[^\"]*\"")) {
        v = substr($0, RSTART, RLENGTH); sub(/^[^:]*: "/, "", v); sub(/"$/, "", v); print v; exit
      }
      if (depth <= 0) exit
    }' package-lock.json
}

# fetch_echarts puts the pinned ECharts into dashboard/static/vendor/ after
# checking it twice; it never installs a file that fails either check.
fetch_echarts() {
  local want version integrity url want512 got512
  want=$(awk '$2 == "node_modules/echarts/dist/echarts.min.js" { print $1 }' SHA256SUMS)
  if ! [[ $want =~ ^[0-9a-f]{64}$ ]]; then
    echo "deps: third_party/SHA256SUMS has no line for node_modules/echarts/dist/echarts.min.js" >&2
    exit 1
  fi
  # Already here and intact: from a full `scripts/deps.sh`, or an earlier run.
  for f in ../dashboard/static/vendor/echarts.min.js node_modules/echarts/dist/echarts.min.js; do
    if [ -f "$f" ] && echo "$want  $f" | sha256sum --quiet --check >/dev/null 2>&1; then
      [ "$f" = ../dashboard/static/vendor/echarts.min.js ] || install -D -m 0644 "$f" ../dashboard/static/vendor/echarts.min.js
      exit 0
    fi
  done
  version=$(lock_field version)
  integrity=$(lock_field integrity)
  if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ && $integrity =~ ^sha512-[A-Za-z0-9+/]+=*$ ]]; then
    echo "deps: cannot read echarts' version and sha512 integrity from third_party/package-lock.json" >&2
    exit 1
  fi
  if ! command -v curl >/dev/null 2>&1; then
    "$scripts/apt.sh" curl ca-certificates
  fi
  url="${npm_config_registry:-https://registry.npmjs.org}"
  url="${url%/}/echarts/-/echarts-$version.tgz"
  tmp=$(mktemp -d) # global: the EXIT trap runs after this function returns
  trap 'rm -rf "$tmp"' EXIT
  echo "deps: fetching echarts $version from $url..."
  curl -fsSL --retry 3 -o "$tmp/echarts.tgz" "$url"
  want512=$(printf '%s' "${integrity#sha512-}" | base64 -d | od -An -v -tx1 | tr -d ' \n')
  got512=$(sha512sum "$tmp/echarts.tgz" | cut -d' ' -f1)
  if [ ${#want512} -ne 128 ] || [ "$got512" != "$want512" ]; then
    echo "deps: echarts-$version.tgz does not match the sha512 in third_party/package-lock.json; refusing to use it" >&2
    exit 1
  fi
  tar -xzf "$tmp/echarts.tgz" -C "$tmp" package/dist/echarts.min.js
  if ! echo "$want  $tmp/package/dist/echarts.min.js" | sha256sum --quiet --check; then
    echo "deps: echarts.min.js does not match third_party/SHA256SUMS; refusing to use it" >&2
    exit 1
  fi
  install -D -m 0644 "$tmp/package/dist/echarts.min.js" ../dashboard/static/vendor/echarts.min.js
  echo "deps: ok (echarts only)"
}

case "$#:${1:-}" in
  0:) ;;
  1:echarts) fetch_echarts; exit 0 ;;
  *)
    echo "usage: scripts/deps.sh [echarts]" >&2
    echo "  (no argument: libchdb and ECharts with npm ci; echarts: ECharts alone, with curl)" >&2
    exit 2 ;;
esac

if sha256sum --quiet --check SHA256SUMS >/dev/null 2>&1; then
  vendor_echarts # already fetched and intact
  exit 0
fi
if ! command -v npm >/dev/null 2>&1; then
  "$scripts/apt.sh" nodejs npm
fi
echo "deps: fetching pinned packages from the npm registry (libchdb is a 166 MB download)..."
npm ci --ignore-scripts --no-audit --no-fund --loglevel=error
if ! sha256sum --quiet --check SHA256SUMS; then
  echo "deps: a fetched file does not match third_party/SHA256SUMS; refusing to use it" >&2
  exit 1
fi
vendor_echarts
echo "deps: ok"
