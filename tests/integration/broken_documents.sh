#!/bin/bash
# broken_documents: a copy of corpus/ plus broken resources, one problem each.
#   - exit status 1; every problem printed as PATH:LINE:COL: error: MESSAGE at
#     the line and column of the offending text (worked out by hand below);
#   - every good resource still indexed, no broken one;
#   - duplicate ids: the first in path order keeps the id, the second is
#     reported naming both paths; the id passes to the second when the first
#     goes, and a newcomer that sorts first takes it over;
#   - --check prints the same errors, exits 1 and creates no index;
#   - --check on the real corpus/ exits 0.
source "$(dirname "$0")/lib.sh"
require_tool quest
make_temp_dir

C=$TMP/corpus
B=$C/broken
INDEX=$TMP/index
PUBLIC=$INDEX/current/public
copy_corpus "$C"
mkdir "$B" "$C/broken-defaults"

# Each file: the problem, and where it is (line:column, 1-based, columns in
# characters). Front matter line numbers are file line numbers.
printf -- '---\ntype: policy\nsummary: No title here, and no heading below.\n---\n\nJust a paragraph of body text.\n' >"$B/no-title.md"
printf -- 'type: training-course\ndescription: A course with no title.\n' >"$B/record-no-title.yaml"
printf -- '---\ntitle: Bad Type Word\ntype: polcy\n---\n\nBody.\n' >"$B/bad-type.md"
printf -- '---\ntitle: Bad Topic\ntype: policy\ntopics: [vice, misssing-children]\n---\n\nBody.\n' >"$B/bad-topic.md"
printf -- '---\ntitle: Bad Size\ntype: policy\nagency_size:\n  - small\n  - enormous\n---\n\nBody.\n' >"$B/bad-size.md"
printf -- '---\ntitle: Bad Date\ntype: report\npublished: 2023-02-30\n---\n\nBody.\n' >"$B/bad-date.md"
printf -- '---\ntitle: Duplicate Key\ntype: report\nsummary: one\ntype: policy\n---\n\nBody.\n' >"$B/duplicate-key.md"
printf -- '---\ntitle: Unterminated\ntype: report\n\nBody with no closing fence.\n' >"$B/unterminated.md"
printf -- '---\ntitle: Bad Bytes\ntype: report\n---\n\nFirst line.\nR\xc3\xa9sum\xc3\xa9 \xff bad byte.\n' >"$B/bad-utf8.md"
printf -- '---\nid: shared-id\ntitle: First Holder\ntype: report\n---\n\nThe first holder keeps the id.\n' >"$B/dup-a.md"
printf -- '---\ntitle: Second Holder\nid: shared-id\ntype: report\n---\n\nThe snorklewhip holder loses it.\n' >"$B/dup-b.md"
printf -- '---\ntitle: &t Alias Title\ntype: report\nsummary: *t\n---\n\nBody.\n' >"$B/alias.md"
printf -- '---\ntitle: List Type\ntype: [policy, report]\n---\n\nBody.\n' >"$B/list-type.md"
printf -- 'Plain text with a bad sidecar.\n' >"$B/sidecar-bad.txt"
printf -- 'title: Sidecar\ntype: report\naudience: [analyst, investigatr]\n' >"$B/sidecar-bad.txt.yaml"
printf -- 'topics: [gangz]\n' >"$C/broken-defaults/_defaults.yaml"
printf -- '---\ntitle: Under Bad Defaults\ntype: report\n---\nBody.\n' >"$C/broken-defaults/doc.md"
mkdir "$C/broken-defaults/nested"
printf -- 'audience: analyst\n' >"$C/broken-defaults/nested/_defaults.yaml"   # valid itself
printf -- '---\ntitle: Nested Under Bad Defaults\ntype: report\n---\nBody.\n' >"$C/broken-defaults/nested/doc.md"

EXPECTED_ERRORS=(
	"$B/no-title.md:1:1: error: missing required field 'title'"
	"$B/record-no-title.yaml:1:1: error: missing required field 'title'"
	"$B/bad-type.md:3:7: error: 'polcy' is not a known type; did you mean 'policy'?"
	"$B/bad-topic.md:4:16: error: 'misssing-children' is not a known topics; did you mean 'missing-children'?"
	"$B/bad-size.md:6:5: error: 'enormous' is not a known agency_size (expected one of: small, mid-sized, large, all)"
	"$B/bad-date.md:4:12: error: bad date '2023-02-30' for published: expected YYYY-MM-DD, YYYY-MM or YYYY"
	"$B/duplicate-key.md:5:1: error: duplicate key 'type'"
	"$B/duplicate-key.md:3:1: note: 'type' first given here"
	"$B/unterminated.md:1:1: error: unterminated front matter: no closing '---' line"
	"$B/bad-utf8.md:7:8: error: invalid UTF-8 (byte 0xff); save the file as UTF-8"
	"$B/alias.md:4:10: error: YAML aliases (*name) are not allowed; write the value out"
	"$B/list-type.md:3:7: error: 'type' takes a single value, not a list"
	"$B/sidecar-bad.txt.yaml:3:21: error: 'investigatr' is not a known audience; did you mean 'investigator'?"
	"$C/broken-defaults/_defaults.yaml:1:10: error: 'gangz' is not a known topics; did you mean 'gangs'?"
	"$C/broken-defaults/doc.md:1:1: error: not indexed: the folder defaults that apply to it (broken-defaults/_defaults.yaml) have errors"
	"$C/broken-defaults/nested/doc.md:1:1: error: not indexed: the folder defaults that apply to it (broken-defaults/_defaults.yaml) have errors"
)
# The duplicate id names both files, each at the place its id is written
# (dup-b.md:3:5, dup-a.md:2:5), with a note at the first.
DUPLICATE_MESSAGE="error: duplicate id 'shared-id': also used by $B/dup-a.md"
DUPLICATE_ERROR="$B/dup-b.md:3:5: $DUPLICATE_MESSAGE:2:5"
DUPLICATE_NOTE="$B/dup-a.md:2:5: note: 'shared-id' first used here"
BROKEN_RESOURCES=15   # resources that fail (the _defaults.yaml is not one)
GOOD=73               # corpus/ (72) + dup-a.md

