#!/bin/bash
# crawl_rules: the crawl's rules on a small temporary corpus.
#   Reported (a warning naming the file, and counted as skipped), never read:
#     a FIFO, a symlink loop, a symlink out of the corpus, a broken symlink, a
#     file with an unsupported extension and no sidecar, a folder symlink
#     back to an ancestor.
#   Silently skipped: hidden files and folders, editor backups, names with
#     control characters, .lanternignore patterns (a folder and a glob).
#   Followed: a symlink to a file inside the corpus.
#   A file with a sidecar but no extractor (x.dwg + x.dwg.yaml: no plugin
#     reads .dwg) is indexed on
#     its metadata alone, with a warning and a summary line.
#   With all that the run exits 0; then transcripts that are a FIFO, a link
#     out of the corpus, a ../ path or missing fail their records: exit 1.
#   A symlink to a sibling folder must not take the real folder's place (the
#     link is reported, the folder keeps its ids).
source "$(dirname "$0")/lib.sh"
make_temp_dir

C=$TMP/corpus
INDEX=$TMP/index
PUBLIC=$INDEX/current/public
mkdir -p "$C/sub" "$C/.git" "$C/drafts" "$TMP/outside"
cp "$CORPUS_DIR/schema.yaml" "$C/"
doc() { printf -- '---\ntitle: %s\ntype: report\n---\n\n%s\n' "$1" "$2"; }

doc "Good One" "A good document." >"$C/good.md"
doc "Sub Doc" "A document in a folder." >"$C/sub/doc.md"
mkfifo "$C/pipe.md"
ln -s loop-b.md "$C/loop-a.md"
ln -s loop-a.md "$C/loop-b.md"
ln -s .. "$C/sub/up"
doc "Secret" "The xyzzysecret word lives outside." >"$TMP/outside/secret.md"
ln -s ../outside/secret.md "$C/outside.md"
ln -s nowhere.md "$C/dangling.md"
ln -s good.md "$C/alias-of-good.md"
printf 'PNG' >"$C/diagram.png"
printf 'AC1015 not really a drawing' >"$C/brochure.dwg"
printf 'title: A CAD Brochure\ntype: awareness-material\ntopics: public-awareness\n' >"$C/brochure.dwg.yaml"
# Silently skipped.
doc "Hidden" "hiddenword" >"$C/.hidden.md"
doc "In git" "hiddenword" >"$C/.git/inside.md"
for name in 'good.md~' '#good.md#' '.good.md.swp' 'notes.md.swp' 'notes.md.bak' 'notes.md.orig' \
	'notes.md.tmp' 'notes.md.rej' "$(printf 'control\001name.md')"; do
	doc "Backup" "hiddenword" >"$C/$name"
done
printf '# not resources\ndrafts/\n*.draft.md\n' >"$C/.lanternignore"
doc "Draft" "hiddenword" >"$C/drafts/d.md"
doc "Draft" "hiddenword" >"$C/wip.draft.md"

# ---------------------------------------------------------------- the crawl
run_indexer --index "$INDEX" "$C"
expect_run 0 "$(summary 4 0 0 0 0)" "a corpus with unusual files (all skipped or indexed)"
assert_contains "$RUN_STDOUT" "skipped 7 in" "seven files and folders reported as skipped"
for warning in \
	"$C/pipe.md: warning: skipped: a FIFO" \
	"$C/loop-a.md: warning: skipped symlink: symlink loop" \
	"$C/loop-b.md: warning: skipped symlink: symlink loop" \
	"$C/outside.md: warning: skipped symlink: it points outside the corpus" \
	"$C/dangling.md: warning: skipped symlink: target does not exist" \
	"$C/diagram.png: warning: skipped: no sidecar (diagram.png.yaml) and no extractor for this format" \
	"$C/sub/up: warning: skipped folder: already visited (a symlink loop)" \
	"$C/brochure.dwg: warning: no text extractor for .dwg files: indexed on its metadata alone"; do
	assert_line "$RUN_STDERR" "$warning" "warning printed"
done
assert_eq 8 "$(grep -c . <<<"$RUN_STDERR")" "nothing else on stderr (silent skips are silent)"
for silent in .hidden.md .git good.md~ '#good.md#' .good.md.swp notes.md control drafts wip.draft.md; do
	assert_not_contains "$RUN_STDERR" "$C/$silent" "'$silent' is skipped silently"
done
assert_line "$RUN_STDOUT" "1 resources indexed on their metadata alone (no text extractor)" \
	"the summary counts metadata-only resources"

