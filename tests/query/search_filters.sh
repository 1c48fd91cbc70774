#!/bin/bash
# search_filters.sh - lantern-search's filters and facets against the corpus.
#
# check_filters.py compares, for every single-field filter value (--agency-
# type, --agency-size, --resource-level, --type, --topic, --audience,
# --delivery, --language, --publisher), a sample of multi-field combinations,
# --published ranges and --access labels, the set of returned ids, totalHits
# and the exit status with what corpus_model.py computes from the corpus
# files (folder _defaults.yaml chain, `all` expanded from schema.yaml,
# access public by default), and the facet counts (--facets --limit 0,
# disjunctive) for many of them.
source "$(dirname "$0")/lib.sh"
setup_index

if out=$("$PYTHON" "$QUERY_TEST_DIR/check_filters.py" --search "$SEARCH" --index "$INDEX" --corpus "$CORPUS_DIR" 2>&1); then
	note "$(tail -1 <<<"$out")"
else
	fail "check_filters.py:
$out"
fi
ASSERTIONS=$((ASSERTIONS + 1))

# Repeating a filter is OR; the request echo keeps every value.
search --format json --limit 0 --agency-type rural --agency-type tribal --type policy
assert_eq '{"agency_type":["rural","tribal"],"type":["policy"]}' "$(jq -c .request.filters <<<"$OUT")" "request echo of the filters"

# A reversed range finds nothing, as published:2020..2019 in the query text
# does (it once matched every resource: Xapian's empty range was dropped as
# "no constraint").
search --format json --limit 0 -- published:2020..2019
assert_eq 0 "$(jq .totalHits <<<"$OUT")" "published:2020..2019 in the query finds nothing"
search --format json --limit 0 --published 2020..2019
assert_status 1 "--published 2020..2019 finds nothing"
assert_eq 0 "$(jq .totalHits <<<"$OUT")" "--published 2020..2019: totalHits"

# Bad filter values: exit 2 with the reason.
search --agency-type rurall
assert_status 2 "--agency-type rurall"
assert_contains "$ERR" "did you mean 'rural'" "a close value is suggested"
search --topic nosuchtopic
assert_status 2 "--topic nosuchtopic"
assert_contains "$ERR" "unknown topic" "the field is named"
search --published 2019..20x0
assert_status 2 "--published 2019..20x0"
assert_contains "$ERR" "published" "bad range: the reason names published"
search --publisher ""
assert_status 2 "--publisher ''"
search --publisher $'Bayshore \xff'
assert_status 2 "--publisher with invalid UTF-8"
args=()
for i in $(seq 33); do args+=(--topic gangs); done
search "${args[@]}"
assert_status 2 "33 --topic values"
assert_contains "$ERR" "32" "the limit is named"

finish
