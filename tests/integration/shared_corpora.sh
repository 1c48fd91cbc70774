#!/bin/bash
# shared_corpora (slow): real-world Markdown that was never written for
# Lantern. digitalgov/content (2,999 Hugo pages with their own front matter)
# and uscode/chunks (9,463 statute files, no front matter) from
# $LANTERN_SHARED_DIR/corpora go into a temporary corpus with corpus/'s
# schema.yaml and a --defaults file (type: report). Skipped (77) when the
# shared corpora are absent.
#   - the run finishes (exit 0 or 1: never a crash or a signal);
#   - the failed count and the most common reasons (messages grouped, quoted
#     values elided) go to the test log;
#   - added + failed == the number of .md files; every failed resource has an
#     error line naming it; the partitions hold exactly `added` documents;
#   - a second run re-reads only what failed: unchanged == added.
source "$(dirname "$0")/lib.sh"
SHARED=$LANTERN_SHARED_DIR/corpora
[ -d "$SHARED/digitalgov/content" ] && [ -d "$SHARED/uscode/chunks" ] ||
	skip "the shared corpora are not at $SHARED (digitalgov/content and uscode/chunks are needed)"
make_temp_dir

C=$TMP/corpus
INDEX=$TMP/index
mkdir "$C"
cp "$CORPUS_DIR/schema.yaml" "$C/"
cp -a "$SHARED/digitalgov/content" "$C/digitalgov"
cp -a "$SHARED/uscode/chunks" "$C/uscode"
printf 'type: report\n' >"$TMP/defaults.yaml"
markdown_files=$(find "$C" -name '*.md' | wc -l)
note "corpus: $markdown_files Markdown files ($(find "$C/digitalgov" -name '*.md' | wc -l) digitalgov, $(find "$C/uscode" -name '*.md' | wc -l) uscode)"

started=$(date +%s%N)
run_indexer --defaults "$TMP/defaults.yaml" --index "$INDEX" "$C"
elapsed_ms=$(( ($(date +%s%N) - started) / 1000000 ))
case $RUN_STATUS in
0 | 1) ;;
*) fail "lantern-index exited $RUN_STATUS on the shared corpora$( [ "$RUN_STATUS" -ge 128 ] && echo " (signal $((RUN_STATUS - 128)))")
$(tail -20 "$TMP/run-$RUN_COUNT.err")" ;;
esac
assert_not_contains "$RUN_STDERR" "terminate called" "no C++ exception escaped"
note "exit $RUN_STATUS in ${elapsed_ms} ms: $RUN_STDOUT"

read -r added updated unchanged deleted failed < <(sed -E 's/[^0-9]+/ /g' <<<"$RUN_SUMMARY")
note "failed: $failed of $markdown_files; most common reasons (error lines, quoted values elided):"
grep -oE ': error: .*' "$TMP/run-$RUN_COUNT.err" | sed -E "s/^: error: //; s/'[^']*'/'…'/g; s/\(expected one of: [^)]*\)/(expected one of: …)/" |
	sort | uniq -c | sort -rn | head -10 | sed 's/^/    /'
note "warnings: $(grep -c ': warning: ' "$TMP/run-$RUN_COUNT.err" || true); most common:"
grep -oE ': warning: .*' "$TMP/run-$RUN_COUNT.err" | sed -E "s/^: warning: //; s/'[^']*'/'…'/g" |
	sort | uniq -c | sort -rn | head -5 | sed 's/^/    /'

assert_eq "$markdown_files" $((added + failed)) "added + failed = the number of .md files"
assert_eq "0 0" "$updated $unchanged" "a first build updates nothing"
assert_eq 0 "$deleted" "a first build deletes nothing"
total=0
for db in "$INDEX"/current/*/; do
	total=$((total + $(doc_count "$db")))
done
assert_eq "$added" "$total" "the partitions hold the added documents"
failed_paths=$(grep -E ': error: ' "$TMP/run-$RUN_COUNT.err" | sed -E 's/(\.md|\.yaml):.*/\1/' | sort -u | wc -l)
assert_eq "$failed" "$failed_paths" "every failed resource is named by an error line (and nothing else is)"

# Unchanged files are skipped; the broken ones are re-read and fail again.
run_indexer --defaults "$TMP/defaults.yaml" --index "$INDEX" "$C"
expect_run "$( [ "$failed" = 0 ] && echo 0 || echo 1)" "$(summary 0 0 "$added" 0 "$failed")" "second run over the shared corpora"
