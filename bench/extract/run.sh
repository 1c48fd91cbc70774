#!/usr/bin/env bash
# Extraction benchmark: Lantern's isolated PDF extraction (lantern-index
# --check: crawl, spawn lantern-extract, pdfinfo + pdftotext, frames back,
# resource load; no indexing) against pdftotext alone on the same PDFs, in
# the same run.
#
#   bench/extract/run.sh [BUILD_DIR]        (BUILD_DIR defaults to <repo>/build)
#
# Needs BUILD_DIR/indexer/lantern-index, BUILD_DIR/plugins/{pdf,hello}.so and
# BUILD_DIR/plugins/lantern-extract, and poppler-utils (pdftotext, pdfinfo).
# Corpus: the PDFs of the shared nz-police sample (../shared/corpora/
# nz-police/files, 105 PDFs), copied into a temporary corpus. Skips (exit 0)
# when the shared corpora are absent. Environment:
#   LANTERN_SHARED_DIR      where shared/ is (default: <repo>/../shared)
#   LANTERN_BENCH_REPEATS   run each measurement N times, keep the fastest (1)
#
# Prints a table and the ratio Lantern (2 jobs) / pdftotext alone in
# documents per second, and writes the same as JSON to
# BUILD_DIR/bench/extract-results.json. See bench/extract/README.md.
set -euo pipefail

script_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
repo=$(git -C "$script_dir" rev-parse --show-toplevel 2>/dev/null || (cd "$script_dir/../.." && pwd))

if [ $# -gt 1 ] || [ "${1:-}" = -h ] || [ "${1:-}" = --help ]; then
  echo "usage: bench/extract/run.sh [BUILD_DIR]" >&2
  exit 2
fi
shared=${LANTERN_SHARED_DIR:-$repo/../shared}
nz=$shared/corpora/nz-police/files
if [ ! -d "$nz" ]; then
  echo "SKIP bench/extract: shared corpus not found ($nz);" \
       "set LANTERN_SHARED_DIR to the folder that holds corpora/"
  exit 0
fi
for tool in pdftotext pdfinfo; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "SKIP bench/extract: $tool is not installed (Debian package poppler-utils)"
    exit 0
  fi
done

build=${1:-$repo/build}
build=$(cd "$build" 2>/dev/null && pwd) || { echo "bench/extract: no build directory ${1:-$repo/build}" >&2; exit 2; }
repeats=${LANTERN_BENCH_REPEATS:-1}
case "$repeats" in ''|*[!0-9]*|0) echo "bench/extract: LANTERN_BENCH_REPEATS must be a positive integer" >&2; exit 2 ;; esac

lantern_index=$build/indexer/lantern-index
plugins=$build/plugins
helper=$plugins/lantern-extract
for file in "$lantern_index" "$helper" "$plugins/pdf.so" "$plugins/hello.so"; do
  if [ ! -e "$file" ]; then
    echo "bench/extract: $file not built; run:" >&2
    echo "  cmake --build $build --target lantern-index lantern-extract lantern-plugin-pdf lantern-plugin-hello -j2" >&2
    exit 2
  fi
done
export LANTERN_EXTRACT_HELPER=$helper
unset LANTERN_PLUGIN_DIR LANTERN_INDEX

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lantern-bench-extract.XXXXXX")
trap 'chmod -R u+w "$tmp" 2>/dev/null || true; rm -rf "$tmp"' EXIT

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
fmin() { awk -v a="$1" -v b="$2" 'BEGIN { print (b < a ? b : a) }'; }
div() { awk -v a="$1" -v b="$2" -v f="${3:-%.2f}" 'BEGIN { if (b > 0) printf f, a / b; else printf "null" }'; }

