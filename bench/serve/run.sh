#!/usr/bin/env bash
# Serving benchmark: lanternd over loopback with wrk, against the same
# searches timed in process (lantern-bench-inprocess), on two indexes.
#
#   bench/serve/run.sh [BUILD_DIR]        (BUILD_DIR defaults to <repo>/build)
#
# Needs wrk (Debian package `wrk`), python3, and BUILD_DIR's lantern-index,
# lanternd and bench/lantern-bench-inprocess, e.g.
#   cmake --build build --target lantern-index lanternd lantern-bench-inprocess -j2
#
# Indexes: (a) the bundled corpus/, indexed afresh into a temporary folder;
# (b) a generated corpus of 100,000 resources (generate_corpus.py), indexed
# with lantern-index --full --quiet into BUILD_DIR/bench/serve-100k-index and
# reused on later runs while the generator, corpus/ and the document count
# are unchanged (LANTERN_BENCH_REBUILD=1 forces a new one).
# Requests (queries.txt): (1) plain searches, /api/search?q=...; (2) the same
# with two filters (agency_type, resource_level) and every facet (facets=*).
# For each index and request set: in process, single-threaded, then wrk
# (2 threads, 50 connections, 10 s, the requests in turn) against lanternd,
# then wrk with 1 connection for 3 s (latency without queueing).
#
# Environment (defaults in brackets):
#   LANTERN_BENCH_SECONDS      wrk duration per run [10]
#   LANTERN_BENCH_CONNECTIONS  wrk connections [50]
#   LANTERN_BENCH_THREADS      wrk threads [2]
#   LANTERN_BENCH_INPROCESS_SECONDS  in-process time per run [5]
#   LANTERN_BENCH_SINGLE_SECONDS     the 1-connection wrk run [3]
#   LANTERN_BENCH_DOCS         generated documents [100000]
#   LANTERN_BENCH_REBUILD      1: rebuild the cached large index
#   LANTERN_BENCH_LANTERND_THREADS  lanternd's thread pool [the number of cores]
#
# Prints a table and writes BUILD_DIR/bench/serve-results.json. See
# bench/serve/README.md for how to read it.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(cd "$script_dir/../.." && pwd)

if [ $# -gt 1 ] || [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
	echo "usage: bench/serve/run.sh [BUILD_DIR]" >&2
	exit 2
fi
build=${1:-$repo/build}
build=$(cd "$build" 2>/dev/null && pwd) || { echo "bench/serve: no build directory ${1:-$repo/build}" >&2; exit 2; }

seconds=${LANTERN_BENCH_SECONDS:-10}
connections=${LANTERN_BENCH_CONNECTIONS:-50}
wrk_threads=${LANTERN_BENCH_THREADS:-2}
inprocess_seconds=${LANTERN_BENCH_INPROCESS_SECONDS:-5}
single_seconds=${LANTERN_BENCH_SINGLE_SECONDS:-3}
docs=${LANTERN_BENCH_DOCS:-100000}
daemon_threads=${LANTERN_BENCH_LANTERND_THREADS:-0}
for value in "$seconds" "$connections" "$wrk_threads" "$inprocess_seconds" "$single_seconds" "$docs" "$daemon_threads"; do
	case "$value" in ''|*[!0-9]*) echo "bench/serve: LANTERN_BENCH_* settings must be whole numbers" >&2; exit 2 ;; esac
done

lantern_index=$build/indexer/lantern-index
lanternd=$build/query/lanternd
inprocess=$build/bench/lantern-bench-inprocess
for bin in "$lantern_index" "$lanternd" "$inprocess"; do
	if [ ! -x "$bin" ]; then
		echo "bench/serve: $bin not built; run:" >&2
		echo "  cmake --build $build --target lantern-index lanternd lantern-bench-inprocess -j2" >&2
		exit 2
	fi
