#!/bin/bash
# cli: lantern-index's command line and exit statuses.
#   - --help (exit 0, stdout) documents every exit status; --version;
#   - usage errors exit 2: unknown option, missing option argument, --jobs 0,
#     --jobs 257, --jobs x, --commit-every 0, two corpus folders, --full with
#     --check;
#   - configuration errors exit 3 and create no index: a missing corpus
#     folder, a corpus without schema.yaml, a corpus that is a file, a bad
#     --defaults file (FILE:LINE:COL errors), a missing --defaults file, a
#     schema or synonyms file that is not valid YAML;
#   - an index that cannot be created exits 5;
#   - --full builds a new gen-N, points `current` at it, removes the old one;
#     a reader holding the old generation open keeps reading it unchanged, and
#     readers opening `current` during repeated --full runs never fail;
#   - a leftover generation (an interrupted --full) is removed by the next run,
#     and so is shard scratch space left in the current generation.
source "$(dirname "$0")/lib.sh"
make_temp_dir
cd "$TMP"

C=$TMP/corpus
INDEX=$TMP/index
copy_corpus "$C"
READER=$LANTERN_BUILD_DIR/tests/integration/lantern_hold_reader

# ---------------------------------------------------------------- --help, --version
run_indexer_raw --help
expect_run 0 "" "--help"
assert_contains "$RUN_STDOUT" "Usage: lantern-index [OPTIONS] [CORPUS_DIR]" "--help shows the usage"
assert_contains "$RUN_STDOUT" "Exit status:" "--help has an exit status section"
for status_line in \
	"  0  every resource indexed" \
	"  1  some resources failed" \
	"  2  usage error" \
	"  3  configuration error" \
	"  4  the index is locked by another lantern-index" \
	"  5  the index could not be opened or written"; do
	assert_contains "$RUN_STDOUT" "$status_line" "--help lists exit status '${status_line:2:1}'"
done
for option in --index --full --check --defaults --schema --no-wait --jobs --quiet --help --version; do
	assert_contains "$RUN_STDOUT" "  $option" "--help lists $option"
done
assert_eq "" "$RUN_STDERR" "--help writes nothing to stderr"

run_indexer_raw --version
expect_run 0 "" "--version"
assert_true "--version prints 'lantern-index VERSION'" grep -qE '^lantern-index [0-9]' <<<"$RUN_STDOUT"

# ---------------------------------------------------------------- usage errors: 2
usage_error() {
	local message=$1
	shift
	run_indexer_raw "$@"
	expect_run 2 "" "$message ($*)"
	assert_ne "" "$RUN_STDERR" "$message: a message on stderr"
	assert_eq "" "$RUN_STDOUT" "$message: nothing on stdout"
}
usage_error "unknown option" --frobnicate "$C"
assert_contains "$RUN_STDERR" "--frobnicate" "the unknown option is named"
usage_error "option without its argument" "$C" --index
usage_error "--jobs 0" --jobs 0 --index "$INDEX" "$C"
assert_contains "$RUN_STDERR" "--jobs" "the --jobs error names the option"
usage_error "--jobs 257" --jobs 257 --index "$INDEX" "$C"
usage_error "--jobs x" --jobs x --index "$INDEX" "$C"
usage_error "--jobs 2x" --jobs 2x --index "$INDEX" "$C"
usage_error "--commit-every 0" --commit-every 0 --index "$INDEX" "$C"
usage_error "two corpus folders" --index "$INDEX" "$C" "$C"
usage_error "--full with --check" --full --check --index "$INDEX" "$C"
assert_true "usage errors create no index" test ! -e "$INDEX"

# ---------------------------------------------------------------- configuration errors: 3
config_error() {
	local message=$1
	shift
	run_indexer --index "$INDEX" "$@"
	expect_run 3 "" "$message"
	assert_eq "" "$RUN_STDOUT" "$message: no summary"
	assert_true "$message: no index is created" test ! -e "$INDEX"
}
config_error "a missing corpus folder" "$TMP/no-such-corpus"
assert_contains "$RUN_STDERR" "$TMP/no-such-corpus" "the missing corpus folder is named"

mkdir "$TMP/no-schema"
cp "$C/policies/"*.md "$TMP/no-schema/"
config_error "a corpus without schema.yaml" "$TMP/no-schema"
assert_contains "$RUN_STDERR" "$TMP/no-schema/schema.yaml" "the missing schema.yaml is named"

touch "$TMP/a-file"
config_error "a corpus that is a file" "$TMP/a-file"

printf '# global defaults\ntype: polcy\nid: everything\ntopics: [gangs, vise]\n' >"$TMP/bad-defaults.yaml"
config_error "a bad --defaults file" --defaults "$TMP/bad-defaults.yaml" "$C"
assert_line "$RUN_STDERR" "$TMP/bad-defaults.yaml:2:7: error: 'polcy' is not a known type; did you mean 'policy'?" \
	"a bad --defaults value is reported at FILE:LINE:COL"
assert_line "$RUN_STDERR" "$TMP/bad-defaults.yaml:3:1: error: 'id' cannot be a folder default (ids are unique)" \
	"an id in --defaults is reported at FILE:LINE:COL"