# ---------------------------------------------------------------- the corpus
# Only the PDFs, in their folders (so ids stay apart), plus schema.yaml; the
# type comes from a --defaults file outside the corpus.
corpus=$tmp/corpus
mkdir -p "$corpus"
(cd "$nz" && find . -type f -iname '*.pdf' -print0 | LC_ALL=C sort -z | xargs -0 -I{} cp --parents {} "$corpus/")
cp "$repo/corpus/schema.yaml" "$corpus/"
chmod -R u+w "$corpus"
printf 'type: policy\n' >"$tmp/defaults.yaml"
find "$corpus" -type f -iname '*.pdf' | LC_ALL=C sort >"$tmp/pdfs"
docs=$(wc -l <"$tmp/pdfs")
bytes=$(tr '\n' '\0' <"$tmp/pdfs" | xargs -0 stat -c %s | awk '{ s += $1 } END { print s }')
mb=$(div "$bytes" 1048576)
# Everything from the page cache.
tr '\n' '\0' <"$tmp/pdfs" | xargs -0 cat >/dev/null

# A second corpus of tiny .hello files: the per-document cost of isolation
# (spawn lantern-extract, load the plugin directory, frames) without a parser.
tiny=$tmp/tiny
mkdir -p "$tiny"
cp "$repo/corpus/schema.yaml" "$tiny/"
for i in $(seq -w 1 500); do
  printf 'Tiny document %s\nA few words of text for document %s.\n' "$i" "$i" >"$tiny/t$i.hello"
done
tiny_docs=500

# ---------------------------------------------------------------- the runs
# best_of NAME COMMAND... - runs COMMAND $repeats times (stdout to
# $tmp/NAME.out, stderr to $tmp/NAME.err); prints the fastest wall time.
best_of() {
  local name=$1 best="" start end seconds status
  shift
  for _ in $(seq "$repeats"); do
    start=$(now)
    status=0
    "$@" >"$tmp/$name.out" 2>"$tmp/$name.err" || status=$?
    end=$(now)
    if [ "$status" -gt 1 ]; then
      echo "bench/extract: $name failed (exit $status):" >&2
      tail -5 "$tmp/$name.err" >&2
      exit 1
    fi
    seconds=$(elapsed "$start" "$end")
    best=${best:-$seconds}
    best=$(fmin "$best" "$seconds")
  done
  echo "$best"
}

pdftotext_all() {
  while IFS= read -r pdf; do
    pdftotext -enc UTF-8 -eol unix -q "$pdf" - >/dev/null || true
  done <"$tmp/pdfs"
}
poppler_all() {
  while IFS= read -r pdf; do
    pdfinfo -isodates -enc UTF-8 "$pdf" >/dev/null 2>&1 || true
    pdftotext -enc UTF-8 -eol unix -q "$pdf" - >/dev/null || true
  done <"$tmp/pdfs"
}
check() { "$lantern_index" --check --quiet --plugins "$plugins" --defaults "$tmp/defaults.yaml" --jobs "$1" "$2"; }
index_full() { rm -rf "$tmp/index"; "$lantern_index" --full --no-sync --quiet --plugins "$plugins" --index "$tmp/index" --defaults "$tmp/defaults.yaml" --jobs 2 "$corpus"; }

echo "bench/extract: $docs PDFs, $mb MB, from $nz; $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" >&2
pdftotext_seconds=$(best_of pdftotext pdftotext_all)
poppler_seconds=$(best_of poppler poppler_all)
j1_seconds=$(best_of check-j1 check 1 "$corpus")
j2_seconds=$(best_of check-j2 check 2 "$corpus")
index_seconds=$(best_of index-j2 index_full)
tiny_j1_seconds=$(best_of tiny-j1 check 1 "$tiny")
tiny_j2_seconds=$(best_of tiny-j2 check 2 "$tiny")

# What --check said: valid and failing documents (the scans fail: they are
# extracted all the same, so they count as extracted documents).
checked=$(sed -nE 's/^checked ([0-9]+) resources: ([0-9]+) valid, ([0-9]+) with errors.*/\1 \2 \3/p' "$tmp/check-j2.out")
read -r checked_total checked_valid checked_errors <<<"${checked:-0 0 0}"
[ "$checked_total" = "$docs" ] || echo "bench/extract: warning: --check saw $checked_total resources, not $docs" >&2
tiny_checked=$(sed -nE 's/^checked ([0-9]+) resources: ([0-9]+) valid.*/\2/p' "$tmp/tiny-j2.out")
[ "${tiny_checked:-0}" = "$tiny_docs" ] || echo "bench/extract: warning: the tiny corpus: ${tiny_checked:-0} of $tiny_docs valid" >&2

