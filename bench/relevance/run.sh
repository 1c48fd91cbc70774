#!/usr/bin/env bash
# Relevance benchmark: Lantern's ranking on the SciFact and Cranfield test
# collections, scored with nDCG@10 and MAP by our own evaluator.
#
#   bench/relevance/run.sh [BUILD_DIR]        (BUILD_DIR defaults to <repo>/build)
#
# Needs BUILD_DIR/indexer/lantern-index, BUILD_DIR/bench/lantern-bench-relevance
# and BUILD_DIR/bench/lantern-bench-evaluate, e.g.
#   cmake --build build --target lantern-index lantern-bench-relevance lantern-bench-evaluate -j2
#
# For each collection: convert.py turns corpus.jsonl into a temporary Lantern
# corpus (one Markdown file per document, title + text, type: report), which
# lantern-index indexes from scratch; lantern-bench-relevance runs the
# collection's queries (those with judgements) through the query engine, 100
# hits each, into a TREC run file; lantern-bench-evaluate scores it. Skips
# (exit 0) when the shared corpora are absent. Environment:
#   LANTERN_SHARED_DIR       where shared/ is (default: <repo>/../shared)
#   LANTERN_BENCH_DEPTH      hits per query (default 100)
#   LANTERN_BENCH_KEEP=1     keep the temporary folder (runs, indexes) and say where
#   LANTERN_BENCH_QUERY_OPTS extra lantern-bench-relevance options, e.g.
#                            --strip-punctuation (experiments; see README.md)
#
# Prints a table and the SciFact comparison line, and writes the same as JSON
# to BUILD_DIR/bench/relevance-results.json. See bench/relevance/README.md.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(git -C "$script_dir" rev-parse --show-toplevel 2>/dev/null || (cd "$script_dir/../.." && pwd))

if [ $# -gt 1 ] || [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
  echo "usage: bench/relevance/run.sh [BUILD_DIR]" >&2
  exit 2
fi
shared=${LANTERN_SHARED_DIR:-$repo/../shared}
corpora=$shared/corpora
if [ -d "$corpora" ]; then
  corpora=$(cd "$corpora" && pwd)
fi
collections=(scifact cranfield)
for collection in "${collections[@]}"; do
  for file in corpus.jsonl queries.tsv qrels.tsv; do
    if [ ! -f "$corpora/$collection/$file" ]; then
      echo "SKIP bench/relevance: shared corpora not found ($corpora/$collection/$file);" \
           "set LANTERN_SHARED_DIR to the folder that holds corpora/"
      exit 0
    fi
  done
done

build=${1:-$repo/build}
build=$(cd "$build" 2>/dev/null && pwd) || { echo "bench/relevance: no build directory ${1:-$repo/build}" >&2; exit 2; }
lantern_index=$build/indexer/lantern-index
run_queries=$build/bench/lantern-bench-relevance
evaluate=$build/bench/lantern-bench-evaluate
for bin in "$lantern_index" "$run_queries" "$evaluate"; do
  if [ ! -x "$bin" ]; then
    echo "bench/relevance: $bin not built; run:" >&2
    echo "  cmake --build $build --target lantern-index lantern-bench-relevance lantern-bench-evaluate -j2" >&2
    exit 2
  fi
done
if ! command -v python3 >/dev/null; then
  echo "bench/relevance: python3 is needed (for convert.py)" >&2
  exit 2
fi

depth=${LANTERN_BENCH_DEPTH:-100}
case "$depth" in ''|*[!0-9]*|0) echo "bench/relevance: LANTERN_BENCH_DEPTH must be a positive integer" >&2; exit 2 ;; esac
read -r -a query_opts <<< "${LANTERN_BENCH_QUERY_OPTS:-}"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lantern-bench-relevance.XXXXXX")
if [ "${LANTERN_BENCH_KEEP:-0}" = 1 ]; then
  trap 'echo "bench/relevance: kept $tmp"' EXIT
else
  trap 'rm -rf "$tmp"' EXIT
fi

