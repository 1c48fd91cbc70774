#!/bin/bash
# search_cli.sh - lantern-search as a command: exit statuses, output formats,
# colours, pagination with --offset, and a timing benchmark (printed, never
# asserted).
#
# Exit statuses (lantern-search(1)): 0 results, 1 none, 2 usage error or bad
# query or bad filter value, 3 no index at the path, 4 an index that cannot
# be read. Formats: tsv (header + 6 tab-separated fields, ranks from
# offset + 1), jsonl (one compact hit object a line), json (the response),
# text (colours with --color=always or on a terminal without NO_COLOR; a
# terminal is made with script(1) when it is installed).
source "$(dirname "$0")/lib.sh"
setup_index

ESC=$'\033'

# ------------------------------------------------------------------ exit statuses
search DMST
assert_status 0 "a query with results"
search xyzzyplughfrobozz
assert_status 1 "a query without results"
search --type video --topic gangs
assert_status 1 "filters without results"
search --help
assert_status 0 "--help"
assert_contains "$OUT" "Exit status" "--help lists the exit statuses"
search --version
assert_status 0 "--version"
assert_contains "$OUT" "lantern-search" "--version names the program"

for bad in "--bogus" "--limit" "--limit x" "--limit -1" "--offset x" "--sort foo" "--format xml" \
	"--color maybe" "--access ," "--limit 1001" "--offset 9995"; do
	# shellcheck disable=SC2086
	search $bad DMST
	assert_status 2 "bad option: $bad"
	assert_ne "" "$ERR" "bad option $bad: a reason on stderr"
	assert_eq "" "$OUT" "bad option $bad: nothing on stdout"
done
for query in "a AND" "OR OR" "$(printf '(%.0s' $(seq 17))x" "$(head -c 1025 /dev/zero | tr '\0' a)" \
	$'caf\xc3' $'zebra\x07' "$(seq -s ' ' 1 65)"; do
	search -- "$query"
	assert_status 2 "bad query: $(head -c 40 <<<"$query" | cat -v)"
	assert_ne "" "$ERR" "bad query: a reason on stderr"
done
for filter in "--agency-type rurall" "--agency-size huge" "--resource-level extreme" "--type polcy" \
	"--topic gang" "--audience everyone" "--delivery carrier-pigeon" "--published 20x9" "--published 2019..2020..2021"; do
	# shellcheck disable=SC2086
	search $filter
	assert_status 2 "bad filter value: $filter"
	assert_contains "$ERR" "lantern-search: " "bad filter $filter: a reason on stderr"
done
search --index "$TMP/no-such-index" DMST
assert_status 3 "a missing index folder"
assert_contains "$ERR" "no index" "a missing index: the reason"
mkdir "$TMP/empty-index"
search --index "$TMP/empty-index" DMST
assert_status 3 "an index folder without partitions"
search --access no-such-label DMST
assert_status 3 "--access with only unknown labels"
search --access public,no-such-label --format json DMST
assert_status 0 "--access: unknown labels beside known ones are ignored"
assert_eq '["public"]' "$(jq -c .partitions <<<"$OUT")" "--access public,no-such-label searches public"
search --access les,public --format text --limit 1 DMST
assert_eq "searched: public, les" "$(head -1 <<<"$OUT")" "--access les,public: public first"
mkdir -p "$TMP/broken-index/public"
printf 'not a database\n' >"$TMP/broken-index/public/iamglass"
search --index "$TMP/broken-index" DMST
assert_status 4 "an index that cannot be read"
# $LANTERN_INDEX is the default; --index wins over it.
STATUS=0
OUT=$(LANTERN_INDEX=$INDEX "$SEARCH" --format tsv DMST 2>&1) || STATUS=$?
assert_eq 0 "$STATUS" "LANTERN_INDEX picks the index"
STATUS=0
LANTERN_INDEX=$INDEX "$SEARCH" --index "$TMP/no-such-index" DMST >/dev/null 2>&1 || STATUS=$?
assert_eq 3 "$STATUS" "--index wins over LANTERN_INDEX"

# ------------------------------------------------------------------ formats
search --format json --limit 5 trafficking
JSON=$OUT
assert_true "json: valid" jq -e . <<<"$JSON" >/dev/null
for key in hits totalHits totalHitsExact facetDistribution suggestion query request processingTimeMs offset limit partitions; do
	assert_eq true "$(jq "has(\"$key\")" <<<"$JSON")" "json: has $key"
