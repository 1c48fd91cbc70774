#!/bin/bash
# incremental: change a copy of corpus/ one way at a time and check that each
# re-run reports exactly the right added/updated/unchanged/deleted counts and
# leaves the right documents and terms in the index:
#   add a file; re-run at once (racy window: re-read, still "unchanged");
#   change a body; change metadata (topics); delete a file; rename a file
#   (id from the path: old id gone, new id there); rename a file that sets
#   its own id (same id, one document); touch a file (mtime only); move every
#   mtime back (stat differs, content the same).
source "$(dirname "$0")/lib.sh"
make_temp_dir

C=$TMP/corpus
INDEX=$TMP/index
PUBLIC=$INDEX/current/public
copy_corpus "$C"

index() { run_indexer --index "$INDEX" "$C"; }

index
expect_run 0 "$(summary 72 0 0 0 0)" "first run"
docs=$(doc_count "$PUBLIC")
assert_eq 63 "$docs" "public documents after the first run"

# ---------------------------------------------------------------- add a file
cat >"$C/reports/zz-incremental-added.md" <<'EOF'
---
title: Quarterly Note on Quillibrant Outreach
type: report
topics: [public-awareness]
---

# Quarterly Note

This note describes the glimmerquat outreach programme run by the county.
EOF
index
expect_run 0 "$(summary 1 0 72 0 0)" "after adding reports/zz-incremental-added.md"
assert_eq 1 "$(termfreq "$PUBLIC" Qreports/zz-incremental-added)" "the added file's id is indexed"
assert_eq 1 "$(termfreq "$PUBLIC" glimmerquat)" "a body word of the added file is indexed"
assert_eq $((docs + 1)) "$(doc_count "$PUBLIC")" "public documents after the add"
assert_line "$(doc_terms "$PUBLIC" reports/zz-incremental-added)" XTOPICpublic-awareness \
	"the added file has its topic term"

# Racy window: the file was written moments ago, so this run re-reads it; its
# content is the same, so it is unchanged all the same.
index
expect_run 0 "$(summary 0 0 73 0 0)" "immediate re-run (file inside the 2 s racy window)"
assert_eq 1 "$(termfreq "$PUBLIC" glimmerquat)" "the racy re-read keeps the document"

# Racy window, the dangerous case: an edit that keeps both the size and the
# mtime the last run recorded (the file was modified within the same clock
# tick as it was indexed). Only the racy-timestamp rule catches it.
touch "$C/reports/zz-incremental-added.md"
touch -r "$C/reports/zz-incremental-added.md" "$TMP/mtime-ref"
index
expect_run 0 "$(summary 0 0 73 0 0)" "re-run after a touch (content unchanged)"
sed -i 's/county/COUNTY/' "$C/reports/zz-incremental-added.md"
touch -r "$TMP/mtime-ref" "$C/reports/zz-incremental-added.md"
index
expect_run 0 "$(summary 0 1 72 0 0)" "same size and mtime, new content (inside the racy window)"
sed -i 's/COUNTY/county/' "$C/reports/zz-incremental-added.md"
touch -r "$TMP/mtime-ref" "$C/reports/zz-incremental-added.md"
index
expect_run 0 "$(summary 0 1 72 0 0)" "edited back, same size and mtime again"

# ---------------------------------------------------------------- change a body
sed -i 's/glimmerquat outreach/vexomundal outreach/' "$C/reports/zz-incremental-added.md"
index
expect_run 0 "$(summary 0 1 72 0 0)" "after changing the added file's body"
assert_eq 0 "$(termfreq "$PUBLIC" glimmerquat)" "the replaced body word is gone"
assert_eq 1 "$(termfreq "$PUBLIC" vexomundal)" "the new body word is indexed"
assert_eq 1 "$(termfreq "$PUBLIC" Squillibrant)" "the title (unchanged) still has its word"
assert_eq $((docs + 1)) "$(doc_count "$PUBLIC")" "a body change adds no document"

# ---------------------------------------------------------------- change metadata
POLICY=policies/juvenile-victim-non-arrest-policy
vice=$(termfreq "$PUBLIC" XTOPICvice)
gangs=$(termfreq "$PUBLIC" XTOPICgangs)
set_mtime_past "$C/reports/zz-incremental-added.md"
sed -i 's/^topics: \[child-sex-trafficking, vice, victim-services, investigations\]$/topics: [child-sex-trafficking, gangs, victim-services, investigations]/' \
	"$C/$POLICY.md"
grep -q '^topics: \[child-sex-trafficking, gangs,' "$C/$POLICY.md" || fail "the topics edit did not apply"
index
expect_run 0 "$(summary 0 1 72 0 0)" "after changing $POLICY's topics"
assert_eq $((vice - 1)) "$(termfreq "$PUBLIC" XTOPICvice)" "XTOPICvice after removing the topic"
assert_eq $((gangs + 1)) "$(termfreq "$PUBLIC" XTOPICgangs)" "XTOPICgangs after adding the topic"
terms=$(doc_terms "$PUBLIC" "$POLICY")
assert_line "$terms" XTOPICgangs "$POLICY has its new topic"
assert_not_contains "$terms" XTOPICvice "$POLICY lost its old topic"

# ---------------------------------------------------------------- delete a file
set_mtime_past "$C/$POLICY.md"
rm "$C/toolkits/dispatcher-call-taker-toolkit.md"
index
expect_run 0 "$(summary 0 0 72 1 0)" "after deleting toolkits/dispatcher-call-taker-toolkit.md"
assert_eq 0 "$(termfreq "$PUBLIC" Qtoolkits/dispatcher-call-taker-toolkit)" "the deleted file's id is gone"
assert_eq "$docs" "$(doc_count "$PUBLIC")" "public documents after the delete"

