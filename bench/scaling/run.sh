#!/usr/bin/env bash
# Scale-out latency: the same searches on (a) one index, (b) two local shards
# (a stub with two `auto` lines) and (c) two remote shards (a stub with two
# `remote` lines, each shard served by its own xapian-tcpsrv on loopback),
# in the same run, through the query engine in process.
#
#   bench/scaling/run.sh [BUILD_DIR]        (BUILD_DIR defaults to <repo>/build)
#
# Needs BUILD_DIR/indexer/lantern-index and
# BUILD_DIR/bench/scaling/lantern-bench-scaling-latency, e.g.
#   cmake --build build --target lantern-index lantern-bench-scaling-latency -j2
# and xapian-tcpsrv (Debian: xapian-tools).
#
# Corpora: the bundled corpus/ with bench/scaling/queries.txt (40 queries),
# and, when the shared corpora are there ($LANTERN_SHARED_DIR/corpora, default
# <repo>/../shared/corpora), SciFact and Cranfield converted by
# bench/relevance/convert.py with their own queries. Each corpus is indexed
# once whole, once as `--shard 0/2` and `--shard 1/2`, and once
# `--spelling-only` (the dictionary the remote stub needs). For each request
# class, each configuration runs the same queries one after another on one
# engine (one thread): an untimed warm-up pass, then timed passes; each
# search timed alone (no process start, no HTTP). Request classes:
#   page     10 hits with snippets (lanternd's default search)
#   facets   10 hits with snippets and every facet counted
#   count    no hits: totals and every facet (the match alone)
# Environment:
#   LANTERN_BENCH_PASSES        timed passes (default 5 bundled, 2 shared)
#   LANTERN_BENCH_MAX_QUERIES   queries taken from a shared collection (default 100)
#   LANTERN_BENCH_KEEP=1        keep the temporary folder and say where
#
# Prints a table (p50 / p99 ms) and writes BUILD_DIR/bench/scaling-results.json.
# A benchmark, not a test: it never fails on a slow figure. Absolute times move
# with the machine's load: compare the columns of one run.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(git -C "$script_dir" rev-parse --show-toplevel 2>/dev/null || (cd "$script_dir/../.." && pwd))

if [ $# -gt 1 ] || [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
  echo "usage: bench/scaling/run.sh [BUILD_DIR]" >&2
  exit 2
fi
build=${1:-$repo/build}
build=$(cd "$build" 2>/dev/null && pwd) || { echo "bench/scaling: no build directory ${1:-$repo/build}" >&2; exit 2; }
lantern_index=$build/indexer/lantern-index
latency=$build/bench/scaling/lantern-bench-scaling-latency
for bin in "$lantern_index" "$latency"; do
  if [ ! -x "$bin" ]; then
    echo "bench/scaling: $bin not built; run:" >&2
    echo "  cmake --build $build --target lantern-index lantern-bench-scaling-latency -j2" >&2
    exit 2
  fi
done
if ! command -v xapian-tcpsrv >/dev/null; then
  echo "SKIP bench/scaling: xapian-tcpsrv not installed (Debian: xapian-tools)"
  exit 0
fi
command -v python3 >/dev/null || { echo "bench/scaling: python3 is needed" >&2; exit 2; }

shared=${LANTERN_SHARED_DIR:-$repo/../shared}
max_queries=${LANTERN_BENCH_MAX_QUERIES:-100}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lantern-bench-scaling.XXXXXX")
servers=()   # process-group ids of the xapian-tcpsrv started (each in its own session)
stop_servers() {
  for group in ${servers[@]+"${servers[@]}"}; do
    kill -KILL -- "-$group" 2>/dev/null || true
  done
  servers=()
}
cleanup() {
  stop_servers
  if [ "${LANTERN_BENCH_KEEP:-0}" = 1 ]; then
    echo "bench/scaling: kept $tmp"
  else
    rm -rf "$tmp"
  fi
}
trap cleanup EXIT

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# serve DATABASE: starts xapian-tcpsrv in a session of its own on a free
# loopback port (it forks a child per connection: the group is killed at
# exit) and sets $served_port once it listens. Not to be run in a $(...)
# subshell: `servers` must be this shell's list.
serve() {
  local port group tries=0
  port=$(free_port)
  setsid xapian-tcpsrv --quiet --interface 127.0.0.1 --port "$port" "$1" > "$tmp/tcpsrv-$port.log" 2>&1 &
  group=$!
  servers+=("$group")
  until (exec 3<> "/dev/tcp/127.0.0.1/$port") 2>/dev/null; do
    tries=$((tries + 1))
    if [ "$tries" -gt 200 ] || ! kill -0 "$group" 2>/dev/null; then
      echo "bench/scaling: xapian-tcpsrv on $1 did not start:" >&2
      cat "$tmp/tcpsrv-$port.log" >&2
      exit 1
    fi
    sleep 0.05
  done
  served_port=$port
}

index() {   # index CORPUS INDEX [OPTIONS...]
  local corpus=$1 target=$2
  shift 2
  local status=0
  "$lantern_index" --quiet --index "$target" "$@" "$corpus" > "$target.out" 2> "$target.err" || status=$?
  if [ "$status" -gt 1 ]; then
    cat "$target.err" >&2
    echo "bench/scaling: lantern-index $* $corpus failed (exit $status)" >&2
    exit 1
  fi
}

results=$tmp/results.jsonl
: > "$results"
classes=(page facets count)
configurations=(one local remote)

# bench NAME CORPUS QUERIES PASSES
bench() {
  local name=$1 corpus=$2 queries=$3 passes=$4 work=$tmp/$1
  mkdir -p "$work"
  echo "== $name: indexing (one index, 2 shards, dictionary)" >&2
  index "$corpus" "$work/single"
  index "$corpus" "$work/shard0" --shard 0/2
  index "$corpus" "$work/shard1" --shard 1/2
  index "$corpus" "$work/dictionary" --spelling-only
  local port0 port1 served_port
  serve "$work/shard0/current/public"
  port0=$served_port
  serve "$work/shard1/current/public"
  port1=$served_port
  mkdir -p "$work/local/public" "$work/remote/public"
  printf 'auto ../../shard0/current/public\nauto ../../shard1/current/public\n' > "$work/local/public/XAPIANDB"
  printf 'auto ../../dictionary/current/public\nremote 127.0.0.1:%s\nremote 127.0.0.1:%s\n' \
    "$port0" "$port1" > "$work/remote/public/XAPIANDB"
  local documents
  documents=$(sed -n 's/^added \([0-9]*\),.*/\1/p' "$work/single.out" | tail -n 1)
  for class in "${classes[@]}"; do
    local options=()
    case $class in
      page) options=(--limit 10) ;;
      facets) options=(--limit 10 --facets) ;;
      count) options=(--limit 0 --facets) ;;
    esac
    for configuration in "${configurations[@]}"; do
      local target=$work/single
      [ "$configuration" = local ] && target=$work/local
      [ "$configuration" = remote ] && target=$work/remote
      echo "   $class on $configuration" >&2
      local line status=0
      line=$("$latency" --index "$target" --queries "$queries" --passes "$passes" "${options[@]}" \
        --label "$name $class $configuration" 2> "$work/$class-$configuration.err") || status=$?
      if [ -z "$line" ] || [ "$status" -gt 1 ]; then
        cat "$work/$class-$configuration.err" >&2
        echo "bench/scaling: $name $class on $configuration failed (exit $status)" >&2
        exit 1
      fi
      printf '{"corpus":"%s","documents":%s,"class":"%s","configuration":"%s","result":%s}\n' \
        "$name" "${documents:-0}" "$class" "$configuration" "$line" >> "$results"
    done
  done
  stop_servers
}

