#!/bin/bash
# nz_police: the extractors over real documents - the nz-police sample of
# ../shared/corpora (105 PDF, 2 HTML, 1 DOCX, 1 DOC, 3 TXT and 73
# metadata.json files; skipped when absent).
#
# Its files/ folder, with corpus/schema.yaml and `--defaults` giving
# `type: policy`, is indexed with two jobs. Then:
#   - every PDF, HTML, DOCX, DOC and TXT file is either in the index or named
#     in a reported reason (an error, or a "skipped: ... no extractor"
#     warning when the build lacks that plugin); each metadata.json is
#     reported as skipped;
#   - the counts observed when this test was written (see EXPECTED_* below)
#     hold: the PDFs that fail are the scans without a text layer; the
#     other formats are counted only when their plugin is built;
#   - a sentence from the middle of page 3 of one PDF (taken with
#     `pdftotext -f 3 -l 3`) finds that PDF with "page": 3.
source "$(dirname "$0")/../integration/lib.sh"

NZ=$LANTERN_SHARED_DIR/corpora/nz-police
[ -d "$NZ/files" ] || skip "no $NZ/files (the shared corpora are not here)"
require_tool pdftotext pdfinfo
make_temp_dir

PLUGINS=$LANTERN_BUILD_DIR/plugins
SEARCH=$LANTERN_BUILD_DIR/query/lantern-search
export LANTERN_EXTRACT_HELPER=$PLUGINS/lantern-extract
unset LANTERN_PLUGIN_DIR
[ -x "$SEARCH" ] || fail "no $SEARCH (build first)"
cp "$SEARCH" "$TMP/lantern-search"
SEARCH=$TMP/lantern-search
RUN_TIMEOUT=600

# Observed on 2026-12-04 (poppler 22.12, all five plugins built): 105 PDFs,
# 96 indexed and 9 scans without a text layer; "Off duty policy.html" and
# "Off duty policy.docx" share the id off-duty-interventions/2020-07-14/
# Off-duty-policy, so the .html (after the .docx in path order) fails as a
# duplicate; the 73 metadata.json files are skipped.
EXPECTED_PDF_INDEXED=96
EXPECTED_PDF_NO_TEXT=9
EXPECTED_SKIPPED_JSON=73

C=$TMP/corpus
cp -r "$NZ/files" "$C"
cp "$LANTERN_SOURCE_DIR/corpus/schema.yaml" "$C/"
printf 'type: policy\n' >"$TMP/defaults.yaml"
chmod -R u+w "$C"

run_indexer --list-plugins --plugins "$PLUGINS"
PLUGIN_LIST=$RUN_STDOUT
has_plugin() { grep -q "^  $1 " <<<"$PLUGIN_LIST"; }

run_indexer --index "$TMP/index" --defaults "$TMP/defaults.yaml" --plugins "$PLUGINS" --jobs 2 "$C"
note "$RUN_SUMMARY (exit $RUN_STATUS)"
[ "$RUN_STATUS" = 0 ] || [ "$RUN_STATUS" = 1 ] || fail "lantern-index exit status $RUN_STATUS
$(show_run)"
printf '%s\n' "$RUN_STDERR" >"$TMP/stderr"

# What the index holds: one path per line.
"$SEARCH" --index "$TMP/index" --format jsonl --limit 1000 --type policy |
	$PYTHON -c 'import json, sys; [print(json.loads(l)["path"]) for l in sys.stdin]' | LC_ALL=C sort >"$TMP/indexed"

# Per file: indexed, failed (an error naming it) or skipped (a warning).
$PYTHON - "$C" "$TMP/indexed" "$TMP/stderr" >"$TMP/outcomes" <<'EOF'
import os, sys
root, indexed_file, stderr_file = sys.argv[1:]
indexed = set(open(indexed_file).read().split("\n")) - {""}
errors, skipped = {}, {}
for line in open(stderr_file, encoding="utf-8", errors="replace"):
    line = line.rstrip("\n")
    if not line.startswith(root + "/"):
        continue
    rest = line[len(root) + 1:]
    for marker, table in ((": error: ", errors), (": warning: skipped", skipped)):
        if marker in rest:
            path, _, message = rest.partition(marker)
            table.setdefault(path, message)
for directory, _, names in os.walk(root):
    for name in names:
        path = os.path.relpath(os.path.join(directory, name), root)
        if path == "schema.yaml":
            continue
        extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
        if path in indexed:
            outcome, reason = "indexed", ""
        elif path in errors:
            message = errors[path]
            if "no text layer" in message:
                reason = "no-text-layer"
            elif "duplicate id" in message:
                reason = "duplicate-id"
            elif "cannot extract text" in message:
                reason = "extract-failed"
            else:
                reason = "other-error"
            outcome = "failed"
        elif path in skipped:
            outcome, reason = "skipped", "no-extractor"
        else:
            outcome, reason = "unaccounted", ""
        print("\t".join([extension, outcome, reason, path]))
EOF

count() { awk -F'\t' -v e="$1" -v o="$2" -v r="${3:-}" '$1 == e && $2 == o && (r == "" || $3 == r)' "$TMP/outcomes" | wc -l; }
total() { awk -F'\t' -v e="$1" '$1 == e' "$TMP/outcomes" | wc -l; }
for extension in pdf html docx doc txt json; do
	note "$(printf '.%-4s %3d files: %3d indexed, %2d failed, %2d skipped' "$extension" "$(total $extension)" \
		"$(count $extension indexed)" "$(count $extension failed)" "$(count $extension skipped)")"
