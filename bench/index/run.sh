#!/usr/bin/env bash
# Indexing benchmark: lantern-index against a plain single-threaded Xapian
# indexer (bench/index/baseline_index.cc) on the same text, in the same run.
#
#   bench/index/run.sh [BUILD_DIR]        (BUILD_DIR defaults to <repo>/build)
#
# Needs BUILD_DIR/indexer/lantern-index and
# BUILD_DIR/bench/lantern-bench-baseline-index, e.g.
#   cmake --build build --target lantern-index lantern-bench-baseline-index -j2
#
# Corpus: the shared digitalgov + uscode Markdown collections, copied into a
# temporary corpus folder (lantern-index never follows a symlink out of its
# corpus root, so copies, not links), with digitalgov's topics added to the
# copy's schema.yaml and the files Lantern rejects left out, so that both
# indexers get the same files. Skips (exit 0) when the shared corpora are
# absent. Environment:
#   LANTERN_SHARED_DIR      where shared/ is (default: <repo>/../shared)
#   LANTERN_BENCH_REPEATS   run each full index N times and keep the fastest (1)
#
# Prints a table and the ratios, and writes the same as JSON to
# BUILD_DIR/bench/index-results.json. Read the ratios, not the absolute times:
# see bench/README.md.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(git -C "$script_dir" rev-parse --show-toplevel 2>/dev/null || (cd "$script_dir/../.." && pwd))

if [ $# -gt 1 ] || [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
  echo "usage: bench/index/run.sh [BUILD_DIR]" >&2
  exit 2
fi
shared=${LANTERN_SHARED_DIR:-$repo/../shared}
corpora=$shared/corpora
if [ -d "$corpora" ]; then
  corpora=$(cd "$corpora" && pwd)
fi
if [ ! -d "$corpora/digitalgov/content" ] || [ ! -d "$corpora/uscode/chunks" ]; then
  echo "SKIP bench/index: shared corpora not found ($corpora/digitalgov/content, $corpora/uscode/chunks);" \
       "set LANTERN_SHARED_DIR to the folder that holds corpora/"
  exit 0
fi

build=${1:-$repo/build}
build=$(cd "$build" 2>/dev/null && pwd) || { echo "bench/index: no build directory ${1:-$repo/build}" >&2; exit 2; }

repeats=${LANTERN_BENCH_REPEATS:-1}
case "$repeats" in ''|*[!0-9]*|0) echo "bench/index: LANTERN_BENCH_REPEATS must be a positive integer" >&2; exit 2 ;; esac

lantern_index=$build/indexer/lantern-index
baseline=$build/bench/lantern-bench-baseline-index
for bin in "$lantern_index" "$baseline"; do
  if [ ! -x "$bin" ]; then
    echo "bench/index: $bin not built; run:" >&2
    echo "  cmake --build $build --target lantern-index lantern-bench-baseline-index -j2" >&2
    exit 2
  fi
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lantern-bench-index.XXXXXX")
trap 'chmod -R u+w "$tmp" 2>/dev/null || true; rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
fmin() { awk -v a="$1" -v b="$2" 'BEGIN { print (b < a ? b : a) }'; }
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { if (b > 0) printf f, a / b; else printf "null" }'; }

# ---------------------------------------------------------------- the corpus
corpus=$tmp/corpus
mkdir -p "$corpus"
cp -r "$corpora/digitalgov/content" "$corpus/digitalgov"
cp -r "$corpora/uscode/chunks" "$corpus/uscode"
cp "$repo/corpus/schema.yaml" "$corpus/"
if [ -f "$repo/corpus/synonyms.yaml" ]; then
  cp "$repo/corpus/synonyms.yaml" "$corpus/"
fi
# shared/ may come without write bits; the copies must be touchable and removable.
chmod -R u+w "$corpus"

# Lowest-priority defaults (outside the corpus): every resource needs a type,
# and neither collection says which agencies it suits.
defaults=$tmp/defaults.yaml
cat >"$defaults" <<'EOF'
type: report
agency_type: all
EOF