assert_line "$RUN_STDERR" "$TMP/bad-defaults.yaml:4:17: error: 'vise' is not a known topics; did you mean 'vice'?" \
	"a bad list item in --defaults is reported at FILE:LINE:COL"

printf 'type: report\ntopics: [gangs\n' >"$TMP/broken-yaml-defaults.yaml"
config_error "a --defaults file that is not YAML" --defaults "$TMP/broken-yaml-defaults.yaml" "$C"
assert_true "the YAML error has FILE:LINE:COL" grep -qE "^$TMP/broken-yaml-defaults.yaml:[0-9]+:[0-9]+: error: " <<<"$RUN_STDERR"

config_error "a missing --defaults file" --defaults "$TMP/no-such-defaults.yaml" "$C"
assert_contains "$RUN_STDERR" "$TMP/no-such-defaults.yaml" "the missing --defaults file is named"

printf 'vocabularies:\n  type: [\n' >"$TMP/bad-schema.yaml"
config_error "a --schema file that is not YAML" --schema "$TMP/bad-schema.yaml" "$C"
assert_true "the schema error has FILE:LINE:COL" grep -qE "^$TMP/bad-schema.yaml:[0-9]+:[0-9]+: error: " <<<"$RUN_STDERR"

cp -a "$C" "$TMP/bad-synonyms"
printf 'synonyms:\n  - [a, b\n' >"$TMP/bad-synonyms/synonyms.yaml"
config_error "a synonyms.yaml that is not YAML" "$TMP/bad-synonyms"
assert_true "the synonyms error has FILE:LINE:COL" grep -qE "^$TMP/bad-synonyms/synonyms.yaml:[0-9]+:[0-9]+: error: " <<<"$RUN_STDERR"

# ---------------------------------------------------------------- the index cannot be written: 5
run_indexer --index "$TMP/a-file/index" "$C"
expect_run 5 "" "an index path under a regular file"
assert_contains "$RUN_STDERR" "$TMP/a-file/index" "the unusable index path is named"

# ---------------------------------------------------------------- defaults: ./corpus, $LANTERN_INDEX
# (cwd is $TMP, where the corpus copy is called "corpus")
LANTERN_INDEX=$TMP/env-index run_indexer
expect_run 0 "$(summary 72 0 0 0 0)" "no arguments, LANTERN_INDEX set: indexes ./corpus"
assert_true "the index goes to \$LANTERN_INDEX" test -L "$TMP/env-index/current"
LANTERN_INDEX=$TMP/env-index run_indexer --index "$TMP/option-index"
expect_run 0 "$(summary 72 0 0 0 0)" "--index wins over LANTERN_INDEX"
assert_true "the index goes to --index" test -L "$TMP/option-index/current"
rm -r "$TMP/env-index" "$TMP/option-index"
# Without either, the compiled-in default (the build tree's index/, shared:
# only --check is run against it here, which touches no index).
run_indexer_raw --help
default_index=$(sed -n 's/^ *\(\/[^ ]*\))$/\1/p' <<<"$RUN_STDOUT" | head -1)
assert_ne "" "$default_index" "--help names the default index directory"
run_indexer --check
expect_run 0 "" "--check with no arguments checks ./corpus"
assert_contains "$RUN_STDOUT" "checked 72 resources" "--check with no arguments found ./corpus"

# ---------------------------------------------------------------- --quiet
Q=$TMP/quiet-corpus
mkdir "$Q"
cp "$C/schema.yaml" "$Q/"
printf -- '---\ntitle: Fine\ntype: report\ncolour: blue\n---\nBody.\n' >"$Q/warned.md"
printf -- '---\ntitle: Twice\ntype: report\ntype: policy\n---\nBody.\n' >"$Q/broken.md"
printf 'PNG' >"$Q/picture.png"
printf 'AC1015' >"$Q/leaflet.dwg"
printf 'title: Leaflet\ntype: report\n' >"$Q/leaflet.dwg.yaml"
run_indexer --index "$TMP/quiet-index" "$Q"
expect_run 1 "$(summary 2 0 0 0 1)" "a corpus with warnings and an error"
assert_contains "$RUN_STDERR" "$Q/warned.md:4:1: warning: unknown field 'colour' (ignored)" "the unknown field warning"
assert_contains "$RUN_STDERR" "$Q/picture.png: warning: skipped" "the skipped file warning"
assert_contains "$RUN_STDOUT" "1 resources indexed on their metadata alone" "the metadata-only line"
rm -r "$TMP/quiet-index"
run_indexer --quiet --index "$TMP/quiet-index" "$Q"
expect_run 1 "$(summary 2 0 0 0 1)" "--quiet"
assert_eq "$Q/broken.md:4:1: error: duplicate key 'type'
$Q/broken.md:3:1: note: 'type' first given here" "$RUN_STDERR" "--quiet prints errors (and their notes) only"
assert_eq 1 "$(grep -c . <<<"$RUN_STDOUT")" "--quiet prints the summary line only"

