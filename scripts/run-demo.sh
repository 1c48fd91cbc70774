#!/usr/bin/env bash
# The tail of `make run`: the index is built; show how to search it.
# (When lanternd exists, this starts it and prints its address.)
set -euo pipefail
build_dir=${1:-build}
index_dir=${2:-$build_dir/index}
search="$build_dir/query/lantern-search"

cat <<TXT

Lantern is indexed at $index_dir. Try:

  $search --index $index_dir "trafficking indicators"
  $search --index $index_dir CSEC --agency-type rural --agency-size small
  $search --index $index_dir --type training-course --delivery online --facets
  $search --index $index_dir "missing children" --sort date --format tsv
  $search --index $index_dir --related model-policy-cst-response --json

Running: $search --index $index_dir "trafficking indicators" --agency-type rural --limit 3
TXT
echo
"$search" --index "$index_dir" "trafficking indicators" --agency-type rural --limit 3