check_errors() {
	local stderr=$1 context=$2 line
	for line in "${EXPECTED_ERRORS[@]}"; do
		assert_line "$stderr" "$line" "$context: error printed"
	done
	assert_contains "$stderr" "$B/dup-b.md" "$context: the duplicate id names the second file"
	assert_contains "$stderr" "$DUPLICATE_MESSAGE" "$context: the duplicate id names the first file"
	assert_line "$stderr" "$DUPLICATE_ERROR" "$context: the duplicate id error is at the id's line:column"
	assert_line "$stderr" "$DUPLICATE_NOTE" "$context: a note points at the first use of the id"
	# Every error line has the documented shape.
	local malformed
	malformed=$(grep ' error: ' <<<"$stderr" | grep -vE '^/[^:]+:([0-9]+:[0-9]+:)? error: ' || true)
	assert_eq "" "$malformed" "$context: error lines not shaped PATH[:LINE:COL]: error: MESSAGE"
	assert_eq $((BROKEN_RESOURCES + 1)) "$(grep -c ': error: ' <<<"$stderr")" \
		"$context: number of error lines (one per broken resource, plus the defaults file)"
}

# ---------------------------------------------------------------- index
run_indexer --index "$INDEX" "$C"
expect_run 1 "$(summary "$GOOD" 0 0 0 "$BROKEN_RESOURCES")" "indexing a corpus with broken resources"
check_errors "$RUN_STDERR" "index run"
index_errors=$(grep -E ': (error|note): ' <<<"$RUN_STDERR" | LC_ALL=C sort)

assert_eq 64 "$(doc_count "$PUBLIC")" "public documents: corpus/'s 63 and dup-a.md"
assert_eq 9 "$(doc_count "$INDEX/current/les")" "les documents"
$EXPECTED_COUNTS "$CORPUS_DIR" | awk -F'\t' '$1 == "id" && $2 == "public" { print $3 }' >"$TMP/good-ids"
echo shared-id >>"$TMP/good-ids"
LC_ALL=C sort -o "$TMP/good-ids" "$TMP/good-ids"
ids "$PUBLIC" >"$TMP/public-ids"
diff -u "$TMP/good-ids" "$TMP/public-ids" >"$TMP/ids.diff" || fail "public ids are not the good resources':
$(cat "$TMP/ids.diff")"
assert_eq 1 "$(termfreq "$PUBLIC" Qshared-id)" "one document holds the duplicated id"
assert_line "$(doc_terms "$PUBLIC" shared-id)" Sfirst "the first file in path order keeps the id"
assert_eq 0 "$(termfreq "$PUBLIC" snorklewhip)" "the losing duplicate's words are not indexed"
assert_eq "" "$(spelling_suggestion "$PUBLIC" snorklewhap)" "the losing duplicate's words are not in the spelling table"

# A re-run reports the same problems (unchanged good files are not re-read,
# broken ones are, every time).
run_indexer --index "$INDEX" "$C"
expect_run 1 "$(summary 0 0 "$GOOD" 0 "$BROKEN_RESOURCES")" "re-run over the same broken corpus"
assert_eq "$index_errors" "$(grep -E ': (error|note): ' <<<"$RUN_STDERR" | LC_ALL=C sort)" "the re-run prints the same errors"

# ---------------------------------------------------------------- --check
run_indexer --check --index "$TMP/check-index" "$C"
expect_run 1 "" "--check on the broken corpus"
check_errors "$RUN_STDERR" "--check"
assert_eq "$index_errors" "$(grep -E ': (error|note): ' <<<"$RUN_STDERR" | LC_ALL=C sort)" "--check prints the same errors as a run"
assert_line "$RUN_STDOUT" "checked $((GOOD + BROKEN_RESOURCES)) resources: $GOOD valid, $BROKEN_RESOURCES with errors, 0 warnings, 0 skipped files" \
	"--check summary"