# ---------------------------------------------------------------- --full swaps generations
run_indexer --index "$INDEX" "$C"
expect_run 0 "$(summary 72 0 0 0 0)" "first build"
assert_eq gen-000001 "$(readlink "$INDEX/current")" "the first build is gen-000001"
assert_eq "gen-000001" "$(cd "$INDEX" && ls -d gen-* | tr '\n' ' ' | sed 's/ $//')" "one generation after the first build"
old_docs=$(doc_count "$INDEX/current/public")

reader_pid=
if [ -x "$READER" ]; then
	"$READER" "$INDEX/current/public" "$TMP/reader-ready" "$TMP/reader-go" >"$TMP/reader.out" 2>&1 &
	reader_pid=$!
	track_pid "$reader_pid"
	for _ in $(seq 500); do
		[ -e "$TMP/reader-ready" ] && break
		sleep 0.02
	done
	[ -e "$TMP/reader-ready" ] || fail "the reader did not open the index: $(cat "$TMP/reader.out")"
else
	note "no $READER (not built): skipping the open-reader check"
fi

rm "$C/legal/safe-harbor-laws-overview.md"
run_indexer --full --index "$INDEX" "$C"
expect_run 0 "$(summary 71 0 0 0 0)" "--full"
assert_eq gen-000002 "$(readlink "$INDEX/current")" "--full publishes gen-000002"
assert_eq "gen-000002" "$(cd "$INDEX" && ls -d gen-* | tr '\n' ' ' | sed 's/ $//')" "--full removes the old generation"
assert_eq $((old_docs - 1)) "$(doc_count "$INDEX/current/public")" "the new generation has the new corpus"
assert_eq 0 "$(termfreq "$INDEX/current/public" Qlegal/safe-harbor-laws-overview)" "the new generation lacks the removed file"
assert_true "no shard scratch space is left" test ! -e "$INDEX/current/.shards"

if [ -n "$reader_pid" ]; then
	touch "$TMP/reader-go"
	status=0
	wait "$reader_pid" || status=$?
	assert_eq 0 "$status" "a reader holding the old generation reads it unchanged after --full
$(cat "$TMP/reader.out")"
	assert_line "$(cat "$TMP/reader.out")" "$(sed -n 's/^before /after /p' "$TMP/reader.out")" \
		"the reader's view before and after the swap"
	assert_contains "$(cat "$TMP/reader.out")" "before $old_docs " "the reader saw the old generation"
fi

# Readers that open `current` while --full runs, again and again.
(
	errors=0 runs=0
	while [ ! -e "$TMP/stop-readers" ]; do
		out=$(xapian-delve "$INDEX/current/public" 2>&1) || { errors=$((errors + 1)); echo "$out" | head -3; }
		count=$(sed -n 's/^number of documents = //p' <<<"$out")
		[ "$count" = $((old_docs - 1)) ] || { errors=$((errors + 1)); echo "document count '$count'"; }
		runs=$((runs + 1))
	done
	echo "runs $runs errors $errors"
) >"$TMP/readers.out" 2>&1 &
readers=$!
track_pid "$readers"
for round in 1 2 3; do
	run_indexer --full --index "$INDEX" "$C"
	expect_run 0 "$(summary 71 0 0 0 0)" "--full round $round under readers"
done
touch "$TMP/stop-readers"
wait "$readers" || true
assert_contains "$(cat "$TMP/readers.out")" " errors 0" "readers opening current during --full never fail
$(tail -5 "$TMP/readers.out")"
note "$(tail -1 "$TMP/readers.out") (xapian-delve opening current during 3 --full runs)"
assert_eq gen-000005 "$(readlink "$INDEX/current")" "one new generation per --full"
assert_eq 1 "$(cd "$INDEX" && ls -d gen-* | wc -l)" "only the current generation remains"

# ---------------------------------------------------------------- leftovers
mkdir -p "$INDEX/gen-000050/public" "$INDEX/gen-000003"
run_indexer --index "$INDEX" "$C"
expect_run 0 "$(summary 0 0 71 0 0)" "an incremental run beside leftover generations"
assert_eq "gen-000005" "$(cd "$INDEX" && ls -d gen-* | tr '\n' ' ' | sed 's/ $//')" "leftover generations are removed by the next run"
assert_eq gen-000005 "$(readlink "$INDEX/current")" "an incremental run keeps the current generation"

# Scratch space a --full run killed right after publishing leaves in the new
# current generation (kill9.sh provokes it for real; here it is laid out by
# hand: per-worker shard databases under current/.shards/).
mkdir -p "$INDEX/current/.shards/worker-0" "$INDEX/current/.shards/worker-1"
cp -a "$INDEX/current/public" "$INDEX/current/.shards/worker-0/public"
cp -a "$INDEX/current/les" "$INDEX/current/.shards/worker-1/les"
run_indexer --index "$INDEX" "$C"
expect_run 0 "$(summary 0 0 71 0 0)" "an incremental run beside leftover shards"
assert_eq "les public" "$(cd "$INDEX/current" && ls -A | tr '\n' ' ' | sed 's/ $//')" \
	"leftover shard scratch space in the current generation is removed by the next run"