# ---------------------------------------------------------------- same files on both sides
# Untimed. digitalgov tags its pages with its own site's topics
# (content-strategy, mobile, ...), which Lantern's topics vocabulary lacks; an
# unknown value is an error, and most of digitalgov would fail to load, leaving
# Lantern with mostly uscode while the baseline indexes everything. So the
# temporary corpus's schema.yaml gets those values added to its topics
# vocabulary, and the few files that still fail validation (no title, a
# relative url, ...) are removed from the copy: both indexers then get exactly
# the same files.
lantern_check() {
  local rc=0
  "$lantern_index" --check --quiet --defaults "$defaults" "$corpus" >"$tmp/check.out" 2>"$tmp/check.err" || rc=$?
  if [ "$rc" -gt 1 ]; then
    echo "bench/index: lantern-index --check failed (exit $rc):" >&2
    tail -n 20 "$tmp/check.err" "$tmp/check.out" >&2
    exit 1
  fi
}
lantern_check
sed -nE "s/.*: error: '([a-z0-9][a-z0-9-]*)' is not a known topics.*/\1/p" "$tmp/check.err" \
  | LC_ALL=C sort -u >"$tmp/extra-topics.txt"
extra_topics=$(wc -l <"$tmp/extra-topics.txt")
if [ "$extra_topics" -gt 0 ]; then
  awk -v extra="$tmp/extra-topics.txt" '
    { print }
    /^  topics:[[:space:]]*$/ && !done {
      while ((getline value < extra) > 0) printf "    %s: %s\n", value, value
      done = 1
    }' "$corpus/schema.yaml" >"$tmp/schema.yaml"
  mv "$tmp/schema.yaml" "$corpus/schema.yaml"
  lantern_check
fi
sed -nE 's/:[0-9]+:[0-9]+: error:.*//p' "$tmp/check.err" | LC_ALL=C sort -u >"$tmp/invalid.txt"
excluded=0
while IFS= read -r path; do
  case "$path" in
    "$corpus"/*) if [ -f "$path" ]; then rm -f "$path"; excluded=$((excluded + 1)); fi ;;
  esac
done <"$tmp/invalid.txt"

find "$corpus" -type f -name '*.md' | LC_ALL=C sort >"$tmp/files.txt"
files=$(wc -l <"$tmp/files.txt")
if [ "$files" -eq 0 ]; then
  echo "bench/index: no .md files under $corpora/{digitalgov/content,uscode/chunks}" >&2
  exit 1
fi

cpus=$(nproc 2>/dev/null || echo '?')
echo "bench/index: $files Markdown files (of $((files + excluded))) from $corpora (digitalgov + uscode), $cpus CPUs, best of $repeats"
echo "bench/index: build $build"
echo "bench/index: $extra_topics digitalgov topics added to the benchmark's schema.yaml;" \
     "$excluded files that fail Lantern's validation left out of both runs"

# ---------------------------------------------------------------- baseline
# Prints the seconds of the fastest of $repeats runs; its JSON line is left in
# $tmp/baseline.json.
base_seconds=
for ((i = 1; i <= repeats; i++)); do
  rm -rf "$tmp/baseline-db"
  t0=$(now)
  rc=0
  "$baseline" --db "$tmp/baseline-db" <"$tmp/files.txt" >"$tmp/baseline.out" 2>"$tmp/baseline.err" || rc=$?
  t1=$(now)
  if [ "$rc" -ne 0 ]; then
    echo "bench/index: baseline indexer failed (exit $rc):" >&2
    tail -n 20 "$tmp/baseline.err" >&2
    exit 1
  fi
  s=$(elapsed "$t0" "$t1")
  if [ -z "$base_seconds" ] || [ "$(fmin "$base_seconds" "$s")" = "$s" ]; then
    base_seconds=$s
    cp "$tmp/baseline.out" "$tmp/baseline.json"
  fi
done
rm -rf "$tmp/baseline-db"
json_field() { sed -nE "s/.*\"$1\":([0-9.]+).*/\\1/p" "$2"; }
base_docs=$(json_field docs "$tmp/baseline.json")
bytes=$(json_field bytes "$tmp/baseline.json")
base_internal=$(json_field seconds "$tmp/baseline.json")