done
assert_eq 5 "$(jq '.hits | length' <<<"$JSON")" "json: --limit 5 gives 5 hits"
assert_eq true "$(jq '[.hits[].snippet | select(. != null) | test("<mark>")] | any' <<<"$JSON")" "json: snippets in HTML with <mark>"
search --json --limit 5 trafficking
assert_eq "$(jq -c '[.hits[].id]' <<<"$JSON")" "$(jq -c '[.hits[].id]' <<<"$OUT")" "--json is --format json"

search --format jsonl --limit 5 trafficking
assert_eq 5 "$(wc -l <<<"$OUT")" "jsonl: one line per hit"
assert_eq "$(jq -r '.hits[].id' <<<"$JSON")" "$(jq -r .id <<<"$OUT")" "jsonl: the same hits in the same order"
bad_lines=0
while IFS= read -r line; do
	jq -e 'type == "object" and has("id") and has("title") and has("snippet") and has("score") and has("metadata")' \
		<<<"$line" >/dev/null || bad_lines=$((bad_lines + 1))
	[[ $line == "{"*"}" ]] || bad_lines=$((bad_lines + 1))
done <<<"$OUT"
assert_eq 0 "$bad_lines" "jsonl: every line a compact hit object"
search --format jsonl --limit 0 trafficking
assert_eq "" "$OUT" "jsonl --limit 0: no lines"

search --format tsv --limit 5 trafficking
assert_eq $'rank\tscore\tid\ttype\ttitle\tlocation' "$(head -1 <<<"$OUT")" "tsv: header"
assert_eq 6 "$(wc -l <<<"$OUT")" "tsv: header + 5 lines"
assert_eq "" "$(tail -n +2 <<<"$OUT" | awk -F'\t' 'NF != 6')" "tsv: 6 fields on every line"
assert_eq "$(seq 1 5)" "$(tail -n +2 <<<"$OUT" | cut -f1)" "tsv: ranks 1..5"
assert_eq "$(jq -r '.hits[].id' <<<"$JSON")" "$(tail -n +2 <<<"$OUT" | cut -f3)" "tsv: the same ids"
assert_eq "" "$(tail -n +2 <<<"$OUT" | cut -f2 | grep -vE '^[0-9]+\.[0-9]{4}$')" "tsv: scores with 4 decimals"
search --format tsv --limit 3 --offset 4 trafficking
assert_eq "$(seq 5 7)" "$(tail -n +2 <<<"$OUT" | cut -f1)" "tsv: ranks continue after --offset"
assert_eq "$(jq -r '.hits[4].id' <<<"$JSON")" "$(sed -n 2p <<<"$OUT" | cut -f3)" "tsv --offset 4 starts at the 5th hit"

search --format text --limit 2 trafficking
assert_eq "searched: public, les" "$(head -1 <<<"$OUT")" "text: the partitions searched"
assert_true "text: numbered hits" grep -q '^1\. ' <<<"$OUT"
assert_true "text: numbered hits" grep -q '^2\. ' <<<"$OUT"
assert_true "text: the total" grep -qE '^[0-9]+ results · [0-9.]+ ms$' <<<"$OUT"
assert_not_contains "$OUT" "<mark>" "text: no HTML marks"
assert_not_contains "$OUT" $'\x01' "text: no raw markers"
assert_not_contains "$OUT" "$ESC" "text: no colours when not a terminal"
search --format text --limit 0 --facets --type video
assert_true "text --facets: a line per field, disjunctive" grep -qE '^type: .*video \(7\)' <<<"$OUT"
assert_true "text --facets: agency_type line" grep -q '^agency_type: ' <<<"$OUT"