assert_true "--check creates no index directory" test ! -e "$TMP/check-index"
default_index=$("$INDEXER" --help | sed -n 's/^ *\(\/[^ ]*\))$/\1/p' | head -1)
[ -n "$default_index" ] || fail "--help names no default index"
existed=$( [ -e "$default_index" ] && echo yes || echo no)
run_indexer --check "$C"
expect_run 1 "" "--check without --index"
assert_eq "$existed" "$( [ -e "$default_index" ] && echo yes || echo no)" \
	"--check without --index leaves the default index ($default_index) alone"

# The corpus path as given prefixes every path: a trailing slash adds
# nothing, "." adds nothing at all.
run_indexer --check "$C/"
expect_run 1 "" "--check CORPUS/"
assert_eq "$index_errors" "$(grep -E ': (error|note): ' <<<"$RUN_STDERR" | LC_ALL=C sort)" "CORPUS/ prints the same paths as CORPUS"
(cd "$C" && run_indexer --check . && printf '%s\n' "$RUN_STATUS" >"$TMP/dot.status" && printf '%s\n' "$RUN_STDERR" >"$TMP/dot.err")
assert_eq 1 "$(cat "$TMP/dot.status")" "--check . exits 1"
assert_eq "$(sed "s|$C/||g" <<<"$index_errors")" "$(grep -E ': (error|note): ' "$TMP/dot.err" | LC_ALL=C sort)" \
	"--check . prints paths relative to the corpus"

run_indexer --check "$CORPUS_DIR"
expect_run 0 "" "--check on corpus/"
assert_line "$RUN_STDOUT" "checked 72 resources: 72 valid, 0 with errors, 0 warnings, 0 skipped files" "--check summary of corpus/"
assert_eq "" "$RUN_STDERR" "--check on corpus/ prints nothing on stderr"

# ---------------------------------------------------------------- duplicate ids over time
# The first holder goes: the second takes the id over.
rm "$B/dup-a.md"
run_indexer --index "$INDEX" "$C"
expect_run 1 "$(summary 1 0 72 1 $((BROKEN_RESOURCES - 1)))" "after removing the first holder of shared-id"
assert_not_contains "$RUN_STDERR" "duplicate id" "no duplicate once the first holder is gone"
assert_eq 1 "$(termfreq "$PUBLIC" Qshared-id)" "shared-id still indexed once"
assert_line "$(doc_terms "$PUBLIC" shared-id)" Ssecond "the second holder now has the id"
assert_eq 1 "$(termfreq "$PUBLIC" snorklewhip)" "the new holder's words are indexed"

# A newcomer that sorts first takes the id from the (unchanged) holder.
set_mtime_past "$B/dup-b.md"
printf -- '---\nid: shared-id\ntitle: Newcomer Holder\ntype: report\n---\n\nA newcomer.\n' >"$B/dup-0.md"
run_indexer --index "$INDEX" "$C"
expect_run 1 "$(summary 1 0 72 0 "$BROKEN_RESOURCES")" "after adding an earlier holder of shared-id"
assert_contains "$RUN_STDERR" "$B/dup-b.md" "the displaced holder is reported"
assert_contains "$RUN_STDERR" "duplicate id 'shared-id': also used by $B/dup-0.md" "the message names the newcomer"
assert_eq 1 "$(termfreq "$PUBLIC" Qshared-id)" "shared-id indexed once after the takeover"
assert_line "$(doc_terms "$PUBLIC" shared-id)" Snewcomer "the newcomer holds the id"
assert_eq 0 "$(termfreq "$PUBLIC" snorklewhip)" "the displaced holder's words are gone"
assert_eq "" "$(spelling_suggestion "$PUBLIC" snorklewhap)" "the displaced holder's words left the spelling table"

# The same, across partitions: a public newcomer displaces an les holder.
rm "$B/dup-0.md"
sed -i 's/^id: shared-id$/id: shared-id\naccess: les/' "$B/dup-b.md"
run_indexer --index "$INDEX" "$C"
expect_run 1 "$(summary 1 0 72 1 $((BROKEN_RESOURCES - 1)))" "dup-b.md alone again, now les"
assert_eq 0 "$(termfreq "$PUBLIC" Qshared-id)" "shared-id left public"
assert_eq 1 "$(termfreq "$INDEX/current/les" Qshared-id)" "shared-id is in les"
set_mtime_past "$B/dup-b.md"
printf -- '---\nid: shared-id\ntitle: Newcomer Holder\ntype: report\n---\n\nA newcomer.\n' >"$B/dup-0.md"
run_indexer --index "$INDEX" "$C"
expect_run 1 "$(summary 1 0 72 0 "$BROKEN_RESOURCES")" "a public newcomer displaces the les holder"
assert_eq 1 "$(termfreq "$PUBLIC" Qshared-id)" "shared-id in public (the newcomer)"
assert_eq 0 "$(termfreq "$INDEX/current/les" Qshared-id)" "the displaced les holder is gone: an id is in one partition only"
