# lib.sh - shared helpers for lantern's integration tests (sourced, not run).
#
# A test does:
#   source "$(dirname "$0")/lib.sh"
#   make_temp_dir                # $TMP, removed on exit (keep: LANTERN_KEEP_TMP=1)
#   run_indexer --index "$TMP/index" "$CORPUS"
#   assert_eq 0 "$RUN_STATUS" "first run exits 0"
#
# Paths come from add_lantern_test's environment; run by hand, they default
# to the source tree this file is in and its build/ folder.
set -euo pipefail

TEST_NAME=$(basename "$0" .sh)
INTEGRATION_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LANTERN_SOURCE_DIR=${LANTERN_SOURCE_DIR:-$(cd "$INTEGRATION_DIR/../.." && pwd)}
LANTERN_BUILD_DIR=${LANTERN_BUILD_DIR:-$LANTERN_SOURCE_DIR/build}
LANTERN_SHARED_DIR=${LANTERN_SHARED_DIR:-$LANTERN_SOURCE_DIR/../shared}
INDEXER=$LANTERN_BUILD_DIR/indexer/lantern-index
CORPUS_DIR=$LANTERN_SOURCE_DIR/corpus
PYTHON=${PYTHON:-/usr/bin/python3}
EXPECTED_COUNTS="$PYTHON $INTEGRATION_DIR/expected_counts.py"
# Never let a developer's environment pick the index or the extractors (the
# build tree's plugins are the ones under test).
unset LANTERN_INDEX LANTERN_PLUGIN_DIR LANTERN_EXTRACT_HELPER

ASSERTIONS=0
BACKGROUND_PIDS=()
SOFT_FAILURES=()
SOFT=0

note() { printf '%s: %s\n' "$TEST_NAME" "$*"; }

fail() {
	if [ "$SOFT" = 1 ]; then
		printf '%s: FAIL (continuing): %s\n' "$TEST_NAME" "$*" >&2
		SOFT_FAILURES+=("$(head -2 <<<"$*" | tr -s ' \n' ' ')")
		return 0
	fi
	printf '%s: FAIL: %s\n' "$TEST_NAME" "$*" >&2
	exit 1
}

# soft ASSERTION ARGS... - runs one assertion; a failure is reported and the
# test goes on (it still fails at the end). For checks that document a known
# bug without hiding the checks after them.
soft() {
	SOFT=1
	"$@"
	SOFT=0
}

skip() {
	printf '%s: SKIPPED: %s\n' "$TEST_NAME" "$*"
	exit 77
}

require_tool() {
	local tool
	for tool in "$@"; do
		command -v "$tool" >/dev/null 2>&1 || skip "needs $tool (not installed)"
	done
}

[ -x "$INDEXER" ] || fail "no indexer binary at $INDEXER (build first)"
require_tool xapian-delve

cleanup() {
	local status=$?
	local pid
	if [ "$status" = 0 ] && [ "${#SOFT_FAILURES[@]}" -gt 0 ]; then
		printf '%s: FAIL: %d assertion(s) failed:\n' "$TEST_NAME" "${#SOFT_FAILURES[@]}" >&2
		printf '  - %s\n' "${SOFT_FAILURES[@]}" >&2
		status=1
	fi
	for pid in "${BACKGROUND_PIDS[@]}"; do
		kill "$pid" 2>/dev/null || true
		wait "$pid" 2>/dev/null || true
	done
	if [ -n "${TMP:-}" ] && [ -d "$TMP" ]; then
		if [ "${LANTERN_KEEP_TMP:-0}" = 1 ] || { [ "$status" != 0 ] && [ "$status" != 77 ] && [ "${LANTERN_KEEP_FAILED_TMP:-0}" = 1 ]; }; then
			printf '%s: kept %s\n' "$TEST_NAME" "$TMP" >&2
		else
			chmod -R u+rwx "$TMP" 2>/dev/null || true
			rm -rf "$TMP"
		fi
	fi
	if [ "$status" = 0 ]; then
		printf '%s: PASS (%d assertions)\n' "$TEST_NAME" "$ASSERTIONS"
	fi
	exit "$status"
}