bench bundled "$repo/corpus" "$script_dir/queries.txt" "${LANTERN_BENCH_PASSES:-5}"
for collection in scifact cranfield; do
  source_dir=$shared/corpora/$collection
  if [ -f "$source_dir/corpus.jsonl" ] && [ -f "$source_dir/queries.tsv" ]; then
    python3 "$repo/bench/relevance/convert.py" "$source_dir/corpus.jsonl" "$repo/corpus/schema.yaml" \
      "$tmp/$collection-corpus" > /dev/null
    head -n "$max_queries" "$source_dir/queries.tsv" > "$tmp/$collection-queries.tsv"
    bench "$collection" "$tmp/$collection-corpus" "$tmp/$collection-queries.tsv" "${LANTERN_BENCH_PASSES:-2}"
  else
    echo "bench/scaling: no $source_dir/corpus.jsonl; $collection skipped" >&2
  fi
done

mkdir -p "$build/bench"
python3 - "$results" "$build/bench/scaling-results.json" <<'EOF'
import json, os, sys
rows = [json.loads(line) for line in open(sys.argv[1])]
load = os.getloadavg()[0]
json.dump({"load_average_1min": load, "results": rows}, open(sys.argv[2], "w"), indent=1)
cell = {}
for row in rows:
    cell[(row["corpus"], row["class"], row["configuration"])] = row
print()
print("| corpus (docs) | request | one index | two local shards | two remote shards |")
print("| --- | --- | --- | --- | --- |")
for corpus in dict.fromkeys(row["corpus"] for row in rows):
    for klass, title in (("page", "10 hits + snippets"), ("facets", "10 hits + snippets + all facets"),
                         ("count", "totals + all facets, no hits")):
        figures = []
        for configuration in ("one", "local", "remote"):
            result = cell[(corpus, klass, configuration)]["result"]
            figures.append(f"{result['p50_ms']:.2f} / {result['p99_ms']:.2f}"
                           + (f" ({result['failed']} failed)" if result["failed"] else ""))
        documents = cell[(corpus, klass, "one")]["documents"]
        queries = cell[(corpus, klass, "one")]["result"]["queries"]
        print(f"| {corpus} ({documents}, {queries} queries) | {title} | " + " | ".join(figures) + " |")
print()
print(f"p50 / p99 ms of one lantern_engine_search, one thread, loopback; load average {load:.1f}"
      f" on {os.cpu_count()} cores")
print("results:", sys.argv[2])
EOF