# The evaluator's own check first: a wrong evaluator makes every figure wrong.
"$evaluate" --self-test > "$tmp/self-test.txt" 2>&1 || {
  cat "$tmp/self-test.txt" >&2
  echo "bench/relevance: lantern-bench-evaluate --self-test failed" >&2
  exit 1
}

# Grade mappings: SciFact is binary; Cranfield's raw codes run from 1 (a
# complete answer) to 4 (minimum interest), and -1 marks the paper the query
# was written from, which is not a relevant answer (see README.md).
grades_for() {
  case "$1" in
    cranfield) echo "1:4,2:3,3:2,4:1,-1:0" ;;
    *) echo "" ;;
  esac
}

field() { awk -v k="$1" '$1 == k { print $2 }' "$2"; }
# A number from a one-line JSON object; null when the file or key is missing.
json_field() {
  local value=""
  [ -f "$2" ] && value=$(sed -n "s/.*\"$1\":\([^,}]*\).*/\1/p" "$2")
  echo "${value:-null}"
}
# A latency with two decimals, or "-" when it is null.
ms() { if [ "$1" = null ]; then echo "-"; else printf '%.2f' "$1"; fi; }

declare -A result_queries result_ndcg result_map result_recall result_p50 result_p99 \
  result_p50_page result_p99_page result_docs result_failed result_altered result_query_failed
for collection in "${collections[@]}"; do
  src=$corpora/$collection
  work=$tmp/$collection
  mkdir -p "$work"
  echo "== $collection"
  python3 "$script_dir/convert.py" "$src/corpus.jsonl" "$repo/corpus/schema.yaml" "$work/corpus"

  index_status=0
  # --jobs 1: documents numbered in crawl order, so score ties (broken by
  # document number) and hence the figures are the same from run to run.
  "$lantern_index" --quiet --full --jobs 1 --index "$work/idx" "$work/corpus" \
    > "$work/index.out" 2> "$work/index.err" || index_status=$?
  cat "$work/index.out"
  if [ "$index_status" -gt 1 ]; then
    cat "$work/index.err" >&2
    echo "bench/relevance: lantern-index failed on $collection (exit $index_status)" >&2
    exit 1
  fi
  summary=$(grep -E '^added ' "$work/index.out" | tail -n 1 || true)
  docs=$(sed -n 's/^added \([0-9]*\),.*/\1/p' <<< "$summary")
  index_failed=$(sed -n 's/.*failed \([0-9]*\),.*/\1/p' <<< "$summary")
  docs=${docs:-0}
  index_failed=${index_failed:-0}
  if [ "$index_failed" != 0 ]; then
    echo "WARNING: lantern-index failed on $index_failed $collection documents (first errors below)"
    head -n 5 "$work/index.err"
  fi

  # Only the queries that have judgements (all 300 SciFact test queries and
  # all 225 Cranfield ones do; the filter keeps any others out).
  awk -F'\t' 'NR == FNR { judged[$1] = 1; next } ($1 in judged)' \
    "$src/qrels.tsv" "$src/queries.tsv" > "$work/queries.tsv"

  query_status=0
  "$run_queries" --index "$work/idx" --queries "$work/queries.tsv" --depth "$depth" \
    --output "$work/run.txt" --stats "$work/stats.json" ${query_opts[@]+"${query_opts[@]}"} \
    2> "$work/queries.err" || query_status=$?
  cat "$work/queries.err"
  if [ "$query_status" -gt 1 ]; then
    echo "bench/relevance: lantern-bench-relevance failed on $collection (exit $query_status)" >&2
    exit 1
  fi

  # Latency of a results page (10 hits), the figure a user feels: same
  # queries, run not kept.
  "$run_queries" --index "$work/idx" --queries "$work/queries.tsv" --depth 10 \
    --output /dev/null --stats "$work/stats10.json" ${query_opts[@]+"${query_opts[@]}"} \
    2> "$work/queries10.err" || true
  if [ -s "$work/stats10.json" ]; then
    grep latency "$work/queries10.err" || true
  else
    echo "WARNING: the 10-hit latency pass on $collection failed:" >&2
    tail -n 3 "$work/queries10.err" >&2
  fi

  grades=$(grades_for "$collection")
  "$evaluate" ${grades:+--grades "$grades"} "$src/qrels.tsv" "$work/run.txt" > "$work/eval.txt"
  result_queries[$collection]=$(field queries "$work/eval.txt")
  result_ndcg[$collection]=$(field ndcg_cut_10 "$work/eval.txt")
  result_map[$collection]=$(field map "$work/eval.txt")
  result_recall[$collection]=$(field recall_100 "$work/eval.txt")
  result_p50[$collection]=$(json_field p50_ms "$work/stats.json")
  result_p99[$collection]=$(json_field p99_ms "$work/stats.json")
  result_p50_page[$collection]=$(json_field p50_ms "$work/stats10.json")
  result_p99_page[$collection]=$(json_field p99_ms "$work/stats10.json")
  result_altered[$collection]=$(json_field altered "$work/stats.json")
  result_query_failed[$collection]=$(json_field failed "$work/stats.json")
  result_docs[$collection]=$docs
  result_failed[$collection]=$index_failed