make_temp_dir() {
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/lantern-$TEST_NAME.XXXXXX")
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	# Run a snapshot of the binary, so a rebuild in the shared build tree
	# (relinking lantern-index) cannot pull it from under a running test.
	local try
	for try in 1 2 3 4 5 6 7 8 9 10; do
		if cp "$INDEXER" "$TMP/lantern-index" 2>/dev/null && "$TMP/lantern-index" --version >/dev/null 2>&1; then
			INDEXER=$TMP/lantern-index
			return 0
		fi
		sleep 2
	done
	fail "cannot run $INDEXER (being rebuilt?)"
}

# Remembers a background job for cleanup (killed if still running at exit).
track_pid() { BACKGROUND_PIDS+=("$1"); }

# ------------------------------------------------------------------ assertions

assert_eq() {
	local expected=$1 actual=$2 message=$3
	ASSERTIONS=$((ASSERTIONS + 1))
	if [ "$expected" != "$actual" ]; then
		fail "$message
    expected: $expected
    actual:   $actual"
	fi
}

assert_ne() {
	local unexpected=$1 actual=$2 message=$3
	ASSERTIONS=$((ASSERTIONS + 1))
	[ "$unexpected" != "$actual" ] || fail "$message (got '$actual')"
}

assert_true() {
	local message=$1
	shift
	ASSERTIONS=$((ASSERTIONS + 1))
	"$@" || fail "$message (false: $*)"
}

# assert_contains HAYSTACK NEEDLE MESSAGE - a fixed-string search.
assert_contains() {
	local haystack=$1 needle=$2 message=$3
	ASSERTIONS=$((ASSERTIONS + 1))
	if ! grep -qF -- "$needle" <<<"$haystack"; then
		fail "$message
    missing: $needle
    in:
$(sed 's/^/      | /' <<<"$haystack")"
	fi
}

assert_not_contains() {
	local haystack=$1 needle=$2 message=$3
	ASSERTIONS=$((ASSERTIONS + 1))
	if grep -qF -- "$needle" <<<"$haystack"; then
		fail "$message
    unexpected: $needle
    in:
$(sed 's/^/      | /' <<<"$haystack")"
	fi
}

# assert_line HAYSTACK LINE MESSAGE - LINE is one whole line of HAYSTACK.
assert_line() {
	local haystack=$1 line=$2 message=$3
	ASSERTIONS=$((ASSERTIONS + 1))
	if ! grep -qxF -- "$line" <<<"$haystack"; then
		fail "$message
    missing line: $line
    in:
$(sed 's/^/      | /' <<<"$haystack")"
	fi
}

# ------------------------------------------------------------------ the indexer

# run_indexer ARGS... - runs lantern-index with --no-sync; never trips set -e,
# fails the test if it runs longer than $RUN_TIMEOUT seconds (a hang).
# Sets RUN_STATUS, RUN_STDOUT, RUN_STDERR (and RUN_SUMMARY: the first five
# counts of the summary line, "added A, updated U, unchanged N, deleted D, failed F").
RUN_COUNT=0
RUN_TIMEOUT=${RUN_TIMEOUT:-120}
run_indexer() {
	RUN_COUNT=$((RUN_COUNT + 1))
	local out="$TMP/run-$RUN_COUNT.out" err="$TMP/run-$RUN_COUNT.err"
	RUN_STATUS=0
	timeout -k 5 "$RUN_TIMEOUT" "$INDEXER" --no-sync "$@" >"$out" 2>"$err" || RUN_STATUS=$?
	[ "$RUN_STATUS" != 124 ] || fail "lantern-index $* did not finish within $RUN_TIMEOUT s"
	RUN_STDOUT=$(cat "$out")
	RUN_STDERR=$(cat "$err")
	RUN_SUMMARY=$(grep -o '^added [0-9]*, updated [0-9]*, unchanged [0-9]*, deleted [0-9]*, failed [0-9]*' "$out" | head -1 || true)
}

# run_indexer_raw ARGS... - the same without --no-sync (for option tests).
run_indexer_raw() {
	RUN_COUNT=$((RUN_COUNT + 1))
	local out="$TMP/run-$RUN_COUNT.out" err="$TMP/run-$RUN_COUNT.err"
	RUN_STATUS=0
	timeout -k 5 "$RUN_TIMEOUT" "$INDEXER" "$@" >"$out" 2>"$err" || RUN_STATUS=$?
	[ "$RUN_STATUS" != 124 ] || fail "lantern-index $* did not finish within $RUN_TIMEOUT s"
	RUN_STDOUT=$(cat "$out")
	RUN_STDERR=$(cat "$err")
	RUN_SUMMARY=$(grep -o '^added [0-9]*, updated [0-9]*, unchanged [0-9]*, deleted [0-9]*, failed [0-9]*' "$out" | head -1 || true)
}

