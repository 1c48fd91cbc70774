#!/bin/bash
# extract_corpus: the extractor plugins end to end, through lantern-index and
# lantern-search, over a temporary corpus of tests/data/extract's fixtures.
#
#   - PDFs and a .hello without sidecars are indexed, titled from the
#     embedded title, else the file name; a sidecar's title and date win
#     over the embedded ones, and folder defaults win over the embedded title;
#     the embedded creation date becomes `published`; an .srt with a sidecar
#     is indexed, one without (a transcript no record names) is skipped with
#     a warning;
#   - the scan (no text layer), the corrupt PDF, the text file named .pdf and
#     the encrypted PDF fail with `PATH: error: cannot extract text (pdf): ...`;
#     exit status 1 and every other resource indexed;
#   - --check reports the same failures (the scan among them), exit 1;
#   - a YAML record with `transcript: talk.vtt` gets the cue text (speaker
#     names too) and is searchable by it; cue timings, NOTE blocks and cue
#     identifiers are not indexed; the .vtt is not a resource of its own;
#   - lantern-search finds the page-3 phrase of four-pages.pdf with
#     "page": 3 and "pages": 4 in --json and "(page 3 of 4)" in text output;
#     a one-page PDF has no page;
#   - with test plugins beside the build's (a crashing one, a heading-only
#     one), one crash fails one file and the run goes on; a plugin's first
#     heading titles a file without an embedded title;
#   - --list-plugins, a missing plugin directory, lantern-extract run by hand.
source "$(dirname "$0")/../integration/lib.sh"
make_temp_dir

FIXTURES=$LANTERN_SOURCE_DIR/tests/data/extract
PLUGINS=$LANTERN_BUILD_DIR/plugins
HELPER=$PLUGINS/lantern-extract
TEST_PLUGINS=$LANTERN_BUILD_DIR/tests/extract/plugins
SEARCH=$LANTERN_BUILD_DIR/query/lantern-search
export LANTERN_EXTRACT_HELPER=$HELPER
unset LANTERN_PLUGIN_DIR
require_tool pdftotext pdfinfo
[ -x "$SEARCH" ] || fail "no $SEARCH (build first)"
[ -f "$PLUGINS/pdf.so" ] && [ -f "$PLUGINS/transcript.so" ] && [ -f "$PLUGINS/hello.so" ] ||
	fail "the pdf, transcript and hello plugins are not in $PLUGINS (build first)"
# A snapshot of lantern-search, like lib.sh's of lantern-index.
cp "$SEARCH" "$TMP/lantern-search"
SEARCH=$TMP/lantern-search

C=$TMP/corpus
INDEX=$TMP/index
mkdir -p "$C/records" "$C/curated"
cp "$LANTERN_SOURCE_DIR/corpus/schema.yaml" "$C/"
printf 'type: report\n' >"$C/_defaults.yaml"
for f in one-page four-pages blank-page with-info no-text corrupt not-really; do
	cp "$FIXTURES/$f.pdf" "$C/"
done
HAVE_ENCRYPTED=0
if [ -f "$FIXTURES/encrypted.pdf" ]; then
	cp "$FIXTURES/encrypted.pdf" "$C/"
	HAVE_ENCRYPTED=1
else
	note "SKIPPED part: no tests/data/extract/encrypted.pdf (make_fixtures.py makes it with qpdf)"
fi
cp "$FIXTURES/greeting.hello" "$FIXTURES/captions.srt" "$C/"
cp "$FIXTURES/captions.srt" "$C/curated/"
printf 'title: Hotline Captions\ntype: video\n' >"$C/curated/captions.srt.yaml"
# Sidecars: the curated title and date win over the embedded ones.
cp "$FIXTURES/with-info.pdf" "$C/curated/info-with-sidecar.pdf"
printf 'title: Curated Title Wins\ntype: policy\npublished: 2021-06-01\n' >"$C/curated/info-with-sidecar.pdf.yaml"
cp "$FIXTURES/blank-page.pdf" "$C/curated/"
printf 'title: Blank Page Sidecar\ntype: policy\n' >"$C/curated/blank-page.pdf.yaml"
# Folder defaults win over the embedded title too.
mkdir "$C/defaults-title"
printf 'title: Folder Default Title\n' >"$C/defaults-title/_defaults.yaml"
cp "$FIXTURES/with-info.pdf" "$C/defaults-title/"
# A record whose transcript is a WebVTT file.
cp "$FIXTURES/talk.vtt" "$C/records/talk.vtt"
printf 'title: Indicators Briefing Video\ntype: video\ndescription: A recorded briefing on labour indicators.\ntranscript: talk.vtt\n' \
	>"$C/records/briefing.yaml"