# ---------------------------------------------------------------- lantern-index
# lantern_run LABEL ARGS... runs lantern-index once and sets run_seconds,
# run_rc and run_added/updated/unchanged/deleted/failed from its summary line.
# Exit 1 (some documents failed) is expected on these corpora.
lantern_run() {
  local label=$1
  shift
  local t0 t1
  t0=$(now)
  run_rc=0
  "$lantern_index" "$@" >"$tmp/$label.out" 2>"$tmp/$label.err" || run_rc=$?
  t1=$(now)
  run_seconds=$(elapsed "$t0" "$t1")
  if [ "$run_rc" -gt 1 ]; then
    echo "bench/index: lantern-index $* failed (exit $run_rc):" >&2
    tail -n 20 "$tmp/$label.err" "$tmp/$label.out" >&2
    exit 1
  fi
  local summary
  summary=$(grep -Eo 'added [0-9]+, updated [0-9]+, unchanged [0-9]+, deleted [0-9]+, failed [0-9]+' \
            "$tmp/$label.out" | tail -n 1 || true)
  if [ -z "$summary" ]; then
    echo "bench/index: no summary line ('added N, updated N, ...') from lantern-index $*:" >&2
    tail -n 20 "$tmp/$label.out" "$tmp/$label.err" >&2
    exit 1
  fi
  read -r run_added run_updated run_unchanged run_deleted run_failed \
    < <(echo "$summary" | sed -E 's/[a-z]+ ([0-9]+),? ?/\1 /g')
}

# The fastest of $repeats full runs into a fresh index: sets full_seconds,
# full_added, full_failed and full_rc.
lantern_full() {
  local jobs=$1 index=$2
  full_seconds=
  for ((i = 1; i <= repeats; i++)); do
    rm -rf "$index"
    lantern_run "full-j$jobs" --full --quiet --index "$index" --defaults "$defaults" --jobs "$jobs" "$corpus"
    if [ -z "$full_seconds" ] || [ "$(fmin "$full_seconds" "$run_seconds")" = "$run_seconds" ]; then
      full_seconds=$run_seconds
    fi
    full_added=$run_added
    full_failed=$run_failed
    full_rc=$run_rc
  done
}

lantern_full 1 "$tmp/index-j1"
j1_seconds=$full_seconds j1_docs=$full_added j1_failed=$full_failed j1_rc=$full_rc
rm -rf "$tmp/index-j1"

lantern_full 2 "$tmp/index"
j2_seconds=$full_seconds j2_docs=$full_added j2_failed=$full_failed j2_rc=$full_rc

# Nothing changed since the last run.
lantern_run noop --quiet --index "$tmp/index" --defaults "$defaults" --jobs 2 "$corpus"
noop_seconds=$run_seconds
noop_summary="added $run_added, updated $run_updated, unchanged $run_unchanged, deleted $run_deleted, failed $run_failed"
noop_json="\"added\":$run_added,\"updated\":$run_updated,\"unchanged\":$run_unchanged,\"deleted\":$run_deleted,\"failed\":$run_failed"

# 1% of the files get a new mtime (content unchanged): every 100th in path order.
awk 'NR % 100 == 0' "$tmp/files.txt" >"$tmp/touched.txt"
touched=$(wc -l <"$tmp/touched.txt")
sleep 1  # a later mtime even on filesystems with coarse timestamps
tr '\n' '\0' <"$tmp/touched.txt" | xargs -0 touch -m
lantern_run touched --quiet --index "$tmp/index" --defaults "$defaults" --jobs 2 "$corpus"
touch_seconds=$run_seconds
touch_summary="added $run_added, updated $run_updated, unchanged $run_unchanged, deleted $run_deleted, failed $run_failed"
touch_json="\"added\":$run_added,\"updated\":$run_updated,\"unchanged\":$run_unchanged,\"deleted\":$run_deleted,\"failed\":$run_failed"

# Another 1% (every 100th from the 50th) get a line appended: a real change.
awk 'NR % 100 == 50' "$tmp/files.txt" >"$tmp/modified.txt"
modified=$(wc -l <"$tmp/modified.txt")
while IFS= read -r path; do
  printf '\nEdited by bench/index/run.sh.\n' >>"$path"
done <"$tmp/modified.txt"
lantern_run modified --quiet --index "$tmp/index" --defaults "$defaults" --jobs 2 "$corpus"
modify_seconds=$run_seconds
modify_summary="added $run_added, updated $run_updated, unchanged $run_unchanged, deleted $run_deleted, failed $run_failed"
modify_json="\"added\":$run_added,\"updated\":$run_updated,\"unchanged\":$run_unchanged,\"deleted\":$run_deleted,\"failed\":$run_failed"

