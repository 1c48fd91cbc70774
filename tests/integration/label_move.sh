#!/bin/bash
# label_move: a resource whose access label changes moves between partitions
# and leaves nothing behind in the old one (no Q term, no words, no spelling
# dictionary entry):
#   - public -> les by editing its front matter, and back;
#   - a folder's _defaults.yaml relabelling a whole folder (a file's own
#     `access: public` still wins), and the defaults removed again;
#   - a relabel that also breaks the file: it must leave public at once
#     (a stale public copy of a now-les document must not stay searchable).
# The spelling table is read through quest's "Did you mean" (xapian-tools):
# a made-up word only this resource has ("zorbulent") is suggested for a
# misspelling only where the resource is.
source "$(dirname "$0")/lib.sh"
require_tool quest
make_temp_dir

C=$TMP/corpus
INDEX=$TMP/index
PUBLIC=$INDEX/current/public
LES=$INDEX/current/les
ID=awareness/wallet-card-signs-of-trafficking
FILE=$C/$ID.md
WORD=zorbulent
MISSPELT=zorbulemt
copy_corpus "$C"
printf '\nKeep this card: the %s pocket edition fits any wallet.\n' "$WORD" >>"$FILE"

index() { run_indexer --index "$INDEX" "$C"; }

# in_partition DB LABEL - the resource, its word and its spelling entry are
# all in DB; not_in_partition - none of them is.
in_partition() {
	local db=$1 label=$2 context=$3
	assert_eq 1 "$(termfreq "$db" "Q$ID")" "$context: Q$ID in $label"
	assert_eq 1 "$(termfreq "$db" "$WORD")" "$context: '$WORD' in $label"
	assert_line "$(doc_terms "$db" "$ID")" "XACCESS$label" "$context: the document carries XACCESS$label"
	assert_eq "$WORD" "$(spelling_suggestion "$db" "$MISSPELT")" "$context: $label's spelling table suggests '$WORD'"
}
not_in_partition() {
	local db=$1 label=$2 context=$3
	assert_eq 0 "$(termfreq "$db" "Q$ID")" "$context: Q$ID absent from $label"
	assert_eq 0 "$(termfreq "$db" "$WORD")" "$context: '$WORD' absent from $label"
	assert_eq 0 "$(termfreq "$db" "S$WORD")" "$context: no title term either"
	assert_eq "" "$(spelling_suggestion "$db" "$MISSPELT")" "$context: $label's spelling table has no '$WORD'"
}

index
expect_run 0 "$(summary 72 0 0 0 0)" "first run"
public_docs=$(doc_count "$PUBLIC")
les_docs=$(doc_count "$LES")
in_partition "$PUBLIC" public "before the move"
not_in_partition "$LES" les "before the move"

# ---------------------------------------------------------------- public -> les
sed -i 's/^type: awareness-material$/type: awareness-material\naccess: les/' "$FILE"
grep -qx 'access: les' "$FILE" || fail "the access edit did not apply"
index
expect_run 0 "$(summary 0 1 71 0 0)" "after relabelling $ID les"
not_in_partition "$PUBLIC" public "after public -> les"
in_partition "$LES" les "after public -> les"
assert_eq $((public_docs - 1)) "$(doc_count "$PUBLIC")" "public documents after the move"
assert_eq $((les_docs + 1)) "$(doc_count "$LES")" "les documents after the move"
assert_eq $((public_docs - 1)) "$(termfreq "$PUBLIC" XACCESSpublic)" "XACCESSpublic after the move"
assert_eq $((les_docs + 1)) "$(termfreq "$LES" XACCESSles)" "XACCESSles after the move"
assert_contains "$(state_values "$LES" | grep "^$ID	")" "	$ID.md	les	" "the state of the moved document says les"

index
expect_run 0 "$(summary 0 0 72 0 0)" "re-run after the move"

# ---------------------------------------------------------------- les -> public
sed -i 's/^access: les$/access: public/' "$FILE"
index
expect_run 0 "$(summary 0 1 71 0 0)" "after relabelling $ID public again"
in_partition "$PUBLIC" public "after les -> public"
not_in_partition "$LES" les "after les -> public"
assert_eq "$public_docs" "$(doc_count "$PUBLIC")" "public documents after moving back"
assert_eq "$les_docs" "$(doc_count "$LES")" "les documents after moving back"