set_mtime_past $(find "$C" -type f)

FAILING=(no-text corrupt not-really)
[ "$HAVE_ENCRYPTED" = 0 ] || FAILING+=(encrypted)
# Indexed: 4 PDFs at the root, greeting.hello, 2 curated PDFs and the
# curated captions.srt, the PDF under folder defaults, the record. Skipped:
# captions.srt at the root (a transcript without a record or sidecar).
GOOD=$((4 + 1 + 3 + 1 + 1))
ORPHAN_WARNING="$C/captions.srt: warning: skipped: a transcript is indexed only through the record that names it (or with a sidecar)"

# ------------------------------------------------------------------ --list-plugins
run_indexer --list-plugins --plugins "$PLUGINS"
expect_run 0 "" "--list-plugins"
assert_line "$(head -1 <<<"$RUN_STDOUT")" "plugins from $PLUGINS:" "--list-plugins names the directory"
for line in "  markdown    built-in  .md .markdown" "  text        built-in  .txt .text" \
	"  hello       isolated  .hello" "  pdf         isolated  .pdf" "  transcript  isolated  .vtt .srt"; do
	assert_contains "$RUN_STDOUT" "$line" "--list-plugins lists ${line%% .*}"
done
assert_eq "" "$RUN_STDERR" "no warnings about the build's plugins"

# A missing plugin directory: built-ins only.
run_indexer --list-plugins --plugins "$TMP/no-such-plugins"
expect_run 0 "" "--list-plugins with a missing directory"
assert_eq 3 "$(wc -l <<<"$RUN_STDOUT")" "only the two built-ins are listed"

# ------------------------------------------------------------------ --check
run_indexer --check --plugins "$PLUGINS" --jobs 2 "$C"
expect_run 1 "" "--check with broken PDFs"
assert_contains "$RUN_STDOUT" "checked $((GOOD + ${#FAILING[@]})) resources: $GOOD valid, ${#FAILING[@]} with errors" \
	"--check summary"
assert_contains "$RUN_STDERR" "$C/no-text.pdf: error: cannot extract text (pdf): no text layer (0 visible characters on 2 pages)" \
	"--check reports the scanned PDF"
assert_contains "$RUN_STDERR" "$ORPHAN_WARNING" "--check reports the transcript without a record"
[ ! -e "$INDEX" ] || fail "--check created an index"

