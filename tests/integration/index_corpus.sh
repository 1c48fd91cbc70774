#!/bin/bash
# index_corpus: index the bundled corpus/ and check the index against counts
# computed from the files themselves (expected_counts.py):
#   - exit 0, every resource added;
#   - document count of each partition (public, les);
#   - termfreq of every vocabulary value's boolean term of every controlled
#     field, per partition (with `all` expanded), XALL<field>, XLANG, XFORMAT,
#     XYEAR; no boolean term outside the vocabulary; and each document's own
#     boolean terms;
#   - every id's Q term is in exactly one partition, the expected one;
#   - a second run changes nothing: "added 0, updated 0, unchanged 72,
#     deleted 0" and every partition keeps its revision.
source "$(dirname "$0")/lib.sh"
make_temp_dir

INDEX=$TMP/index
declare -A revisions=()
total=$($EXPECTED_COUNTS "$CORPUS_DIR" | awk -F'\t' '$1 == "docs" { n += $3 } END { print n }')
assert_eq 72 "$total" "expected_counts.py finds the 72 resources of corpus/"

run_indexer --index "$INDEX" "$CORPUS_DIR"
expect_run 0 "$(summary "$total" 0 0 0 0)" "first run over corpus/"
assert_contains "$RUN_STDOUT" "skipped 0" "nothing skipped in corpus/ (README.md is in .lanternignore)"
check_matches_corpus "$INDEX" "$CORPUS_DIR"
partitions=$(awk -F'\t' '$1 == "docs" { print $2 }' "$TMP/expected.tsv")
for label in $partitions; do
	revisions[$label]=$(revision "$(partition "$INDEX" "$label")")
done
assert_eq "$total" "$(cat "$TMP"/ids-actual-* | wc -l)" "Q terms over all partitions"

# A second run over the unchanged corpus is a no-op.
run_indexer --index "$INDEX" "$CORPUS_DIR"
expect_run 0 "$(summary 0 0 "$total" 0 0)" "second run over an unchanged corpus"
for label in $partitions; do
	assert_eq "${revisions[$label]}" "$(revision "$(partition "$INDEX" "$label")")" \
		"revision of partition $label after a no-op run"
done

# The same index whatever the number of workers, and through --full.
run_indexer --jobs 1 --index "$TMP/jobs1" "$CORPUS_DIR"
expect_run 0 "$(summary "$total" 0 0 0 0)" "a build with --jobs 1"
run_indexer --jobs 5 --index "$TMP/jobs5" "$CORPUS_DIR"
expect_run 0 "$(summary "$total" 0 0 0 0)" "a build with --jobs 5"
compare_with "$TMP/jobs1" "the first build (one job per core) vs --jobs 1"
compare_with "$TMP/jobs5" "the first build vs --jobs 5"
run_indexer --full --index "$INDEX" "$CORPUS_DIR"
expect_run 0 "$(summary "$total" 0 0 0 0)" "--full over the existing index"
compare_with "$TMP/jobs1" "--full vs a first build"