assert_eq "alias-of-good brochure good sub/doc " "$(ids "$PUBLIC" | tr '\n' ' ')" "the indexed ids"
assert_eq 0 "$(termfreq "$PUBLIC" xyzzysecret)" "nothing read through a symlink out of the corpus"
assert_eq 0 "$(termfreq "$PUBLIC" hiddenword)" "nothing read from hidden, backup or ignored files"
terms=$(doc_terms "$PUBLIC" brochure)
assert_line "$terms" XFORMATdwg "the metadata-only resource has its format"
assert_line "$terms" XTOPICpublic-awareness "the metadata-only resource has its sidecar's topics"
assert_line "$terms" Sbrochure "the metadata-only resource has its title"
assert_eq 2 "$(termfreq "$PUBLIC" Sgood)" "a symlink to a file inside the corpus is followed"

set_mtime_past "$C/good.md" "$C/sub/doc.md" "$C/brochure.dwg" "$C/brochure.dwg.yaml"
run_indexer --index "$INDEX" "$C"
expect_run 0 "$(summary 0 0 4 0 0)" "re-run: the skipped files are still skipped"
assert_contains "$RUN_STDOUT" "skipped 7 in" "the re-run reports the same skipped files"

# ---------------------------------------------------------------- a link to a sibling folder
# "a-link" sorts before "sub": the crawl meets the link first. The real
# folder must keep its documents and ids; it is not a symlink loop.
ln -s sub "$C/a-link-to-sub"
run_indexer --index "$INDEX" "$C"
assert_eq 1 "$(termfreq "$PUBLIC" Qsub/doc)" "sub/doc stays indexed under its own path when a symlink to sub/ is added"
assert_not_contains "$RUN_STDERR" "$C/sub: warning: skipped folder: already visited (a symlink loop)" \
	"the real folder sub/ is not reported as a symlink loop"
assert_contains "$RUN_STDERR" "$C/a-link-to-sub: warning: skipped folder: already visited" \
	"the link to a folder already walked is the one reported"
assert_eq 0 "$(termfreq "$PUBLIC" Qa-link-to-sub/doc)" "nothing is indexed through the folder alias"
rm "$C/a-link-to-sub"

# ---------------------------------------------------------------- transcripts
mkdir "$C/vids"
mkfifo "$C/vids/pipe.transcript.txt"
printf 'title: Piped\ntype: video\ntranscript: pipe.transcript.txt\n' >"$C/vids/piped.yaml"
printf 'The xyzzysecret transcript.\n' >"$TMP/outside/t.txt"
ln -s ../../outside/t.txt "$C/vids/escape.transcript.txt"
printf 'title: Escaping\ntype: video\ntranscript: escape.transcript.txt\n' >"$C/vids/escape.yaml"
printf 'title: Dotdot\ntype: video\ntranscript: ../../outside/t.txt\n' >"$C/vids/dotdot.yaml"
printf 'title: Missing transcript\ntype: video\ntranscript: nothere.txt\n' >"$C/vids/missing.yaml"
printf 'Spoken words of the fine video.\n' >"$C/vids/fine.transcript.txt"
printf 'title: Fine\ntype: video\ntranscript: fine.transcript.txt\n' >"$C/vids/fine.yaml"
run_indexer --index "$INDEX" "$C"
expect_run 1 "" "records whose transcripts cannot be read"
assert_contains "$RUN_SUMMARY" "failed 4" "four records fail"
assert_eq 1 "$(termfreq "$PUBLIC" Qvids/fine)" "a record with a good transcript is indexed"
assert_eq 1 "$(termfreq "$PUBLIC" spoken)" "its transcript's words are indexed"
assert_eq 0 "$(termfreq "$PUBLIC" Qvids/fine.transcript)" "a transcript is not a resource of its own"
for bad in piped escape dotdot missing; do
	assert_eq 0 "$(termfreq "$PUBLIC" "Qvids/$bad")" "record vids/$bad.yaml is not indexed"
done
assert_eq 0 "$(termfreq "$PUBLIC" xyzzysecret)" "no transcript is read from outside the corpus"
assert_line "$RUN_STDERR" "$C/vids/dotdot.yaml:3:13: error: bad file name '../../outside/t.txt': give a path relative to this file" \
	"a ../ transcript is reported where it is written"
assert_contains "$RUN_STDERR" "error: cannot read: vids/escape.transcript.txt: it points outside the corpus" \
	"a transcript linked out of the corpus is refused"
assert_contains "$RUN_STDERR" "pipe.transcript.txt: not a regular file" "a FIFO transcript is refused, not read"
assert_contains "$RUN_STDERR" "$C/vids/missing.yaml" "a missing transcript is reported with its record"
assert_contains "$RUN_STDERR" "nothere.txt: No such file or directory" "the missing transcript is named"