# ------------------------------------------------------------------ indexing
run_indexer --index "$INDEX" --plugins "$PLUGINS" --jobs 2 "$C"
expect_run 1 "$(summary "$GOOD" 0 0 0 "${#FAILING[@]}")" "indexing the fixtures"
assert_contains "$RUN_STDERR" "$C/no-text.pdf: error: cannot extract text (pdf): no text layer (0 visible characters on 2 pages): a scanned PDF?" \
	"the scan fails with its reason"
assert_contains "$RUN_STDERR" "$C/corrupt.pdf: error: cannot extract text (pdf): not a readable PDF: " \
	"the corrupt PDF fails with its reason"
assert_contains "$RUN_STDERR" "$C/not-really.pdf: error: cannot extract text (pdf): not a readable PDF: " \
	"the text file named .pdf fails with its reason"
if [ "$HAVE_ENCRYPTED" = 1 ]; then
	assert_contains "$RUN_STDERR" "$C/encrypted.pdf: error: cannot extract text (pdf): encrypted PDF: it needs a password" \
		"the encrypted PDF fails with its reason"
fi
assert_eq "${#FAILING[@]}" "$(grep -c ': error: ' <<<"$RUN_STDERR")" "one error line per failing file"
assert_not_contains "$RUN_STDERR" "talk.vtt" "the record's transcript is not a resource of its own"
assert_contains "$RUN_STDERR" "$ORPHAN_WARNING" "a transcript without a record or sidecar is skipped"
assert_contains "$RUN_STDOUT" ", skipped 1 in " "one file skipped"

# Every document, as lantern-search sees it: id, title, type, published, path.
all_documents() {
	"$SEARCH" --index "$INDEX" --format jsonl --limit 1000 --type report --type policy --type video |
		$PYTHON -c '
import json, sys
for line in sys.stdin:
    hit = json.loads(line)
    meta = hit.get("metadata") or {}
    print("\t".join([hit["id"], hit["title"], hit.get("type") or "", meta.get("published") or "-", hit["path"]]))
' | LC_ALL=C sort
}
DOCS=$(all_documents)
EXPECTED_DOCS=$(printf '%s\n' \
	$'blank-page\tblank page\treport\t-\tblank-page.pdf' \
	$'curated/blank-page\tBlank Page Sidecar\tpolicy\t-\tcurated/blank-page.pdf' \
	$'curated/captions\tHotline Captions\tvideo\t-\tcurated/captions.srt' \
	$'curated/info-with-sidecar\tCurated Title Wins\tpolicy\t2021-06-01\tcurated/info-with-sidecar.pdf' \
	$'defaults-title/with-info\tFolder Default Title\treport\t2019-03-14\tdefaults-title/with-info.pdf' \
	$'four-pages\tfour pages\treport\t-\tfour-pages.pdf' \
	$'greeting\tHello fixture title\treport\t-\tgreeting.hello' \
	$'one-page\tone page\treport\t-\tone-page.pdf' \
	$'records/briefing\tIndicators Briefing Video\tvideo\t-\trecords/briefing.yaml' \
	$'with-info\tLabour Trafficking Indicators \xe2\x80\x93 Hospitality Sector\treport\t2019-03-14\twith-info.pdf' |
	LC_ALL=C sort)
assert_eq "$EXPECTED_DOCS" "$DOCS" "the indexed documents: ids, titles (sidecar > defaults > embedded > file name), types, dates"

# ------------------------------------------------------------------ searching
# search ARGS... - sets SEARCH_STATUS and SEARCH_OUT.
search() {
	SEARCH_STATUS=0
	SEARCH_OUT=$("$SEARCH" --index "$INDEX" --color never "$@" 2>&1) || SEARCH_STATUS=$?
}
# hit_field QUERY FIELD... - "id field..." of every hit, tab-separated.
hit_fields() {
	local query=$1
	shift
	"$SEARCH" --index "$INDEX" --format jsonl --limit 50 -- "$query" 2>/dev/null |
		$PYTHON -c '
import json, sys
fields = sys.argv[1:]
for line in sys.stdin:
    hit = json.loads(line)
    print("\t".join([hit["id"]] + ["absent" if f not in hit else "null" if hit[f] is None else str(hit[f]) for f in fields]))
' "$@" || true
}

assert_eq $'four-pages\t3\t4' "$(hit_fields '"heliotrope ledger reconciliation"' page pages)" \
	"the page-3 phrase is found on page 3 of 4 (--format jsonl)"
search --json '"heliotrope ledger reconciliation"'
assert_eq 0 "$SEARCH_STATUS" "lantern-search --json finds the page-3 phrase"
assert_eq "3 4" "$($PYTHON -c 'import json,sys; h=json.load(sys.stdin)["hits"][0]; print(h["page"], h["pages"])' <<<"$SEARCH_OUT")" \
	"--json: \"page\": 3, \"pages\": 4"
search heliotrope ledger reconciliation
assert_contains "$SEARCH_OUT" "four-pages.pdf (page 3 of 4)" "text output says (page 3 of 4)"

# The other pages of the same document.
soft assert_eq $'four-pages\t4\t4' "$(hit_fields '"vermilion harbour checklist"' page pages)" \
	"a phrase at the top of page 4 is on page 4 (the snippet starts on page 3: the page is taken from the snippet's start, not its match)"
soft assert_eq $'four-pages\t2\t4' "$(hit_fields '"duty social worker"' page pages)" \
	"a phrase on page 2 next to '<' and '>' is on page 2 (snippet_page strips '< 16 ... >' as if it were a tag)"
soft assert_eq $'blank-page\t3\t3\ncurated/blank-page\t3\t3' "$(hit_fields '"cobalt marmoset census"' page pages | LC_ALL=C sort)" \
	"after an empty page 2, the page-3 phrase is on page 3 of 3 (short pages: the snippet starts on page 1)"
# One page: no page numbers at all.
assert_eq $'one-page\tabsent\tabsent' "$(hit_fields quillwort page pages)" "a one-page PDF has no page numbers"
search quillwort
assert_not_contains "$SEARCH_OUT" "(page" "no page in the text output of a one-page PDF"
# The accented words of the PDF are searchable.
assert_eq $'one-page' "$(hit_fields 'víctimas' | cut -f1)" "accented PDF text is searchable"
# The hello plugin's pages.
soft assert_eq $'greeting\t2\t3' "$(hit_fields bandicoot page pages)" \
	"the hello file's second page (a short document: its snippet starts on page 1)"

# Transcripts: what was said, by whom; never the timings or notes.
assert_eq "records/briefing" "$(hit_fields zephyrine | cut -f1)" "the record is found by its transcript's words"
assert_eq "records/briefing" "$(hit_fields '"Aroha Ngata"' | cut -f1)" "the record is found by a speaker's name"
assert_eq "records/briefing" "$(hit_fields '"debt bondage"' | cut -f1)" "text inside <i> is indexed"
assert_eq "curated/captions" "$(hit_fields quincunx | cut -f1)" "an .srt with a sidecar is a resource (the one without is not)"
for word in nightjar kestrel 00 000 intro-cue align yellow WEBVTT; do
	search "$word"
	assert_eq 1 "$SEARCH_STATUS" "'$word' (a timing, NOTE block, cue id or header) is not indexed: $SEARCH_OUT"
done
# The embedded creation date is the published date.
search --published 2019 Hospitality
assert_contains "$SEARCH_OUT" "Labour Trafficking Indicators" "published 2019 from the PDF's CreationDate"

# ------------------------------------------------------------------ a second run
run_indexer --index "$INDEX" --plugins "$PLUGINS" --jobs 2 "$C"
expect_run 1 "$(summary 0 0 "$GOOD" 0 "${#FAILING[@]}")" "a second run: the good files unchanged, the bad ones still reported"

# ------------------------------------------------------------------ misbehaving plugins in the run
if [ -f "$TEST_PLUGINS/crash.so" ] && [ -f "$TEST_PLUGINS/rude.so" ]; then
	P=$TMP/plugins
	mkdir "$P"
	cp "$PLUGINS"/*.so "$TEST_PLUGINS/crash.so" "$TEST_PLUGINS/rude.so" "$P/"
	C2=$TMP/corpus2
	mkdir "$C2"
	cp "$LANTERN_SOURCE_DIR/corpus/schema.yaml" "$C2/"
	printf 'type: report\n' >"$C2/_defaults.yaml"
	printf 'crash\n' >"$C2/a-crash.crash"
	printf 'heading-only\n' >"$C2/b-heading.rude"
	printf 'ok plain words from the rude plugin\n' >"$C2/c-plain.rude"
	cp "$FIXTURES/four-pages.pdf" "$C2/e-four.pdf"
	run_indexer --index "$TMP/index2" --plugins "$P" --jobs 1 "$C2"
	expect_run 1 "$(summary 3 0 0 0 1)" "a crashing plugin fails one file"
	# (Under AddressSanitizer the crash is caught and reported as a failed exit
	# instead of a signal.)
	if grep -q AddressSanitizer <<<"$RUN_STDERR"; then
		assert_contains "$RUN_STDERR" "$C2/a-crash.crash: error: cannot extract text (crash): the crash extractor failed" \
			"the crash is reported (sanitizer build)"
	else
		assert_contains "$RUN_STDERR" "$C2/a-crash.crash: error: cannot extract text (crash): the crash extractor crashed (signal 11)" \
			"the crash is reported with its signal"
	fi
	INDEX=$TMP/index2
	DOCS=$(all_documents | cut -f1,2)
	assert_eq $'b-heading\tOnly a heading\nc-plain\tc plain\ne-four\te four' "$DOCS" \
		"the first heading titles a file without an embedded title; else the file name"
	INDEX=$TMP/index
else
	note "SKIPPED part: the test plugins are not built ($TEST_PLUGINS)"
fi

# ------------------------------------------------------------------ lantern-extract by hand
# helper ARGS... - runs lantern-extract writing into a pipe (it may not write
# files: RLIMIT_FSIZE is 0, so `> file` would kill it with SIGXFSZ). Sets
# HELPER_STATUS; the frames are in $TMP/frames, stderr in $TMP/helper.err.
helper() {
	set +e
	"$HELPER" "$@" 2>"$TMP/helper.err" | cat >"$TMP/frames"
	HELPER_STATUS=${PIPESTATUS[0]}
	set -e
}
helper
assert_eq 2 "$HELPER_STATUS" "lantern-extract without arguments: usage error"
helper --plugin-dir "$PLUGINS" --plugin nosuch -- "$FIXTURES/one-page.pdf"
assert_eq 2 "$HELPER_STATUS" "lantern-extract with an unknown plugin"
assert_contains "$(cat "$TMP/helper.err")" "no plugin 'nosuch'" "lantern-extract names the unknown plugin"
helper --plugin-dir "$PLUGINS" --plugin hello -- "$FIXTURES/greeting.hello"
assert_eq 0 "$HELPER_STATUS" "lantern-extract on greeting.hello"
assert_eq "M" "$(head -c1 "$TMP/frames")" "the first frame is the title metadata"
assert_contains "$(tr -d '\000-\010' <"$TMP/frames")" "albatross" "the frames carry the text"
helper --plugin-dir "$PLUGINS" --plugin pdf -- "$FIXTURES/no-text.pdf"
assert_eq 1 "$HELPER_STATUS" "lantern-extract on the scan exits 1"
assert_contains "$(tr -d '\000-\010' <"$TMP/frames")" "no text layer" "its E frame holds the reason"
