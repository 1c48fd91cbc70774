#!/bin/bash
# lock: one lantern-index at a time per index (flock(2) on INDEX/.lock).
#   1. The lock held by another process (flock(1), which writes its pid into
#      the lock file as lantern-index does):
#      - --no-wait exits 4 at once, naming the index and the holder's pid;
#      - without --no-wait the indexer says it is waiting (with the pid),
#        blocks, and finishes normally once the lock is released;
#      - --check needs no lock.
#   2. The lock held by a real lantern-index (stopped with SIGSTOP once it
#      has the lock): the same, and the waiting run then indexes on top.
source "$(dirname "$0")/lib.sh"
require_tool flock
make_temp_dir

C=$TMP/corpus
INDEX=$TMP/index
copy_corpus "$C"
run_indexer --index "$INDEX" "$C"
expect_run 0 "$(summary 72 0 0 0 0)" "first run"

# wait_for FILE TEXT SECONDS [-x] - polls until FILE contains TEXT (-x: as
# a whole line).
wait_for() {
	local file=$1 text=$2 deadline=$((SECONDS + $3)) whole=${4:-}
	until grep -qF $whole -- "$text" "$file" 2>/dev/null; do
		[ "$SECONDS" -lt "$deadline" ] || return 1
		sleep 0.02
	done
}

# ---------------------------------------------------------------- 1. flock(1) holds it
flock -x "$INDEX/.lock" sh -c 'echo $$ >"$1"; echo held >"$2"; exec sleep 60' sh "$INDEX/.lock" "$TMP/held" &
holder=$!
track_pid "$holder"
wait_for "$TMP/held" held 10 || fail "flock did not take the lock"
holder_pid=$(tr -d '\n' <"$INDEX/.lock")   # the sleep, which holds the lock's fd
track_pid "$holder_pid"

start=$SECONDS
run_indexer --no-wait --index "$INDEX" "$C"
expect_run 4 "" "--no-wait while the index is locked"
assert_true "--no-wait does not wait" test $((SECONDS - start)) -le 5
assert_contains "$RUN_STDERR" "$INDEX is being updated by another lantern-index (pid $holder_pid)" \
	"--no-wait names the index and the holder's pid"
assert_eq "" "$RUN_STDOUT" "no summary when locked out"

run_indexer --check "$C"
expect_run 0 "" "--check while the index is locked (it takes no lock)"

# Without --no-wait: blocks, says so, then runs.
"$INDEXER" --no-sync --index "$INDEX" "$C" >"$TMP/waiter.out" 2>"$TMP/waiter.err" &
waiter=$!
track_pid "$waiter"
wait_for "$TMP/waiter.err" "waiting for another lantern-index (pid $holder_pid) to finish" 10 ||
	fail "the second indexer did not say it was waiting: $(cat "$TMP/waiter.err")"
sleep 0.5
assert_true "the waiting indexer is still waiting while the lock is held" kill -0 "$waiter"
assert_eq "" "$(cat "$TMP/waiter.out")" "the waiting indexer has not run yet"
kill "$holder_pid"
wait "$holder" 2>/dev/null || true
status=0
wait "$waiter" || status=$?
assert_eq 0 "$status" "the waiting indexer succeeds once the lock is released"
assert_contains "$(cat "$TMP/waiter.out")" "$(summary 0 0 72 0 0)" "the waiting indexer's summary"

# ---------------------------------------------------------------- 2. a real indexer holds it
# A corpus big enough that the indexer is still at work when it is stopped.
mkdir "$C/generated"
$PYTHON - "$C/generated" <<'EOF'
import sys
for i in range(800):
    with open(f"{sys.argv[1]}/note-{i:05d}.md", "w") as f:
        f.write(f"---\ntitle: Generated note {i}\ntype: report\n---\n\nGenerated body {i} "
                + "with several words of filler text to index " * 20 + "\n")
EOF
"$INDEXER" --no-sync --jobs 1 --commit-every 1 --index "$INDEX" "$C" >"$TMP/first.out" 2>"$TMP/first.err" &
first=$!
track_pid "$first"
# It writes its pid into the lock file once it holds the lock.
if ! wait_for "$INDEX/.lock" "$first" 20 -x; then
	fail "the first indexer never took the lock: $(cat "$TMP/first.err")"
fi
kill -STOP "$first" 2>/dev/null || fail "the first indexer finished before it could be stopped (make the corpus bigger)"
run_indexer --no-wait --index "$INDEX" "$C"
expect_run 4 "" "--no-wait while a real indexer holds the lock"
assert_contains "$RUN_STDERR" "(pid $first)" "the message names the running indexer's pid"

"$INDEXER" --no-sync --index "$INDEX" "$C" >"$TMP/second.out" 2>"$TMP/second.err" &
second=$!
track_pid "$second"
wait_for "$TMP/second.err" "waiting for another lantern-index (pid $first) to finish" 10 ||
	fail "the second indexer did not say it was waiting: $(cat "$TMP/second.err")"
kill -CONT "$first"
status=0
wait "$first" || status=$?
assert_eq 0 "$status" "the first indexer finishes after SIGCONT"
assert_contains "$(cat "$TMP/first.out")" "$(summary 800 0 72 0 0)" "the first indexer's summary"
status=0
wait "$second" || status=$?
assert_eq 0 "$status" "the waiting indexer succeeds after the first one"
# Files written moments ago are re-read (racy window) but unchanged.
assert_contains "$(cat "$TMP/second.out")" "$(summary 0 0 872 0 0)" "the waiting indexer runs on top of the first"
assert_eq 863 "$(doc_count "$INDEX/current/public")" "public documents after both runs"