# ---------------------------------------------------------------- rename (id from the path)
body_word=Zsafe   # stemmed "safe" (a word of the renamed file)
safe_before=$(termfreq "$PUBLIC" "$body_word")
assert_ne 0 "$safe_before" "the renamed file's body word $body_word is indexed"
mv "$C/legal/safe-harbor-laws-overview.md" "$C/legal/safe-harbor-laws-summary.md"
index
expect_run 0 "$(summary 1 0 71 1 0)" "after renaming legal/safe-harbor-laws-overview.md"
assert_eq 0 "$(termfreq "$PUBLIC" Qlegal/safe-harbor-laws-overview)" "the old id is gone after a rename"
assert_eq 1 "$(termfreq "$PUBLIC" Qlegal/safe-harbor-laws-summary)" "the new id is there after a rename"
assert_eq "$docs" "$(doc_count "$PUBLIC")" "a rename keeps the document count"
assert_eq "$safe_before" "$(termfreq "$PUBLIC" "$body_word")" "a rename keeps the body's terms"
assert_contains "$(state_values "$PUBLIC" | grep '^legal/safe-harbor-laws-summary	')" \
	"	legal/safe-harbor-laws-summary.md	public	" "the state names the new source"

# ---------------------------------------------------------------- rename (own id)
mv "$C/model-policies/model-policy-law-enforcement-response-cst.md" \
	"$C/model-policies/renamed-model-policy.md"
index
expect_run 0 "$(summary 1 0 71 1 0)" "after renaming a file that sets its own id"
assert_eq 1 "$(termfreq "$PUBLIC" Qmodel-policy-cst-response)" "an id set in front matter survives a rename"
assert_eq "$docs" "$(doc_count "$PUBLIC")" "a rename of a file with its own id keeps the document count"
state=$(state_values "$PUBLIC" | grep '^model-policy-cst-response	' || true)
assert_contains "$state" "	model-policies/renamed-model-policy.md	" "the state names the renamed source"

# ---------------------------------------------------------------- touch (mtime only)
set_mtime_past "$C"/model-policies/*.md "$C"/legal/*.md
index
expect_run 0 "$(summary 0 0 72 0 0)" "after moving mtimes back (content unchanged)"
touch "$C/awareness/blue-campaign-overview.md"
index
expect_run 0 "$(summary 0 0 72 0 0)" "after touching awareness/blue-campaign-overview.md"
assert_eq 1 "$(termfreq "$PUBLIC" Qawareness/blue-campaign-overview)" "a touched file stays indexed"
set_mtime_past "$C/awareness/blue-campaign-overview.md"
index
expect_run 0 "$(summary 0 0 72 0 0)" "after moving the touched file's mtime back"
rev=$(revision "$PUBLIC")
index
expect_run 0 "$(summary 0 0 72 0 0)" "a quiet re-run"
assert_eq "$rev" "$(revision "$PUBLIC")" "a run with nothing to re-read leaves the revision alone"

# ---------------------------------------------------------------- sidecars, transcripts
set_mtime_past "$C"/awareness/* "$C"/videos/*
index
expect_run 0 "$(summary 0 0 72 0 0)" "quiet run before the sidecar edits"
POSTER=awareness/hospitality-staff-poster
sed -i 's/^topics: \[public-awareness, indicators, vice\]$/topics: [public-awareness, indicators, gangs]/' "$C/$POSTER.txt.yaml"
grep -q 'gangs\]$' "$C/$POSTER.txt.yaml" || fail "the sidecar edit did not apply"
index
expect_run 0 "$(summary 0 1 71 0 0)" "after editing only a sidecar"
assert_line "$(doc_terms "$PUBLIC" "$POSTER")" XTOPICgangs "the sidecar's new topic is indexed"

VIDEO=videos/recognizing-cst-on-patrol
printf '\nThe plinkertove checklist closes the briefing.\n' >>"$C/$VIDEO.transcript.txt"
index
expect_run 0 "$(summary 0 1 71 0 0)" "after editing only a record's transcript"
assert_eq 1 "$(termfreq "$PUBLIC" plinkertove)" "the transcript's new word is indexed"
assert_eq 0 "$(termfreq "$PUBLIC" "Q$VIDEO.transcript")" "the transcript is still not a resource"

mv "$C/$VIDEO.transcript.txt" "$TMP/transcript.txt"
index
expect_run 1 "$(summary 0 0 71 0 1)" "after removing a record's transcript"
assert_contains "$RUN_STDERR" "$C/$VIDEO.yaml" "the record with the missing transcript is reported"
assert_eq 0 "$(termfreq "$PUBLIC" "Q$VIDEO")" "a record that now fails is removed, not left stale"
assert_eq 0 "$(termfreq "$PUBLIC" plinkertove)" "its words are gone"
mv "$TMP/transcript.txt" "$C/$VIDEO.transcript.txt"
index
expect_run 0 "$(summary 1 0 71 0 0)" "after restoring the transcript"
assert_eq 1 "$(termfreq "$PUBLIC" plinkertove)" "the restored record is indexed again"

# ---------------------------------------------------------------- a whole folder
rm -r "$C/reports"
index
expect_run 0 "$(summary 0 0 67 5 0)" "after deleting reports/ (5 resources, one added above)"
assert_eq 0 "$(ids "$PUBLIC" | grep -c '^reports/' || true)" "no reports/ id is left"

# ---------------------------------------------------------------- everything at once, compared with a fresh build
run_indexer --index "$TMP/fresh" "$C"
expect_run 0 "$(summary 67 0 0 0 0)" "a fresh build of the edited corpus"
compare_with "$TMP/fresh" "the incrementally updated index vs a fresh build"