# ---------------------------------------------------------------- a folder's defaults
# awareness/ has 6 resources; hospitality-staff-poster says `access: public`
# in its sidecar, so 5 move. Every one is re-read (its folder context changed).
awareness_total=$(find "$C/awareness" -name '*.md' -o -name '*.txt' | wc -l)
assert_eq 6 "$awareness_total" "resources in awareness/"
printf 'access: les\n' >"$C/awareness/_defaults.yaml"
sed -i '/^access: public$/d' "$FILE"
index
expect_run 0 "$(summary 0 6 66 0 0)" "after awareness/_defaults.yaml says access: les"
assert_eq $((public_docs - 5)) "$(doc_count "$PUBLIC")" "public documents after relabelling awareness/"
assert_eq $((les_docs + 5)) "$(doc_count "$LES")" "les documents after relabelling awareness/"
assert_eq 1 "$(termfreq "$PUBLIC" Qawareness/hospitality-staff-poster)" "a file's own access wins over its folder's"
not_in_partition "$PUBLIC" public "after the folder relabel"
in_partition "$LES" les "after the folder relabel"
rm "$C/awareness/_defaults.yaml"
index
expect_run 0 "$(summary 0 6 66 0 0)" "after removing awareness/_defaults.yaml"
in_partition "$PUBLIC" public "after the folder defaults went"
not_in_partition "$LES" les "after the folder defaults went"
assert_eq "$public_docs" "$(doc_count "$PUBLIC")" "public documents after the folder defaults went"

# ---------------------------------------------------------------- relabelled and broken at once
sed -i 's/^type: awareness-material$/type: awarenes-material\naccess: les/' "$FILE"
index
expect_run 1 "$(summary 0 0 71 0 1)" "relabelled les and broken in the same edit"
assert_contains "$RUN_STDERR" "$FILE:" "the broken file is reported"
assert_eq 0 "$(termfreq "$PUBLIC" "Q$ID")" "a broken relabelled file leaves public"
assert_eq 0 "$(termfreq "$PUBLIC" "$WORD")" "its words leave public"
assert_eq "" "$(spelling_suggestion "$PUBLIC" "$MISSPELT")" "its spelling entries leave public"
assert_eq 0 "$(termfreq "$LES" "Q$ID")" "a broken file is not indexed in les either"

# ---------------------------------------------------------------- fixed again; same as a fresh build
sed -i 's/^type: awarenes-material$/type: awareness-material/' "$FILE"
index
expect_run 0 "$(summary 1 0 71 0 0)" "the broken file fixed (still les)"
in_partition "$LES" les "after the fix"
not_in_partition "$PUBLIC" public "after the fix"
run_indexer --index "$TMP/fresh" "$C"
expect_run 0 "$(summary 72 0 0 0 0)" "a fresh build of the same corpus"
compare_with "$TMP/fresh" "the index after label moves vs a fresh build"

# ---------------------------------------------------------------- ids swapped between two files
# Two files that set their own ids trade them, in one partition and then
# across partitions (each also changing label): every id ends up once, with
# the right document, and the index equals a fresh build.
A=$C/model-policies/model-policy-law-enforcement-response-cst.md   # id: model-policy-cst-response
B=$C/best-practices/investigators-guide-cst-cases.md                 # id: investigators-guide-cst
sed -i 's/^id: model-policy-cst-response$/id: investigators-guide-cst/' "$A"
sed -i 's/^id: investigators-guide-cst$/id: model-policy-cst-response/' "$B"
index
expect_run 0 "$(summary 0 2 70 0 0)" "two files swap their ids"
assert_line "$(doc_terms "$PUBLIC" investigators-guide-cst)" Smodel "investigators-guide-cst is now the model policy"
assert_line "$(doc_terms "$PUBLIC" model-policy-cst-response)" Sguide "model-policy-cst-response is now the guide"
rm -r "$TMP/fresh"
run_indexer --index "$TMP/fresh" "$C"
compare_with "$TMP/fresh" "after an id swap vs a fresh build"

sed -i 's/^id: investigators-guide-cst$/id: model-policy-cst-response\naccess: les/' "$A"
sed -i 's/^id: model-policy-cst-response$/id: investigators-guide-cst/' "$B"
index
expect_run 0 "$(summary 0 2 70 0 0)" "swapped back, one of them moving to les"
assert_eq 1 "$(termfreq "$LES" Qmodel-policy-cst-response)" "the relabelled id is in les"
assert_eq 0 "$(termfreq "$PUBLIC" Qmodel-policy-cst-response)" "and not in public"
sed -i 's/^id: model-policy-cst-response$/id: investigators-guide-cst/; /^access: les$/d' "$A"
sed -i 's/^id: investigators-guide-cst$/id: model-policy-cst-response\naccess: les/' "$B"
index
expect_run 0 "$(summary 0 2 70 0 0)" "swapped across partitions: les -> public and public -> les at once"
assert_eq 1 "$(termfreq "$LES" Qmodel-policy-cst-response)" "model-policy-cst-response (now the guide) is in les"
assert_line "$(doc_terms "$LES" model-policy-cst-response)" Sguide "les holds the guide under that id"
assert_eq 1 "$(termfreq "$PUBLIC" Qinvestigators-guide-cst)" "investigators-guide-cst (now the model policy) is public"
assert_eq 0 "$(termfreq "$LES" Qinvestigators-guide-cst)" "not in les"
assert_eq 0 "$(termfreq "$PUBLIC" Qmodel-policy-cst-response)" "not in public"
rm -r "$TMP/fresh"
run_indexer --index "$TMP/fresh" "$C"
compare_with "$TMP/fresh" "after a cross-partition id swap vs a fresh build"
