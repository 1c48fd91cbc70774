#!/usr/bin/env bash
# run.sh - the headless-browser test of lanternd's search page.
#
# Indexes corpus/ into a temporary index, starts lanternd on a free loopback
# port and runs search-page.test.mjs (playwright-core driving Debian's
# /usr/bin/chromium; Playwright's own browser download is never used)
# against it. Screenshots go to $LANTERN_BUILD_DIR/test-output/browser/.
#
# Exit status: 0 passed, 1 failed, 77 skipped (no chromium, no node >= 20,
# or playwright-core could not be installed from the npm registry).
#
# Run by ctest (ctest -L browser --output-on-failure) or by hand:
#   tests/browser/run.sh              # source tree and build/ beside this file
#   LANTERN_KEEP_TMP=1 tests/browser/run.sh   # keep the index, logs, profile
# LANTERN_CHROMIUM=/path/to/chromium picks another Chromium binary.
set -euo pipefail

TEST_NAME=browser_search_page
BROWSER_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LANTERN_SOURCE_DIR=${LANTERN_SOURCE_DIR:-$(cd "$BROWSER_DIR/../.." && pwd)}
LANTERN_BUILD_DIR=${LANTERN_BUILD_DIR:-$LANTERN_SOURCE_DIR/build}
CHROMIUM=${LANTERN_CHROMIUM:-/usr/bin/chromium}
OUTPUT_DIR=$LANTERN_BUILD_DIR/test-output/browser
unset LANTERN_INDEX

note() { printf '%s: %s\n' "$TEST_NAME" "$*"; }
fail() { printf '%s: FAIL: %s\n' "$TEST_NAME" "$*" >&2; exit 1; }
skip() { printf '%s: SKIPPED: %s\n' "$TEST_NAME" "$*"; exit 77; }

# ------------------------------------------------------------------ prerequisites

[ -x "$CHROMIUM" ] || skip "needs Chromium at $CHROMIUM (Debian: apt-get install chromium)"
command -v node >/dev/null 2>&1 || skip "needs node >= 20 (Debian: apt-get install nodejs npm)"
NODE_MAJOR=$(node -p 'process.versions.node.split(".")[0]')
[ "$NODE_MAJOR" -ge 20 ] || skip "needs node >= 20 for playwright-core (have $(node --version))"

INDEXER=$LANTERN_BUILD_DIR/indexer/lantern-index
DAEMON=$LANTERN_BUILD_DIR/query/lanternd
[ -x "$INDEXER" ] || fail "no indexer binary at $INDEXER (build first)"
[ -x "$DAEMON" ] || fail "no lanternd binary at $DAEMON (build first)"

# playwright-core: a developer's `npm install` in tests/browser, else an
# `npm ci` from the committed lock file into the build tree (so the source
# tree stays clean). Serialised with flock: two runs may share a build tree.
if [ -f "$BROWSER_DIR/node_modules/playwright-core/package.json" ]; then
	NODE_MODULES=$BROWSER_DIR/node_modules
else
	NPM_DIR=$LANTERN_BUILD_DIR/tests/browser/npm
	NODE_MODULES=$NPM_DIR/node_modules
	mkdir -p "$NPM_DIR"
	exec 9>"$NPM_DIR/.lock"
	flock 9
	if [ ! -f "$NODE_MODULES/playwright-core/package.json" ] ||
	   ! cmp -s "$BROWSER_DIR/package-lock.json" "$NPM_DIR/package-lock.json"; then
		command -v npm >/dev/null 2>&1 || skip "needs npm to install playwright-core (Debian: apt-get install npm)"
		cp "$BROWSER_DIR/package.json" "$BROWSER_DIR/package-lock.json" "$NPM_DIR/"
		note "installing playwright-core into $NPM_DIR (npm ci)"
		if ! (cd "$NPM_DIR" && PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 timeout 300 \
				npm ci --no-audit --no-fund --loglevel=error >"$NPM_DIR/npm-ci.log" 2>&1); then
			tail -n 20 "$NPM_DIR/npm-ci.log" >&2 || true
			rm -f "$NPM_DIR/package-lock.json" # try again next time
			skip "npm ci failed (is the npm registry reachable?); log: $NPM_DIR/npm-ci.log"
		fi
	fi
	exec 9>&-