# ---------------------------------------------------------------- report
mb=$(div "$bytes" 1000000)
base_dps=$(div "$base_docs" "$base_seconds" %.1f)
base_mbps=$(div "$bytes" "$(awk -v s="$base_seconds" 'BEGIN { print s * 1000000 }')")
j1_dps=$(div "$j1_docs" "$j1_seconds" %.1f)
j1_mbps=$(div "$bytes" "$(awk -v s="$j1_seconds" 'BEGIN { print s * 1000000 }')")
j2_dps=$(div "$j2_docs" "$j2_seconds" %.1f)
j2_mbps=$(div "$bytes" "$(awk -v s="$j2_seconds" 'BEGIN { print s * 1000000 }')")
# (docs/s) / (docs/s) from the unrounded figures.
ratio() { awk -v d="$1" -v s="$2" -v bd="$base_docs" -v bs="$base_seconds" \
          'BEGIN { if (s > 0 && bd > 0) printf "%.2f", (d / s) / (bd / bs); else printf "null" }'; }
ratio_j2=$(ratio "$j2_docs" "$j2_seconds")
ratio_j1=$(ratio "$j1_docs" "$j1_seconds")
ratio_j2_mb=$(div "$base_seconds" "$j2_seconds")
ratio_j1_mb=$(div "$base_seconds" "$j1_seconds")
speedup=$(div "$j1_seconds" "$j2_seconds")

echo
printf '%-28s %7s %8s %9s %9s %7s\n' system docs MB seconds docs/s MB/s
printf '%-28s %7s %8s %9s %9s %7s\n' "xapian baseline (1 thread)" "$base_docs" "$mb" "$base_seconds" "$base_dps" "$base_mbps"
printf '%-28s %7s %8s %9s %9s %7s\n' "lantern-index --jobs 1" "$j1_docs" "$mb" "$j1_seconds" "$j1_dps" "$j1_mbps"
printf '%-28s %7s %8s %9s %9s %7s\n' "lantern-index --jobs 2" "$j2_docs" "$mb" "$j2_seconds" "$j2_dps" "$j2_mbps"
echo
echo "lantern(2 jobs)/baseline docs/s = $ratio_j2   (MB/s = $ratio_j2_mb)"
echo "lantern(1 job)/baseline docs/s = $ratio_j1   (MB/s = $ratio_j1_mb)"
echo "lantern 2 jobs / 1 job speedup = $speedup"
echo "no-op incremental run: $noop_seconds s   ($noop_summary)"
echo "1% touched: $touch_seconds s   ($touched files touched; $touch_summary)"
echo "1% modified: $modify_seconds s   ($modified files changed; $modify_summary)"
if [ "$j1_failed" -ne 0 ] || [ "$j2_failed" -ne 0 ]; then
  echo
  echo "WARNING: lantern-index failed to load $j2_failed of $files files (--jobs 1: $j1_failed);" \
       "its docs count only the documents added, its MB every file read"
fi

mkdir -p "$build/bench"
commit=$(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo unknown)
cat >"$build/bench/index-results.json" <<EOF
{
  "benchmark": "index",
  "date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)",
  "commit": "$commit",
  "cpus": "$cpus",
  "repeats": $repeats,
  "corpus": {"collections": ["digitalgov", "uscode"], "files": $files, "bytes": $bytes,
             "files_excluded": $excluded, "topics_added": $extra_topics},
  "baseline": {"docs": $base_docs, "bytes": $bytes, "seconds": $base_seconds, "seconds_internal": $base_internal,
               "docs_per_s": $base_dps, "mb_per_s": $base_mbps},
  "lantern_jobs1": {"docs": $j1_docs, "failed": $j1_failed, "exit": $j1_rc, "bytes": $bytes, "seconds": $j1_seconds,
                    "docs_per_s": $j1_dps, "mb_per_s": $j1_mbps},
  "lantern_jobs2": {"docs": $j2_docs, "failed": $j2_failed, "exit": $j2_rc, "bytes": $bytes, "seconds": $j2_seconds,
                    "docs_per_s": $j2_dps, "mb_per_s": $j2_mbps},
  "incremental_noop": {"seconds": $noop_seconds, $noop_json},
  "incremental_touched_1pct": {"files_touched": $touched, "seconds": $touch_seconds, $touch_json},
  "incremental_modified_1pct": {"files_modified": $modified, "seconds": $modify_seconds, $modify_json},
  "ratios": {
    "lantern_jobs2_over_baseline_docs_per_s": $ratio_j2,
    "lantern_jobs1_over_baseline_docs_per_s": $ratio_j1,
    "lantern_jobs2_over_baseline_mb_per_s": $ratio_j2_mb,
    "lantern_jobs1_over_baseline_mb_per_s": $ratio_j1_mb,
    "lantern_jobs2_over_jobs1_speedup": $speedup
  }
}
EOF
echo "bench/index: results in $build/bench/index-results.json"
