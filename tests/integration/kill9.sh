#!/bin/bash
# kill9 (slow): SIGKILL lantern-index at random moments and check the index
# is never left unusable, then that finishing the job gives exactly what a
# clean build gives.
#
# Corpus: a copy of corpus/ plus ~3,000 US Code files from
# $LANTERN_SHARED_DIR/corpora/uscode (no front matter: the title comes from
# the first heading; --defaults gives type: legal-reference), or 3,000
# generated files when the shared corpora are absent.
#
# Rounds (default 8; LANTERN_KILL9_ROUNDS, seed LANTERN_KILL9_SEED): edit the
# corpus (mutate_corpus.py: body edits, relabels public<->les, deletes, adds,
# touches), start lantern-index --commit-every 50 (incremental, or --full on
# odd rounds), kill -9 it after a random delay. After each round:
#   - `current`, when there is one, names a generation whose every partition
#     opens (xapian-delve) and passes xapian-check;
#   - besides the current generation at most one other (the interrupted new
#     one) exists, and none once a run completes; a completed run leaves no
#     scratch space (.shards) in the current generation;
#   - one more --full is killed the moment it publishes its generation.
# Finally a run to completion is compared with a clean build of the same
# corpus in another directory (compare_indexes.py): same partitions, same
# (id, source, access, content hash) per partition, same termfreq for 50
# sampled terms and every boolean term, same spelling suggestions.
source "$(dirname "$0")/lib.sh"
require_tool xapian-check quest
make_temp_dir

ROUNDS=${LANTERN_KILL9_ROUNDS:-8}
SEED=${LANTERN_KILL9_SEED:-$(( $(date +%s) % 100000 ))}
RANDOM=$SEED
note "seed $SEED (rerun with LANTERN_KILL9_SEED=$SEED), $ROUNDS rounds"

C=$TMP/corpus
INDEX=$TMP/index
DEFAULTS=$TMP/defaults.yaml
copy_corpus "$C"
printf '# lowest-priority metadata for every resource\ntype: legal-reference\n' >"$DEFAULTS"
USCODE=$LANTERN_SHARED_DIR/corpora/uscode/chunks
if [ -d "$USCODE/title-18" ] && [ -d "$USCODE/title-06" ]; then
	mkdir -p "$C/uscode/title-06"
	cp -a "$USCODE/title-18" "$C/uscode/"
	(cd "$USCODE/title-06" && ls | sort -V | sed -n '1,700p' | xargs cp -t "$C/uscode/title-06/")
	note "corpus: corpus/ + $(find "$C/uscode" -name '*.md' | wc -l) US Code files"
else
	note "no $USCODE: using 3000 generated files instead"
	mkdir "$C/generated"
	$PYTHON - "$C/generated" <<'EOF'
import random, sys
rng = random.Random(7)
words = "officer report child victim agency policy county federal network analyst evidence".split()
for i in range(3000):
    with open(f"{sys.argv[1]}/g{i:05d}.md", "w") as f:
        f.write(f"# Generated section {i}\n\n" + " ".join(rng.choice(words) for _ in range(300)) + "\n")
EOF
fi

ARGS=(--commit-every 50 --defaults "$DEFAULTS" --index "$INDEX" "$C")

generations() { { (cd "$INDEX" 2>/dev/null && ls -d gen-* 2>/dev/null) || true; } | tr '\n' ' ' | sed 's/ $//'; }