done
for tool in wrk python3; do
	command -v "$tool" >/dev/null 2>&1 || { echo "bench/serve: needs $tool (Debian: apt-get install $tool)" >&2; exit 2; }
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lantern-bench-serve.XXXXXX")
daemon_pid=
cleanup() {
	if [ -n "$daemon_pid" ]; then
		kill "$daemon_pid" 2>/dev/null || true
		wait "$daemon_pid" 2>/dev/null || true
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Snapshots of the binaries: a rebuild of the build tree cannot swap them mid-run.
cp "$lantern_index" "$lanternd" "$inprocess" "$tmp/"
lantern_index=$tmp/lantern-index
lanternd=$tmp/lanternd
inprocess=$tmp/lantern-bench-inprocess

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
helper() { python3 "$script_dir/helper.py" "$@"; }
clock_ticks=$(getconf CLK_TCK)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# wait_idle PID - waits (up to 60 s) until the process uses no CPU for 0.3 s:
# after a wrk run lanternd still answers the requests that were in flight.
wait_idle() {
	local before after _
	for _ in $(seq 1 200); do
		before=$(cpu_ticks "$1")
		sleep 0.3
		after=$(cpu_ticks "$1")
		[ "$before" != "$after" ] || return 0
	done
}

query_count=$(helper requests "$script_dir/queries.txt" "$tmp")
echo "bench/serve: $query_count queries; wrk -t$wrk_threads -c$connections -d${seconds}s; in process ${inprocess_seconds}s; $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"

# ---------------------------------------------------------------- lanternd

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# start_daemon INDEX - starts lanternd on a free port; sets daemon_pid, base.
start_daemon() {
	local index=$1 port
	# Connection limits well above wrk's connections: libmicrohttpd divides
	# max_connections among the pool threads, and counts a connection the
	# client closed until its thread gets round to it (a busy thread may take
	# seconds), so limits just above the count reject some reconnections.
	for _ in 1 2 3 4 5; do
		port=$(free_port)
		cat >"$tmp/lanternd.yaml" <<EOF
listen: 127.0.0.1:$port
index: $index
assets: $repo/query/web
max_connections_per_ip: $((connections * 2 + 16))
max_connections: $((connections * 4 + 64))
EOF
		if [ "$daemon_threads" != 0 ]; then
			echo "threads: $daemon_threads" >>"$tmp/lanternd.yaml"
		fi
		"$lanternd" --config "$tmp/lanternd.yaml" >"$tmp/lanternd.log" 2>&1 &
		daemon_pid=$!
		base=http://127.0.0.1:$port
		for _ in $(seq 1 100); do
			if python3 -c 'import sys, urllib.request; urllib.request.urlopen(sys.argv[1], timeout=2)' "$base/healthz" 2>/dev/null; then
				return 0
			fi
			kill -0 "$daemon_pid" 2>/dev/null || break
			sleep 0.1
		done
		stop_daemon
	done
	cat "$tmp/lanternd.log" >&2
	echo "bench/serve: lanternd did not start on $index" >&2
	return 1
}

stop_daemon() {
	if [ -n "$daemon_pid" ]; then
		kill "$daemon_pid" 2>/dev/null || true
		wait "$daemon_pid" 2>/dev/null || true
		daemon_pid=
	fi
}

health_documents() {
	python3 -c 'import json, sys, urllib.request; print(json.load(urllib.request.urlopen(sys.argv[1]))["documents"])' "$base/healthz"
}

# ---------------------------------------------------------------- the indexes

indexes_json=()

# (a) the bundled corpus
corpus_index=$tmp/index-corpus
started=$(now)
"$lantern_index" --no-sync --full --quiet --index "$corpus_index" "$repo/corpus" >"$tmp/index-corpus.log" 2>&1 ||
	{ cat "$tmp/index-corpus.log" >&2; echo "bench/serve: indexing corpus/ failed" >&2; exit 1; }
corpus_seconds=$(elapsed "$started" "$(now)")

# (b) the generated corpus, cached
large_index=$build/bench/serve-100k-index
stamp_file=$large_index.stamp
stamp=$( { echo "docs $docs"; sha256sum "$script_dir/generate_corpus.py";
           (cd "$repo" && find corpus -type f | LC_ALL=C sort | xargs sha256sum); } | sha256sum | cut -d' ' -f1)
generate_seconds=null
large_seconds=null
large_cached=false
build_large() {
	echo "bench/serve: generating $docs resources (generate_corpus.py)"
	rm -rf "$large_index" "$large_index.new" "$stamp_file"
	mkdir -p "$build/bench"
	local started
	started=$(now)
	python3 "$script_dir/generate_corpus.py" "$tmp/corpus-large" --docs "$docs" --source-dir "$repo/corpus" >"$tmp/generate.json"
	generate_seconds=$(elapsed "$started" "$(now)")
	echo "bench/serve: generated in ${generate_seconds} s: $(cat "$tmp/generate.json")"
	echo "bench/serve: indexing them: lantern-index --full --quiet"
	started=$(now)
	"$lantern_index" --full --quiet --index "$large_index.new" "$tmp/corpus-large" >"$tmp/index-large.log" 2>&1 ||
		{ cat "$tmp/index-large.log" >&2; echo "bench/serve: indexing the generated corpus failed" >&2; exit 1; }
	large_seconds=$(elapsed "$started" "$(now)")
	echo "bench/serve: indexed in ${large_seconds} s: $(tail -n 1 "$tmp/index-large.log")"
	mv "$large_index.new" "$large_index"
	echo "$stamp" >"$stamp_file"
	rm -rf "$tmp/corpus-large"
	large_cached=false
}
if [ "${LANTERN_BENCH_REBUILD:-0}" = 1 ] || [ ! -d "$large_index/current" ] || [ ! -f "$stamp_file" ] ||
   [ "$(cat "$stamp_file")" != "$stamp" ]; then
	build_large
else
	large_cached=true
	echo "bench/serve: reusing $large_index (LANTERN_BENCH_REBUILD=1 rebuilds it)"
fi

# ---------------------------------------------------------------- the runs

results=$tmp/results.jsonl
: >"$results"

# bench_index NAME INDEX EXPECTED_DOCS|- : every request set against one index.
bench_index() {
	local name=$1 index=$2 expected=$3 documents check case file
	start_daemon "$index" || return 3
	documents=$(health_documents || true)
	if [ -z "$documents" ] || { [ "$expected" != - ] && [ "$documents" != "$expected" ]; }; then
		stop_daemon
		return 3
	fi
	for case in plain filtered; do
		file=$tmp/$case.txt
		check=$(helper check "$base" "$file") || {
			echo "bench/serve: some $case requests failed on $name: $check" >&2
			exit 1
		}
		echo "bench/serve: $name ($documents docs), $case: in process..."
		"$inprocess" --index "$index" --requests "$file" --seconds "$inprocess_seconds" >"$tmp/inprocess.json" ||
			{ echo "bench/serve: lantern-bench-inprocess failed" >&2; exit 1; }
		echo "bench/serve: $name ($documents docs), $case: wrk..."
		local before after
		wait_idle "$daemon_pid"
		before=$(cpu_ticks "$daemon_pid")
		wrk -t"$wrk_threads" -c"$connections" -d"${seconds}s" --timeout 10s -s "$script_dir/requests.lua" \
			"$base" -- "$file" >"$tmp/wrk.out" 2>&1 || { cat "$tmp/wrk.out" >&2; exit 1; }
		after=$(cpu_ticks "$daemon_pid")
		wait_idle "$daemon_pid"
		local wrk_json single_json
		wrk_json=$(sed -n 's/^WRK_JSON //p' "$tmp/wrk.out")
		[ -n "$wrk_json" ] || { cat "$tmp/wrk.out" >&2; echo "bench/serve: no figures from wrk" >&2; exit 1; }
		# One connection: the latency of a request that never waits for another.
		wrk -t1 -c1 -d"${single_seconds}s" --timeout 10s -s "$script_dir/requests.lua" \
			"$base" -- "$file" >"$tmp/wrk1.out" 2>&1 || { cat "$tmp/wrk1.out" >&2; exit 1; }
		single_json=$(sed -n 's/^WRK_JSON //p' "$tmp/wrk1.out")
		[ -n "$single_json" ] || { cat "$tmp/wrk1.out" >&2; echo "bench/serve: no figures from wrk" >&2; exit 1; }
		printf '{"index": "%s", "documents": %s, "case": "%s", "check": %s, "inprocess": %s, "wrk": %s, "wrk_1_connection": %s, "daemon_cpu_seconds": %s}\n' \
			"$name" "$documents" "$case" "$check" "$(cat "$tmp/inprocess.json")" "$wrk_json" "$single_json" \
			"$(awk -v a="$before" -v b="$after" -v t="$clock_ticks" 'BEGIN { printf "%.2f", (b - a) / t }')" >>"$results"
	done
	stop_daemon
}

bench_index corpus "$corpus_index" - || { echo "bench/serve: cannot serve the corpus/ index" >&2; exit 1; }
indexes_json+=("{\"name\": \"corpus\", \"path\": \"corpus/\", \"documents\": $(tail -n 1 "$results" | python3 -c 'import json,sys; print(json.load(sys.stdin)["documents"])'), \"index_seconds\": $corpus_seconds}")
status=0
bench_index generated "$large_index" "$docs" || status=$?
if [ "$status" = 3 ]; then
	echo "bench/serve: the cached index does not hold $docs documents; rebuilding it"
	build_large
	bench_index generated "$large_index" "$docs" || { echo "bench/serve: cannot serve the generated index" >&2; exit 1; }
fi
indexes_json+=("{\"name\": \"generated\", \"path\": \"$large_index\", \"documents\": $docs, \"generate_seconds\": $generate_seconds, \"index_seconds\": $large_seconds, \"cached\": $large_cached}")

cat >"$tmp/info.json" <<EOF
{
  "benchmark": "bench/serve",
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "commit": "$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)",
  "cores": $(nproc),
  "load_average_at_end": "$(cut -d' ' -f1-3 /proc/loadavg)",
  "wrk": {"threads": $wrk_threads, "connections": $connections, "seconds": $seconds, "single_connection_seconds": $single_seconds},
  "inprocess_seconds": $inprocess_seconds,
  "lanternd_threads": $( [ "$daemon_threads" = 0 ] && nproc || echo "$daemon_threads"),
  "queries": $query_count,
  "indexes": [$(IFS=,; echo "${indexes_json[*]}")]
}
EOF
mkdir -p "$build/bench"
helper report "$results" "$tmp/info.json" "$build/bench/serve-results.json"
