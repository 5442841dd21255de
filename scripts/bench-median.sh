#!/usr/bin/env bash
# Runs a benchmark command N times (default 3) and prints, for every metric
# of every benchmark line, the median of the N runs and each run's value:
#
#   scripts/bench-median.sh 3 go test ./queries/rowbinary -run '^$' -bench EncodeUsageRow -benchmem
#
# BENCHMARKS.md's "median of 3 runs" figures come from this. The shared
# machines are noisy, so one run is one sample; a median of a few runs is
# what a table can honestly quote, with the runs beside it. Benchmarks that
# already take a median inside a run (of several calls) report that as a
# metric, and this takes the median of those across runs.
#
# It reads `go test -bench` output: a line "BenchmarkName-P  iterations
# value unit [value unit]..." (ns/op, B/op, allocs/op, and whatever the
# benchmark reports with b.ReportMetric), grouped under the "pkg:" line
# before it. Each run's full output goes to stderr as it comes, so a long
# run shows progress; the summary goes to stdout. A run that fails stops
# the script with its exit status.
set -euo pipefail

runs=3
if [[ $# -gt 0 && $1 =~ ^[0-9]+$ ]]; then
  runs=$1
  shift
fi
if [[ $# -eq 0 || $runs -lt 1 ]]; then
  echo "usage: $0 [N] COMMAND [ARG...]   (N runs, default 3; e.g. $0 3 go test ./queries/rowbinary -run '^\$' -bench EncodeUsageRow)" >&2
  exit 2
fi

out=$(mktemp)
trap 'rm -f "$out"' EXIT
for ((i = 1; i <= runs; i++)); do
  echo "bench-median: run $i of $runs: $*" >&2
  # The run's number before every line, so the summary can tell the runs apart.
  if ! "$@" 2>&1 | tee /dev/stderr | sed "s/^/$i	/" >>"$out"; then
    echo "bench-median: run $i failed" >&2
    exit 1
  fi
done

awk -F'\t' -v runs="$runs" '
  # Large values (ns/op of a long run) in full, others to 6 significant digits.
  function show(x) { return (x >= 1e6 || x <= -1e6) ? sprintf("%.0f", x) : sprintf("%.6g", x) }
  function median(list,   n, v, i, j, t) {
    n = split(list, v, " ")
    for (i = 2; i <= n; i++) {           # insertion sort, numerically
      t = v[i] + 0
      for (j = i - 1; j >= 1 && v[j] + 0 > t; j--) v[j + 1] = v[j]
      v[j + 1] = t
    }
    return n % 2 ? v[(n + 1) / 2] + 0 : (v[n / 2] + v[n / 2 + 1]) / 2
  }
  {
    run = $1
    line = substr($0, length($1) + 2)
  }
  line ~ /^pkg: / { pkg = substr(line, 6); next }
  line ~ /^Benchmark[^ \t]*[ \t]+[0-9]+[ \t]/ {
    n = split(line, f, /[ \t]+/)
    for (k = 3; k + 1 <= n; k += 2) {
      if (f[k] !~ /^-?[0-9.]+([eE][-+]?[0-9]+)?$/) break
      key = pkg SUBSEP f[1] SUBSEP f[k + 1]
      if (!(key in vals)) { order[++nkeys] = key }
      vals[key] = vals[key] " " f[k]
      count[key]++
    }
  }
  END {
    if (nkeys == 0) { print "bench-median: no benchmark lines in the output" > "/dev/stderr"; exit 1 }
    last = ""
    for (i = 1; i <= nkeys; i++) {
      split(order[i], p, SUBSEP)
      if (p[1] != last) { printf "%spkg: %s\n", (i > 1 ? "\n" : ""), p[1]; last = p[1] }
      printf "%-40s %-14s median %-14s of %d: %s\n", p[2], p[3], show(median(vals[order[i]])), count[order[i]], substr(vals[order[i]], 2)
    }
  }
' "$out"