# ------------------------------------------------------------------ colours
search --color=always --limit 2 trafficking
assert_contains "$OUT" "$ESC[" "--color=always: ANSI escapes"
assert_contains "$OUT" "$ESC[1;33m" "--color=always: matches highlighted"
search --color always --format tsv --limit 2 trafficking
assert_not_contains "$OUT" "$ESC" "--color=always: none in tsv"
search --color=never --limit 2 trafficking
assert_not_contains "$OUT" "$ESC" "--color=never: no escapes"
search --limit 2 trafficking
assert_not_contains "$OUT" "$ESC" "auto, not a terminal: no escapes"
OUT=$(NO_COLOR=1 "$SEARCH" --index "$INDEX" --color=always --limit 2 trafficking)
assert_contains "$OUT" "$ESC[" "--color=always wins over NO_COLOR"
if command -v script >/dev/null 2>&1; then
	# A terminal: colours under auto unless NO_COLOR is set (and not empty).
	tty_run() { script -qec "$(printf '%q ' "$@")" /dev/null </dev/null; }
	OUT=$(tty_run "$SEARCH" --index "$INDEX" --limit 2 trafficking)
	assert_contains "$OUT" "$ESC[" "auto on a terminal: ANSI escapes"
	OUT=$(tty_run env NO_COLOR=1 "$SEARCH" --index "$INDEX" --limit 2 trafficking)
	assert_not_contains "$OUT" "$ESC" "auto on a terminal with NO_COLOR=1: no escapes"
	OUT=$(tty_run env NO_COLOR= "$SEARCH" --index "$INDEX" --limit 2 trafficking)
	assert_contains "$OUT" "$ESC[" "auto on a terminal with NO_COLOR empty: escapes"
	OUT=$(tty_run env NO_COLOR=1 "$SEARCH" --index "$INDEX" --color=always --limit 2 trafficking)
	assert_contains "$OUT" "$ESC[" "--color=always on a terminal with NO_COLOR"
	OUT=$(tty_run "$SEARCH" --index "$INDEX" --color=never --limit 2 trafficking)
	assert_not_contains "$OUT" "$ESC" "--color=never on a terminal"
else
	note "script(1) not installed: colours on a terminal not tested"
fi

# ------------------------------------------------------------------ pagination
# Pages of 7 via --offset, concatenated, equal the full list; no repeats.
paginate() {
	local -a args=("$@")
	search --format json --limit 1000 "${args[@]}"
	local full total pages="" offset=0 page totals=""
	full=$(ids)
	total=$(jq .totalHits <<<"$OUT")
	while :; do
		search --format json --limit 7 --offset "$offset" "${args[@]}"
		# One jq per page: the total, then the ids.
		page=$(jq -r '.totalHits, .hits[].id' <<<"$OUT")
		totals+="$(head -1 <<<"$page") "
		page=$(tail -n +2 <<<"$page")
		[ -n "$page" ] || break
		pages+="$page"$'\n'
		offset=$((offset + 7))
		[ "$offset" -le 2000 ] || break
	done
	assert_eq "" "$(tr ' ' '\n' <<<"$totals" | sed '/^$/d' | grep -vxF "$total")" "paging ${args[*]}: the same total on every page"
	assert_eq "$full" "${pages%$'\n'}" "paging ${args[*]}: pages of 7 = the full list"
	assert_eq "" "$(sort <<<"$full" | uniq -d)" "paging ${args[*]}: no repeats"
	assert_eq "$total" "$(grep -c . <<<"$full")" "paging ${args[*]}: every hit listed"
}
paginate -- trafficking
paginate --sort date --topic child-sex-trafficking
paginate --sort title
paginate --agency-type rural -- child exploitation
paginate --related model-policy-cst-response

# Past the end: no hits, exit status still 0 (the query has results).
search --format json --offset 5000 --limit 10 trafficking
assert_status 0 "past the last page: still 'results found'"
assert_eq 0 "$(jq '.hits | length' <<<"$OUT")" "past the last page: no hits"

# ------------------------------------------------------------------ order
search --format json --limit 1000 --sort date
dates=$(jq -r '.hits[].metadata.published // ""' <<<"$OUT" | sed '/^$/d')
assert_eq "$(sort -r <<<"$dates")" "$dates" "--sort date: newest first"
search --format json --limit 1000 --sort title
titles=$(jq -r '.hits[].title | ascii_downcase' <<<"$OUT")
assert_eq "$(LC_ALL=C sort <<<"$titles")" "$titles" "--sort title: A-Z"

# ------------------------------------------------------------------ benchmark
# Printed for people, never asserted: timings depend on the machine.
start=$(date +%s%N)
for i in $(seq 20); do
	"$SEARCH" --index "$INDEX" --format tsv "child trafficking indicators" >/dev/null
done
end=$(date +%s%N)
note "benchmark: 20 runs of lantern-search (process start included): $(((end - start) / 20000)) us per query (target: well under 50 ms)"
start=$(date +%s%N)
for i in $(seq 20); do
	"$SEARCH" --index "$INDEX" --format json --facets --limit 0 --agency-type rural >/dev/null
done
end=$(date +%s%N)
note "benchmark: 20 runs with --facets: $(((end - start) / 20000)) us per query"

finish