row() { # name seconds docs
  printf '%-40s %6s %7s %8s %8s %7s\n' "$1" "$3" "$4" "$2" "$(div "$3" "$2")" "$(div "$4" "$2")"
}
echo
printf '%-40s %6s %7s %8s %8s %7s\n' "run" docs MB seconds docs/s MB/s
row "pdftotext alone (sequential)" "$pdftotext_seconds" "$docs" "$mb"
row "pdfinfo + pdftotext (sequential)" "$poppler_seconds" "$docs" "$mb"
row "lantern-index --check --jobs 1" "$j1_seconds" "$docs" "$mb"
row "lantern-index --check --jobs 2" "$j2_seconds" "$docs" "$mb"
row "lantern-index --full --jobs 2 (+index)" "$index_seconds" "$docs" "$mb"
row "500 tiny .hello, --check --jobs 1" "$tiny_j1_seconds" "$tiny_docs" "-"
row "500 tiny .hello, --check --jobs 2" "$tiny_j2_seconds" "$tiny_docs" "-"
ratio_j2=$(awk -v d="$docs" -v a="$j2_seconds" -v b="$pdftotext_seconds" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", (d / a) / (d / b); else printf "null" }')
ratio_j1=$(awk -v d="$docs" -v a="$j1_seconds" -v b="$pdftotext_seconds" 'BEGIN { if (a > 0 && b > 0) printf "%.2f", (d / a) / (d / b); else printf "null" }')
per_doc_ms=$(awk -v s="$tiny_j1_seconds" -v n="$tiny_docs" 'BEGIN { printf "%.2f", 1000 * s / n }')
echo
echo "Lantern (2 jobs) / pdftotext alone, docs/s: $ratio_j2   (1 job: $ratio_j1)"
echo "isolation overhead per document (tiny .hello, 1 job): $per_doc_ms ms"
echo "--check: $checked_valid valid, $checked_errors with errors (scans without a text layer)"

mkdir -p "$build/bench"
cat >"$build/bench/extract-results.json" <<EOF
{
  "benchmark": "extract",
  "corpus": {"source": "nz-police PDFs", "docs": $docs, "bytes": $bytes},
  "machine": {"cores": $(nproc), "loadavg": "$(cut -d' ' -f1-3 /proc/loadavg)", "pdftotext": "$(pdftotext -v 2>&1 | head -1 | sed 's/"//g')"},
  "repeats": $repeats,
  "pdftotext_sequential": {"seconds": $pdftotext_seconds, "docs_per_s": $(div "$docs" "$pdftotext_seconds"), "mb_per_s": $(div "$mb" "$pdftotext_seconds")},
  "pdfinfo_pdftotext_sequential": {"seconds": $poppler_seconds, "docs_per_s": $(div "$docs" "$poppler_seconds"), "mb_per_s": $(div "$mb" "$poppler_seconds")},
  "lantern_check_jobs1": {"seconds": $j1_seconds, "docs_per_s": $(div "$docs" "$j1_seconds"), "mb_per_s": $(div "$mb" "$j1_seconds")},
  "lantern_check_jobs2": {"seconds": $j2_seconds, "docs_per_s": $(div "$docs" "$j2_seconds"), "mb_per_s": $(div "$mb" "$j2_seconds"), "valid": $checked_valid, "with_errors": $checked_errors},
  "lantern_index_full_jobs2": {"seconds": $index_seconds, "docs_per_s": $(div "$docs" "$index_seconds"), "mb_per_s": $(div "$mb" "$index_seconds")},
  "tiny_hello_check_jobs1": {"docs": $tiny_docs, "seconds": $tiny_j1_seconds, "docs_per_s": $(div "$tiny_docs" "$tiny_j1_seconds"), "ms_per_doc": $per_doc_ms},
  "tiny_hello_check_jobs2": {"docs": $tiny_docs, "seconds": $tiny_j2_seconds, "docs_per_s": $(div "$tiny_docs" "$tiny_j2_seconds")},
  "ratio_docs_per_s_lantern_jobs2_over_pdftotext": $ratio_j2,
  "ratio_docs_per_s_lantern_jobs1_over_pdftotext": $ratio_j1
}
EOF
echo "bench/extract: results in $build/bench/extract-results.json"
