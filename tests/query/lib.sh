# lib.sh - shared helpers for the lantern-search integration tests (sourced).
#
# A test does:
#   source "$(dirname "$0")/lib.sh"
#   setup_index                      # $TMP (removed on exit), $INDEX of corpus/
#   search DMST --format json        # sets OUT, ERR, STATUS; never trips set -e
#   assert_eq 0 "$STATUS" "DMST has results"
#   finish
#
# Assertions do not stop the test: each failure is printed as it happens and
# the test fails at the end (so one run shows every broken behaviour).
# Paths come from add_lantern_test's environment; run by hand they default to
# this source tree and its build/ folder. LANTERN_KEEP_TMP=1 keeps $TMP.
set -uo pipefail

TEST_NAME=$(basename "$0" .sh)
QUERY_TEST_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LANTERN_SOURCE_DIR=${LANTERN_SOURCE_DIR:-$(cd "$QUERY_TEST_DIR/../.." && pwd)}
LANTERN_BUILD_DIR=${LANTERN_BUILD_DIR:-$LANTERN_SOURCE_DIR/build}
INDEXER=$LANTERN_BUILD_DIR/indexer/lantern-index
SEARCH=$LANTERN_BUILD_DIR/query/lantern-search
CORPUS_DIR=$LANTERN_SOURCE_DIR/corpus
PYTHON=${PYTHON:-/usr/bin/python3}
# Never let the developer's environment pick the index or the colours.
unset LANTERN_INDEX NO_COLOR

ASSERTIONS=0
FAILURES=()

note() { printf '%s: %s\n' "$TEST_NAME" "$*"; }

skip() {
	printf '%s: SKIPPED: %s\n' "$TEST_NAME" "$*"
	exit 77
}

fail() {
	printf '%s: FAIL: %s\n' "$TEST_NAME" "$*" >&2
	FAILURES+=("$(head -1 <<<"$*")")
}

# Something the test cannot go on without.
fatal() {
	printf '%s: FATAL: %s\n' "$TEST_NAME" "$*" >&2
	exit 1
}

[ -x "$INDEXER" ] || fatal "no indexer at $INDEXER (build first)"
[ -x "$SEARCH" ] || fatal "no lantern-search at $SEARCH (build first)"
command -v jq >/dev/null 2>&1 || skip "needs jq"
"$PYTHON" -c 'import yaml' 2>/dev/null || skip "needs $PYTHON with PyYAML"

cleanup() {
	local status=$?
	if [ -n "${TMP:-}" ] && [ -d "$TMP" ]; then
		if [ "${LANTERN_KEEP_TMP:-0}" = 1 ]; then
			printf '%s: kept %s\n' "$TEST_NAME" "$TMP" >&2
		else
			rm -rf "$TMP"
		fi
	fi
	exit "$status"
}

# setup_index - a temporary folder and an index of the bundled corpus in it.
setup_index() {
	TMP=$(mktemp -d "${TMPDIR:-/tmp}/lantern-$TEST_NAME.XXXXXX")
	trap cleanup EXIT
	trap 'exit 130' INT TERM
	INDEX=$TMP/index
	if ! timeout -k 5 120 "$INDEXER" --no-sync --quiet --index "$INDEX" "$CORPUS_DIR" >"$TMP/index.log" 2>&1; then
		fatal "lantern-index failed: $(cat "$TMP/index.log")"
	fi
}

# search ARGS... - lantern-search --index $INDEX ARGS; sets OUT, ERR, STATUS.
search() {
	STATUS=0
	timeout -k 5 30 "$SEARCH" --index "$INDEX" "$@" >"$TMP/out" 2>"$TMP/err" || STATUS=$?
	OUT=$(cat "$TMP/out")
	ERR=$(cat "$TMP/err")
	[ "$STATUS" != 124 ] || fail "lantern-search $* did not finish within 30 s"
}

# ids - the hit ids of the JSON in $OUT, one a line, in order.
ids() { jq -r '.hits[].id' <<<"$OUT"; }

# ------------------------------------------------------------------ assertions

assert_eq() {
	local expected=$1 actual=$2 message=$3
	ASSERTIONS=$((ASSERTIONS + 1))
	[ "$expected" = "$actual" ] || fail "$message
    expected: $expected
    actual:   $actual"
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

assert_contains() {
	local haystack=$1 needle=$2 message=$3
	ASSERTIONS=$((ASSERTIONS + 1))
	grep -qF -- "$needle" <<<"$haystack" || fail "$message
    missing: $needle
    in: $(head -c 1500 <<<"$haystack")"
}

assert_not_contains() {
	local haystack=$1 needle=$2 message=$3
	ASSERTIONS=$((ASSERTIONS + 1))
	! grep -qF -- "$needle" <<<"$haystack" || fail "$message
    unexpected: $needle
    in: $(head -c 1500 <<<"$haystack")"
}

# assert_line HAYSTACK LINE MESSAGE - LINE is a whole line of HAYSTACK.
assert_line() {
	local haystack=$1 line=$2 message=$3
	ASSERTIONS=$((ASSERTIONS + 1))
	grep -qxF -- "$line" <<<"$haystack" || fail "$message
    missing line: $line
    in: $(head -c 1500 <<<"$haystack")"
}

# assert_status STATUS MESSAGE - the last search's exit status.
assert_status() {
	local expected=$1 message=$2
	ASSERTIONS=$((ASSERTIONS + 1))
	[ "$STATUS" = "$expected" ] || fail "$message: exit status $STATUS, expected $expected
    stderr: $ERR
    stdout: $(head -c 600 <<<"$OUT")"
}

finish() {
	if [ "${#FAILURES[@]}" -gt 0 ]; then
		printf '%s: FAIL: %d of %d assertion(s) failed:\n' "$TEST_NAME" "${#FAILURES[@]}" "$ASSERTIONS" >&2
		printf '  - %s\n' "${FAILURES[@]}" >&2
		exit 1
	fi
	printf '%s: PASS (%d assertions)\n' "$TEST_NAME" "$ASSERTIONS"
	exit 0
}