show_run() {
	printf -- '--- exit %s\n--- stdout:\n%s\n--- stderr:\n%s\n' "$RUN_STATUS" "$RUN_STDOUT" "$RUN_STDERR"
}

# expect_run STATUS SUMMARY MESSAGE - checks the last run's exit status and
# summary counts (SUMMARY "" skips the summary check).
expect_run() {
	local status=$1 summary=$2 message=$3
	ASSERTIONS=$((ASSERTIONS + 1))
	if [ "$RUN_STATUS" != "$status" ]; then
		fail "$message: exit status $RUN_STATUS, expected $status
$(show_run)"
	fi
	if [ -n "$summary" ] && [ "$RUN_SUMMARY" != "$summary" ]; then
		fail "$message: summary
    expected: $summary
    actual:   $RUN_SUMMARY
$(show_run)"
	fi
}

# A summary: summary ADDED UPDATED UNCHANGED DELETED FAILED
summary() { printf 'added %s, updated %s, unchanged %s, deleted %s, failed %s' "$@"; }

# ------------------------------------------------------------------ the index

# partition INDEX LABEL - the database directory of a partition.
partition() { printf '%s/current/%s' "$1" "$2"; }

doc_count() {
	xapian-delve "$1" | sed -n 's/^number of documents = //p'
}

revision() {
	xapian-delve "$1" | sed -n 's/^revision = //p'
}

# termfreq DB TERM - 0 when the term is not in the database.
termfreq() {
	local line
	line=$(xapian-delve -t "$2" "$1" 2>&1 | head -1)
	case $line in
	*"not in database"*) echo 0 ;;
	*"(termfreq "*) sed 's/.*(termfreq \([0-9]*\).*/\1/' <<<"$line" ;;
	*) fail "xapian-delve -t '$2' $1: $line" ;;
	esac
}

# terms_with_prefix DB PREFIX - "term termfreq" lines.
terms_with_prefix() {
	xapian-delve -A "$2" -v -1 "$1" | tail -n +2
}

# ids DB - the ids (Q terms without the Q), sorted.
ids() {
	xapian-delve -A Q -1 "$1" | tail -n +2 | sed 's/^Q//' | LC_ALL=C sort
}

# state_values DB - slot 0 of every document, one per line, raw.
state_values() {
	xapian-delve -VR0 -1 "$1" | tail -n +2 | sed 's/^[0-9]*://'
}

# spelling_suggestion DB WORD - the correction the partition's spelling
# table offers for WORD (quest's "Did you mean: ..."), or nothing.
spelling_suggestion() {
	quest -d "$1" -f default,spelling_correction -m 0 -- "$2" 2>/dev/null |
		sed -n 's/^Did you mean: //p'
}

# copy_corpus DEST - a copy of corpus/ with mtimes preserved (old, so outside
# the racy-timestamp window).
copy_corpus() {
	cp -a "$CORPUS_DIR" "$1"
}

# set_mtime_past FILE... - moves mtimes a minute back, out of the 2 s racy
# window, so an unchanged file is not re-read.
set_mtime_past() {
	touch -d '-1 minute' "$@"
}

# docid_of DB ID - the document number holding Q<ID>, or nothing.
docid_of() {
	xapian-delve -1 -t "Q$2" "$1" | sed -n '2p'
}

# doc_terms DB ID - the terms of the document with id ID, one a line.
doc_terms() {
	local docid
	docid=$(docid_of "$1" "$2")
	[ -n "$docid" ] || return 0
	xapian-delve -1 -r "$docid" "$1" | tail -n +2
}

# compare_with EXPECTED_INDEX MESSAGE - the index at $INDEX has the same
# partitions, document states, terms and spelling as EXPECTED_INDEX
# (compare_indexes.py).
compare_with() {
	ASSERTIONS=$((ASSERTIONS + 1))
	local out
	if ! out=$($PYTHON "$INTEGRATION_DIR/compare_indexes.py" --terms 200 "$INDEX" "$1" 2>&1); then
		fail "$2:
$out"
	fi
}

