#!/bin/bash
# schema_change: editing schema.yaml re-indexes what it affects.
#   - a new agency_type value: every resource is re-read, and those tagged
#     `agency_type: all` get the new value's term (checked against
#     expected_counts.py on the edited corpus);
#   - a value removed that resources use: those resources fail (reported
#     where the value is written) and leave the index;
#   - the `les` access label removed: every les resource fails and the les
#     partition is emptied (no document stays under a label that is gone);
#   - the schema restored: the index equals a fresh build.
source "$(dirname "$0")/lib.sh"
make_temp_dir

C=$TMP/corpus
INDEX=$TMP/index
declare -A revision_before=()
copy_corpus "$C"
cp "$C/schema.yaml" "$TMP/schema.orig"
index() { run_indexer --index "$INDEX" "$C"; }

index
expect_run 0 "$(summary 72 0 0 0 0)" "first run"

# ---------------------------------------------------------------- a new value
sed -i 's/^    tribal: Tribal$/    tribal: Tribal\n    frontier: Frontier/' "$C/schema.yaml"
grep -q 'frontier: Frontier' "$C/schema.yaml" || fail "the schema edit did not apply"
index
expect_run 0 "$(summary 0 72 0 0 0)" "after adding agency_type frontier (every resource re-read)"
check_matches_corpus "$INDEX" "$C"
for label in public les; do
	all=$(termfreq "$INDEX/current/$label" XALLagency_type)
	assert_eq "$all" "$(termfreq "$INDEX/current/$label" XAGENCYTYPEfrontier)" \
		"$label: every 'agency_type: all' resource has the new value (and nothing else does)"
done
assert_ne 0 "$(termfreq "$INDEX/current/public" XAGENCYTYPEfrontier)" "some public resource is tagged agency_type: all"
index
expect_run 0 "$(summary 0 0 72 0 0)" "re-run after the schema change"

# ---------------------------------------------------------------- a used value removed
users=$(awk -F'\t' '$1 == "res" && $5 ~ /(^|,)XTOPICgangs(,|$)/ { print $3 }' "$TMP/expected.tsv" | LC_ALL=C sort)
user_count=$(grep -c . <<<"$users")
assert_ne 0 "$user_count" "the corpus uses topic gangs"
sed -i '/^    gangs: Gangs$/d' "$C/schema.yaml"
index
expect_run 1 "$(summary 0 $((72 - user_count)) 0 0 "$user_count")" "after removing topic gangs from the schema"
for id in $users; do
	path=$(awk -F'\t' -v id="$id" '$1 == "res" && $3 == id { print $4 }' "$TMP/expected.tsv")
	position=$(grep -n '^topics:.*\bgangs\b' "$C/$path" | head -1 | cut -d: -f1)
	column=$(grep '^topics:.*\bgangs\b' "$C/$path" | head -1 | awk '{ print index($0, "gangs") }')
	assert_line "$RUN_STDERR" "$C/$path:$position:$column: error: 'gangs' is not a known topics (expected one of: $(
		sed -n '/^  topics:$/,/^$/p' "$C/schema.yaml" | sed -n 's/^    \([a-z-]*\):.*/\1/p' | paste -sd, | sed 's/,/, /g'))" \
		"$path: the removed value is reported where it is written"
	for label in public les; do
		assert_eq 0 "$(termfreq "$INDEX/current/$label" "Q$id")" "$id left partition $label"
	done
done
for label in public les; do
	assert_eq 0 "$(termfreq "$INDEX/current/$label" XTOPICgangs)" "no XTOPICgangs left in $label"
done

# ---------------------------------------------------------------- an access label removed
cp "$TMP/schema.orig" "$C/schema.yaml"
index
expect_run 0 "$(summary "$user_count" $((72 - user_count)) 0 0 0)" "schema restored"
les_count=$(doc_count "$INDEX/current/les")
assert_eq 9 "$les_count" "les documents before removing the label"
sed -i '/^    les: Law-enforcement sensitive$/d' "$C/schema.yaml"
index
expect_run 1 "$(summary 0 63 0 0 9)" "after removing the les access label"
assert_contains "$RUN_STDERR" "'les' is not a known access (expected one of: public)" "a resource saying access: les is reported"
assert_contains "$RUN_STDERR" "$C/les/_defaults.yaml:2:9: error: 'les' is not a known access" "the les folder defaults are reported"
assert_eq 0 "$(doc_count "$INDEX/current/les")" "no document stays under a label that is gone"
assert_eq 63 "$(doc_count "$INDEX/current/public")" "public documents are unaffected"

# ---------------------------------------------------------------- restored
cp "$TMP/schema.orig" "$C/schema.yaml"
index
expect_run 0 "$(summary 9 63 0 0 0)" "schema restored again"
check_matches_corpus "$INDEX" "$C"
run_indexer --index "$TMP/fresh" "$C"
expect_run 0 "$(summary 72 0 0 0 0)" "a fresh build"
compare_with "$TMP/fresh" "after the schema edits vs a fresh build"

# ---------------------------------------------------------------- synonyms.yaml
# Not part of any document: a change rewrites each partition's synonym table
# and re-reads nothing.
synonym_of() { quest -d "$1" -f default,synonym -m 0 -- "~$2" 2>/dev/null | sed -n 's/^Parsed Query: //p'; }
require_tool quest
for label in public les; do
	assert_contains "$(synonym_of "$INDEX/current/$label" cst)" "SYNONYM child sex trafficking" "$label: cst has its synonym"
	assert_not_contains "$(synonym_of "$INDEX/current/$label" zorp)" SYNONYM "$label: zorp has no synonym yet"
done
printf '  - [zorp, zebra orphan]\n' >>"$C/synonyms.yaml"
index
expect_run 0 "$(summary 0 0 72 0 0)" "after adding a synonym group (no resource re-read)"
for label in public les; do
	assert_contains "$(synonym_of "$INDEX/current/$label" zorp)" "SYNONYM zebra orphan" "$label: the new synonym is stored"
	revision_before[$label]=$(revision "$INDEX/current/$label")
done
index
expect_run 0 "$(summary 0 0 72 0 0)" "re-run after the synonyms change"
for label in public les; do
	assert_eq "${revision_before[$label]}" "$(revision "$INDEX/current/$label")" "$label: unchanged synonyms are not rewritten"
done
sed -i '/zorp/d' "$C/synonyms.yaml"
index
expect_run 0 "$(summary 0 0 72 0 0)" "after removing the synonym group"
for label in public les; do
	assert_not_contains "$(synonym_of "$INDEX/current/$label" zorp)" SYNONYM "$label: the removed synonym is gone"
	assert_contains "$(synonym_of "$INDEX/current/$label" cst)" "SYNONYM child sex trafficking" "$label: the others stay"
done