done
awk -F'\t' '$2 == "failed" { print "  failed: " $3 ": " $4 }' "$TMP/outcomes"

UNACCOUNTED=$(awk -F'\t' '$2 == "unaccounted" { print $4 }' "$TMP/outcomes")
assert_eq "" "$UNACCOUNTED" "every file is indexed or has a reported reason"

# PDFs: the observed counts.
assert_eq 105 "$(total pdf)" "PDFs in the sample"
assert_eq "$EXPECTED_PDF_INDEXED" "$(count pdf indexed)" "PDFs indexed"
assert_eq "$EXPECTED_PDF_NO_TEXT" "$(count pdf failed no-text-layer)" "PDFs without a text layer"
assert_eq "$EXPECTED_PDF_NO_TEXT" "$(count pdf failed)" "no PDF fails for another reason"
# TXT: built in.
assert_eq 3 "$(count txt indexed)" "TXT files indexed"
# metadata.json: no extractor reads JSON.
assert_eq "$EXPECTED_SKIPPED_JSON" "$(count json skipped)" "metadata.json files reported as skipped"
# HTML, DOCX, DOC: indexed or failed with a reason when the plugin is built,
# else skipped as unsupported.
for pair in html:html docx:office doc:doc; do
	extension=${pair%%:*} plugin=${pair##*:}
	if has_plugin "$plugin"; then
		assert_eq 0 "$(count "$extension" skipped)" ".$extension files are read by the $plugin plugin"
		assert_eq "$(total "$extension")" "$(($(count "$extension" indexed) + $(count "$extension" failed)))" \
			".$extension files: each indexed or failed with a reason"
	else
		note "no $plugin plugin in $PLUGINS: .$extension files must be skipped"
		assert_eq "$(total "$extension")" "$(count "$extension" skipped no-extractor)" ".$extension files skipped without the $plugin plugin"
	fi
done
if has_plugin html && has_plugin office; then
	# The same document as .docx and .html: one id for both, the second fails.
	assert_eq 1 "$(count html failed duplicate-id)" "Off duty policy.html collides with Off duty policy.docx"
	assert_contains "$RUN_STDERR" "$C/off-duty-interventions/2020-07-14/Off duty policy.html: error: duplicate id 'off-duty-interventions/2020-07-14/Off-duty-policy'" \
		"the duplicate id names both files"
fi
# The summary agrees with the per-file outcomes.
ADDED=$(awk -F'\t' '$2 == "indexed"' "$TMP/outcomes" | wc -l)
FAILED=$(awk -F'\t' '$2 == "failed"' "$TMP/outcomes" | wc -l)
SKIPPED=$(awk -F'\t' '$2 == "skipped"' "$TMP/outcomes" | wc -l)
expect_run 1 "$(summary "$ADDED" 0 0 0 "$FAILED")" "the run's summary"
assert_contains "$RUN_STDOUT" "skipped $SKIPPED in" "the summary's skipped count"

# ------------------------------------------------------------------ a page-3 sentence
# The middle sentence-like line of page 3 of one PDF that appears once in
# the whole document (so the snippet can only be on page 3).
PICKED=$($PYTHON - "$C" <<'EOF'
import os, re, subprocess, sys
root = sys.argv[1]
preferred = "control-of-high-power-laser-devices/2023-01-12/Control of high power laser pointers.pdf"
candidates = [preferred] + sorted(
    os.path.relpath(os.path.join(d, n), root)
    for d, _, names in os.walk(root) for n in names if n.lower().endswith(".pdf"))
for relative in candidates:
    path = os.path.join(root, relative)
    if not os.path.exists(path):
        continue
    def text(*pages):
        return subprocess.run(["pdftotext", "-q", "-enc", "UTF-8", *pages, path, "-"],
                              capture_output=True, text=True).stdout
    whole = text()
    if whole.count("\f") < 4:
        continue
    page3 = text("-f", "3", "-l", "3")
    lines = [l.strip() for l in page3.split("\n")]
    good = [l for l in lines if re.fullmatch(r"[A-Za-z ,.'-]+", l) and len(l.split()) >= 8
            and whole.count(l) == 1]
    if good:
        words = good[len(good) // 2].replace(",", " ").replace(".", " ").split()[:8]
        print(relative + "\t" + " ".join(words))
        break
EOF
)
[ -n "$PICKED" ] || fail "no PDF with a usable sentence on page 3"
PDF=${PICKED%%$'\t'*}
PHRASE=${PICKED#*$'\t'}
note "page-3 phrase of $PDF: \"$PHRASE\""
grep -qxF "$PDF" "$TMP/indexed" || fail "$PDF is not indexed"
HIT=$("$SEARCH" --index "$TMP/index" --format jsonl --limit 20 -- "\"$PHRASE\"" |
	$PYTHON -c '
import json, sys
for line in sys.stdin:
    hit = json.loads(line)
    if hit["path"] == sys.argv[1]:
        print(hit.get("page"), hit.get("pages"))
' "$PDF")
PAGES=${HIT#* }
assert_eq "3" "${HIT%% *}" "the page-3 phrase of $PDF is found on page 3 (of $PAGES)"
OUT=$("$SEARCH" --index "$TMP/index" --color never -- "\"$PHRASE\"")
assert_contains "$OUT" "$PDF (page 3 of $PAGES)" "the text output says (page 3 of $PAGES)"