# The prefixes of boolean (filter) terms (include/lantern/index_schema.h).
BOOLEAN_PREFIXES='XTYPE XAGENCYTYPE XAGENCYSIZE XLEVEL XTOPIC XAUDIENCE XACCESS XDELIVERY XLANG XFORMAT XYEAR XALL'

# boolean_terms_by_id DB - "id<TAB>term,term,..." (the document's boolean
# terms, sorted) for every document, in one xapian-delve call.
boolean_terms_by_id() {
	local db=$1 docid
	local args=()
	for docid in $(xapian-delve -1 -V0 "$db" | tail -n +2 | cut -d: -f1); do
		args+=(-r "$docid")
	done
	[ "${#args[@]}" -gt 0 ] || return 0
	xapian-delve -1 "${args[@]}" "$db" | awk -v pattern="^($(tr ' ' '|' <<<"$BOOLEAN_PREFIXES"))" '
		function flush() { if (id != "") print id "\t" terms; id = ""; terms = "" }
		/^Term List for record #/ { flush(); next }
		/^Q/ { id = substr($0, 2); next }
		$0 ~ pattern { terms = terms (terms == "" ? "" : ",") $0 }
		END { flush() }'
}

# check_matches_corpus INDEX CORPUS [expected_counts.py options] - the index
# holds exactly what expected_counts.py computes from the corpus files: per
# partition, the document count, the ids, the termfreq of every boolean term
# (0 for vocabulary values nobody uses, none outside the vocabularies), and
# each document's own boolean terms. Leaves the expectations in
# $TMP/expected.tsv.
check_matches_corpus() {
	local index=$1 corpus=$2 label db prefix term freq kind part count id path own
	shift 2
	$EXPECTED_COUNTS "$@" "$corpus" >"$TMP/expected.tsv"
	for label in $(awk -F'\t' '$1 == "docs" { print $2 }' "$TMP/expected.tsv"); do
		db=$index/current/$label
		[ -d "$db" ] || fail "no partition directory $db"
		count=$(awk -F'\t' -v p="$label" '$1 == "docs" && $2 == p { print $3 }' "$TMP/expected.tsv")
		assert_eq "$count" "$(doc_count "$db")" "documents in partition $label"

		local -A actual=() expected_terms=()
		for prefix in $BOOLEAN_PREFIXES; do
			while read -r term freq; do
				actual[$term]=$freq
			done < <(terms_with_prefix "$db" "$prefix")
		done
		while IFS=$'\t' read -r kind part term count; do
			[ "$kind" = term ] && [ "$part" = "$label" ] || continue
			expected_terms[$term]=1
			assert_eq "$count" "${actual[$term]:-0}" "termfreq of $term in partition $label"
		done <"$TMP/expected.tsv"
		for term in "${!actual[@]}"; do
			[ -n "${expected_terms[$term]:-}" ] ||
				fail "partition $label has an unexpected boolean term $term (termfreq ${actual[$term]})"
		done
		unset actual expected_terms

		awk -F'\t' -v p="$label" '$1 == "id" && $2 == p { print $3 }' "$TMP/expected.tsv" |
			LC_ALL=C sort >"$TMP/ids-expected-$label"
		ids "$db" >"$TMP/ids-actual-$label"
		diff -u "$TMP/ids-expected-$label" "$TMP/ids-actual-$label" >"$TMP/ids.diff" ||
			fail "ids in partition $label differ from the corpus files:
$(cat "$TMP/ids.diff")"
		ASSERTIONS=$((ASSERTIONS + 1))

		local -A own_terms=()
		while IFS=$'\t' read -r id own; do
			own_terms[$id]=$own
		done < <(boolean_terms_by_id "$db")
		while IFS=$'\t' read -r kind part id path own; do
			[ "$kind" = res ] && [ "$part" = "$label" ] || continue
			assert_eq "$own" "${own_terms[$id]:-}" "the boolean terms of $id ($path) in partition $label"
		done <"$TMP/expected.tsv"
		unset own_terms
		note "partition $label: $(doc_count "$db") documents match the corpus files"
	done
	local duplicates
	duplicates=$(cat "$TMP"/ids-actual-* | LC_ALL=C sort | uniq -d)
	assert_eq "" "$duplicates" "ids present in more than one partition"
}