done

echo
printf '%-10s %6s %8s %8s %8s %8s   %-17s %-17s\n' collection docs queries nDCG@10 MAP R@100 \
  "p50/p99 ms @10" "p50/p99 ms @$depth"
for collection in "${collections[@]}"; do
  printf '%-10s %6s %8s %8s %8s %8s   %-17s %-17s\n' "$collection" "${result_docs[$collection]}" \
    "${result_queries[$collection]}" "${result_ndcg[$collection]}" "${result_map[$collection]}" \
    "${result_recall[$collection]}" \
    "$(ms "${result_p50_page[$collection]}") / $(ms "${result_p99_page[$collection]}")" \
    "$(ms "${result_p50[$collection]}") / $(ms "${result_p99[$collection]}")"
done
echo "(latency: wall clock of one lantern_engine_search returning 10 or $depth hits with snippets, one thread)"
echo

anserini=0.6789
raw_xapian=0.6863
scifact=${result_ndcg[scifact]}
verdict=$(awk -v s="$scifact" -v a="$anserini" -v x="$raw_xapian" 'BEGIN { print (s + 0 >= a + 0 && s + 0 >= x + 0) ? "PASS" : "FAIL" }')
verdict_anserini=$(awk -v s="$scifact" -v a="$anserini" 'BEGIN { print (s + 0 >= a + 0) ? "PASS" : "FAIL" }')
echo "SciFact nDCG@10 $scifact vs Anserini BM25 flat $anserini / raw Xapian $raw_xapian: $verdict"
if [ "$verdict" != "$verdict_anserini" ]; then
  echo "  (the issue's bar, Anserini BM25 flat $anserini: $verdict_anserini)"
fi

mkdir -p "$build/bench"
{
  printf '{\n  "depth": %s,\n  "query_options": "%s",\n  "collections": {\n' "$depth" "${LANTERN_BENCH_QUERY_OPTS:-}"
  sep=""
  for collection in "${collections[@]}"; do
    printf '%s    "%s": {"documents": %s, "index_failed": %s, "queries": %s, "queries_altered": %s, "queries_failed": %s, "ndcg_cut_10": %s, "map": %s, "recall_100": %s, "p50_ms_10_hits": %s, "p99_ms_10_hits": %s, "p50_ms": %s, "p99_ms": %s}' \
      "$sep" "$collection" "${result_docs[$collection]}" "${result_failed[$collection]}" \
      "${result_queries[$collection]}" "${result_altered[$collection]}" "${result_query_failed[$collection]}" \
      "${result_ndcg[$collection]}" "${result_map[$collection]}" "${result_recall[$collection]}" \
      "${result_p50_page[$collection]}" "${result_p99_page[$collection]}" \
      "${result_p50[$collection]}" "${result_p99[$collection]}"
    sep=$',\n'
  done
  printf '\n  },\n  "scifact_baselines": {"anserini_bm25_flat": %s, "raw_xapian_bm25": %s},\n' "$anserini" "$raw_xapian"
  printf '  "scifact_verdict": "%s"\n}\n' "$verdict"
} > "$build/bench/relevance-results.json"
echo "results: $build/bench/relevance-results.json"