# check_index CONTEXT COMPLETED - the invariants after a run.
check_index() {
	local context=$1 completed=$2 current="" gens label db
	gens=$(generations)
	if [ -L "$INDEX/current" ]; then
		current=$(readlink "$INDEX/current")
		[ -d "$INDEX/$current" ] || fail "$context: current -> $current, which does not exist"
		for db in "$INDEX/current"/*/; do
			db=${db%/}
			label=$(basename "$db")
			xapian-delve "$db" >/dev/null 2>"$TMP/delve.err" ||
				fail "$context: partition $label does not open: $(cat "$TMP/delve.err")"
			xapian-check "$db" >"$TMP/check.out" 2>&1 ||
				fail "$context: xapian-check $label: $(tail -5 "$TMP/check.out")"
			ASSERTIONS=$((ASSERTIONS + 2))
		done
		for label in public les; do
			assert_true "$context: partition $label exists in $current" test -d "$INDEX/current/$label"
		done
	elif [ "$completed" = yes ]; then
		fail "$context: a completed run left no current generation"
	fi
	local others
	others=$(tr ' ' '\n' <<<"$gens" | grep -v "^${current:-none}$" | grep -c . || true)
	if [ "$completed" = yes ]; then
		assert_eq "$current" "$gens" "$context: only the current generation remains after a completed run"
		assert_eq "les public" "$(cd "$INDEX/current" && ls -A | tr '\n' ' ' | sed 's/ $//')" \
			"$context: the current generation holds the partitions only (no scratch space left over)"
	else
		assert_true "$context: at most one generation besides the current one ($gens)" test "$others" -le 1
	fi
}

# start_and_kill ROUND DELAY ARGS... - runs lantern-index, SIGKILLs it after
# DELAY seconds (if still running), checks the index. Sets OUTCOME.
killed=0 completed=0
start_and_kill() {
	local round=$1 delay=$2 status=0 before pid done_run
	shift 2
	before=$(generations)
	"$INDEXER" --no-sync "$@" >"$TMP/round-$round.out" 2>"$TMP/round-$round.err" &
	pid=$!
	track_pid "$pid"
	sleep "$delay"
	kill -9 "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null || status=$?
	case $status in
	137) OUTCOME=killed; killed=$((killed + 1)); done_run=no ;;
	0 | 1) OUTCOME="finished (exit $status)"; completed=$((completed + 1)); done_run=yes ;;
	*) fail "round $round: lantern-index exited $status: $(tail -5 "$TMP/round-$round.err")" ;;
	esac
	local mode=incremental
	[ "$1" != --full ] || mode=--full
	note "round $round: $mode, kill after ${delay}s: $OUTCOME; generations before [$before] after [$(generations)]"
	check_index "round $round" "$done_run"
}

# Round 0: a first build killed early (no `current` yet), then one that
# completes, timed to aim the kills of the later rounds.
start_and_kill 0 0.7 "${ARGS[@]}"
started=$(date +%s%N)
run_indexer "${ARGS[@]}"
[ "$RUN_STATUS" = 0 ] || [ "$RUN_STATUS" = 1 ] || fail "the first complete build exited $RUN_STATUS
$(show_run)"
build_ms=$(( ($(date +%s%N) - started) / 1000000 ))
note "first complete build: ${build_ms} ms: $RUN_SUMMARY"
check_index "first complete build" yes

for round in $(seq 1 "$ROUNDS"); do
	$PYTHON "$INTEGRATION_DIR/mutate_corpus.py" "$C" "$((SEED + round))" >/dev/null
	mode=()
	[ $((round % 2)) = 0 ] && mode=(--full)
	# Anywhere from 50 ms to a little past a full build's duration: some runs
	# are cut early, some late, a few finish.
	delay_ms=$((50 + RANDOM * (build_ms + build_ms / 10) / 32768))
	delay=$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))
	start_and_kill "$round" "$delay" "${mode[@]}" "${ARGS[@]}"
done
note "$killed runs killed, $completed finished before the kill"

# A kill aimed at the moment a --full run has just published its generation
# (`current` flipped) but not yet cleaned up after itself.
for attempt in 1 2 3 4 5; do
	before=$(readlink "$INDEX/current")
	"$INDEXER" --no-sync --full "${ARGS[@]}" >"$TMP/publish.out" 2>&1 &
	pid=$!
	track_pid "$pid"
	while [ "$(readlink "$INDEX/current")" = "$before" ] && kill -0 "$pid" 2>/dev/null; do :; done
	kill -9 "$pid" 2>/dev/null || true
	status=0
	wait "$pid" 2>/dev/null || status=$?
	note "publish-time kill, attempt $attempt: exit $status, current $before -> $(readlink "$INDEX/current"), generations [$(generations)], in current: $(cd "$INDEX/current" && ls -A | tr '\n' ' ')"
	check_index "publish-time kill $attempt" "$( [ "$status" = 137 ] && echo no || echo yes)"
	[ "$status" != 137 ] && continue
	[ "$(readlink "$INDEX/current")" != "$before" ] && break
done

# Finish the job.
run_indexer "${ARGS[@]}"
[ "$RUN_STATUS" = 0 ] || [ "$RUN_STATUS" = 1 ] || fail "the final run exited $RUN_STATUS
$(show_run)"
note "final run: $RUN_SUMMARY"
check_index "final run" yes
failed_final=$(sed -n 's/.*failed \([0-9]*\).*/\1/p' <<<"$RUN_SUMMARY")

# A clean build of the same corpus.
run_indexer --commit-every 50 --defaults "$DEFAULTS" --index "$TMP/clean" "$C"
[ "$RUN_STATUS" = 0 ] || [ "$RUN_STATUS" = 1 ] || fail "the clean build exited $RUN_STATUS
$(show_run)"
note "clean build: $RUN_SUMMARY"
assert_eq "$(sed -n 's/.*failed \([0-9]*\).*/\1/p' <<<"$RUN_SUMMARY")" "$failed_final" \
	"the final run and the clean build fail the same resources"

if ! $PYTHON "$INTEGRATION_DIR/compare_indexes.py" --terms 50 --seed "$SEED" "$INDEX" "$TMP/clean" >"$TMP/compare.out"; then
	fail "the index built through kills differs from a clean build:
$(cat "$TMP/compare.out")"
fi
ASSERTIONS=$((ASSERTIONS + 1))
sed 's/^/  /' "$TMP/compare.out"