fi

# ------------------------------------------------------------------ temp dir, cleanup

TMP=$(mktemp -d "${TMPDIR:-/tmp}/lantern-$TEST_NAME.XXXXXX")
DAEMON_PID=
cleanup() {
	local status=$?
	if [ -n "$DAEMON_PID" ]; then
		kill "$DAEMON_PID" 2>/dev/null || true
		wait "$DAEMON_PID" 2>/dev/null || true
	fi
	if [ "${LANTERN_KEEP_TMP:-0}" = 1 ]; then
		printf '%s: kept %s\n' "$TEST_NAME" "$TMP" >&2
	else
		rm -rf "$TMP"
	fi
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Snapshots of the binaries, so a rebuild of the shared build tree cannot
# relink them under a running test.
for try in 1 2 3 4 5 6 7 8 9 10; do
	if cp "$INDEXER" "$TMP/lantern-index" 2>/dev/null && cp "$DAEMON" "$TMP/lanternd" 2>/dev/null &&
	   "$TMP/lantern-index" --version >/dev/null 2>&1 && "$TMP/lanternd" --version >/dev/null 2>&1; then
		break
	fi
	[ "$try" != 10 ] || fail "cannot run $INDEXER / $DAEMON (being rebuilt?)"
	sleep 2
done

# ------------------------------------------------------------------ index, daemon

timeout -k 5 120 "$TMP/lantern-index" --no-sync --quiet --index "$TMP/index" "$LANTERN_SOURCE_DIR/corpus" \
	>"$TMP/index.log" 2>&1 || { cat "$TMP/index.log" >&2; fail "lantern-index failed on corpus/"; }

free_port() {
	node -e 'const s = require("net").createServer();
	         s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });'
}

healthy() {
	node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"
}

# A port picked free can be taken before lanternd binds it: try a few.
URL=
for try in 1 2 3 4 5; do
	PORT=$(free_port)
	cat >"$TMP/lanternd.yaml" <<EOF
listen: 127.0.0.1:$PORT
index: $TMP/index
assets: $LANTERN_SOURCE_DIR/query/web
threads: 2
EOF
	"$TMP/lanternd" --config "$TMP/lanternd.yaml" >"$TMP/lanternd.log" 2>&1 &
	DAEMON_PID=$!
	for _ in $(seq 1 50); do
		if healthy "http://127.0.0.1:$PORT/healthz"; then
			URL=http://127.0.0.1:$PORT/
			break 2
		fi
		kill -0 "$DAEMON_PID" 2>/dev/null || break
		sleep 0.1
	done
	kill "$DAEMON_PID" 2>/dev/null || true
	wait "$DAEMON_PID" 2>/dev/null || true
	DAEMON_PID=
done
[ -n "$URL" ] || { cat "$TMP/lanternd.log" >&2; fail "lanternd did not start"; }
note "lanternd (pid $DAEMON_PID) serving $URL"

# ------------------------------------------------------------------ the browser test

mkdir -p "$OUTPUT_DIR" "$TMP/profiles"
rm -f "$OUTPUT_DIR"/*.png
status=0
LANTERN_NODE_MODULES=$NODE_MODULES LANTERN_CHROMIUM=$CHROMIUM LANTERN_PROFILE_DIR=$TMP/profiles \
	timeout -k 10 300 node "$BROWSER_DIR/search-page.test.mjs" "$URL" "$OUTPUT_DIR" || status=$?
if [ "$status" != 0 ]; then
	echo "--- lanternd log:" >&2
	tail -n 40 "$TMP/lanternd.log" >&2 || true
	[ "$status" != 124 ] || fail "the browser test did not finish within 300 s"
	[ "$status" != 77 ] || skip "the browser could not be started (see above)"
	fail "the browser test failed (exit $status)"
fi
note PASS
