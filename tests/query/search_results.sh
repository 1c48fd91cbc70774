#!/bin/bash
# search_results.sh - what lantern-search finds in the bundled corpus.
#
# Expected top hits for acronym-only and phrase-only resources (checked
# against the corpus text: e.g. legal/safe-harbor-laws-overview only says
# "domestic minor sex trafficking", never "DMST"), synonyms both ways for
# every group of corpus/synonyms.yaml (check_synonyms.py computes what each
# query must find from the files), "Did you mean" for misspellings (and not
# for acronyms), field searches, LES codewords (found with every partition,
# never with --access public), --related (not itself, honours filters and
# access).
source "$(dirname "$0")/lib.sh"
setup_index

# top ID QUERY... - the first hit of QUERY is ID.
top() {
	local id=$1
	shift
	search --format json --limit 10 -- "$@"
	assert_status 0 "'$*' has results"
	assert_eq "$id" "$(ids | head -1)" "top hit of '$*'"
}

# finds ID QUERY... - ID is among the first 10 hits of QUERY.
finds() {
	local id=$1
	shift
	search --format json --limit 10 -- "$@"
	assert_status 0 "'$*' has results"
	assert_line "$(ids)" "$id" "'$*' finds $id in its first 10 hits"
}

# ------------------------------------------------------------------ top hits
# The spelled-out form only (no "DMST" in the file): found by the acronym.
grep -qi 'dmst' "$CORPUS_DIR/legal/safe-harbor-laws-overview.md" && fail "corpus changed: safe harbor mentions DMST"
top legal/safe-harbor-laws-overview DMST
top legal/safe-harbor-laws-overview '"domestic minor sex trafficking"'
grep -qi 'ncmec' "$CORPUS_DIR/awareness/amber-alert-and-endangered-missing-advisories.md" && fail "corpus changed: amber alert mentions NCMEC"
finds awareness/amber-alert-and-endangered-missing-advisories NCMEC
finds awareness/amber-alert-and-endangered-missing-advisories ncmec
# The acronym only: found by the phrase.
finds best-practices/gang-involved-sex-trafficking '"domestic minor sex trafficking"'
top legal/safe-harbor-laws-overview safe harbor
top awareness/amber-alert-and-endangered-missing-advisories amber alert
top best-practices/working-with-runaway-and-homeless-youth-providers runaway
top best-practices/working-with-runaway-and-homeless-youth-providers RHY
top indicators/school-resource-officer-indicators SRO
top training/suspicious-activity-reporting-for-line-officers suspicious activity report
top indicators/online-exploitation-indicators sextortion
top training/forensic-interviewing-for-cst-cases forensic interview
top best-practices/hotel-motel-outreach hotel motel
top best-practices/labor-trafficking-of-minors labor trafficking
top awareness/folleto-para-familias-trata-de-menores trata de menores
top toolkits/fusion-center-cst-analytic-toolkit FC
finds training/icac-online-exploitation-fundamentals ICAC
finds legal/trafficking-victims-protection-act-overview TVPA
finds best-practices/standing-up-an-mdt MDT
finds model-policies/model-mou-multidisciplinary-team multidisciplinary team

# A question: trailing punctuation must not stop the synonym ("DMST?" once
# was not a plain word for the synonym rewrite, and the spelled-out-only
# resource was missed).
top legal/safe-harbor-laws-overview 'DMST?'
finds legal/safe-harbor-laws-overview 'DMST, CSEC'

# Every synonym group, both ways, bare and quoted.
if ! out=$("$PYTHON" "$QUERY_TEST_DIR/check_synonyms.py" --search "$SEARCH" --index "$INDEX" --corpus "$CORPUS_DIR" 2>&1); then
	fail "check_synonyms.py:
$out"
fi
note "$(tail -1 <<<"$out")"
ASSERTIONS=$((ASSERTIONS + 1))

# ------------------------------------------------------------------ did you mean
for pair in trafficing:trafficking exploitaton:exploitation; do
	word=${pair%%:*} correction=${pair#*:}
	search --format json -- "$word"
	assert_eq "$correction" "$(jq -r .suggestion <<<"$OUT")" "JSON suggestion for '$word'"
	search --format text --color never -- "$word"
	assert_line "$OUT" "Did you mean: $correction" "text 'Did you mean' for '$word'"
	# Only when the correction has results with the filters given.
	search --format json --language es -- "$word"
	assert_eq null "$(jq -r .suggestion <<<"$OUT")" "no suggestion for '$word' when the correction finds nothing in Spanish"
done
search --format json -- exploitaton
assert_status 1 "'exploitaton' has no results of its own"
# Words the index or the synonyms know are not corrected (DMST once gave
# "cost", NCMEC "ncic", MDT "met", SRO "so", and RHY - a synonym key that
# no resource spells - "why").
for word in DMST NCMEC MDT SRO CSEC trafficking RHY; do
	search --format json -- "$word"
	assert_eq null "$(jq -r .suggestion <<<"$OUT")" "no suggestion for '$word'"
done

# ------------------------------------------------------------------ field searches
search --format json --limit 100 -- type:video
assert_eq 7 "$(jq '.hits | length' <<<"$OUT")" "type:video finds the 7 videos"
assert_eq "" "$(jq -r '.hits[] | select(.type != "video") | .id' <<<"$OUT")" "type:video finds only videos"
search --format json --limit 100 -- title:tribal
assert_eq "" "$(jq -r '.hits[] | select(.title | test("tribal"; "i") | not) | .id' <<<"$OUT")" "title:tribal only has 'tribal' in titles"
assert_true "title:tribal finds something" test "$(jq '.hits | length' <<<"$OUT")" -gt 0
search --format json --limit 100 -- topic:gangs
assert_eq "" "$(jq -r '.hits[] | select(.metadata.topics | index("gangs") | not) | .id' <<<"$OUT")" "topic:gangs only finds gangs resources"
search --format json --limit 100 -- published:2019..2020
assert_eq "" "$(jq -r '.hits[] | select(.metadata.published < "2019" or .metadata.published > "2020-99") | .id' <<<"$OUT")" "published:2019..2020 stays in range"

# ------------------------------------------------------------------ LES codewords and access
for codeword in Nightjar Tamarack Glasswing MERGANSER Bittern Larkspur Kittiwake Whimbrel Phalarope; do
	search --format json --limit 100 -- "$codeword"
	assert_status 0 "'$codeword' is found with every partition"
	assert_eq true "$(jq '[.hits[].metadata.access] | index("les") != null' <<<"$OUT")" "'$codeword' finds an les resource"
	search --format json --limit 100 --access public -- "$codeword"
	# One jq: les hits (none), then whether the codeword is in any hit.
	assert_eq $'\nfalse' "$(jq -r --arg w "$codeword" '([.hits[] | select(.metadata.access != "public") | .id] | join(" ")),
		(.hits | tostring | ascii_downcase | contains($w | ascii_downcase))' <<<"$OUT")" \
		"--access public: no les hit for '$codeword', and the word in no hit"
	# A misspelt codeword is not corrected from a partition not searched.
	search --format json --access public -- "${codeword:0:-1}"
	assert_not_contains "$(jq -r '.suggestion // ""' <<<"$OUT")" "${codeword,,}" "--access public: no suggestion reveals '$codeword'"
	search --format json --limit 0 --access les -- "$codeword"
	assert_status 0 "--access les finds '$codeword'"
done
LES_IDS=$("$PYTHON" -c '
import sys; sys.path.insert(0, sys.argv[1])
from corpus_model import Corpus
print("\n".join(r["id"] for r in Corpus(sys.argv[2]).resources if r["access"] == "les"))' "$QUERY_TEST_DIR" "$CORPUS_DIR")
assert_eq 9 "$(wc -l <<<"$LES_IDS")" "the corpus has 9 les resources"
for query in "" trafficking "law enforcement sensitive" LES undercover "operation" "advertisement analysis"; do
	search --format json --limit 1000 --access public -- $query
	public_ids=$(ids)
	leaked=$(grep -xF -f <(printf '%s\n' "$LES_IDS") <<<"$public_ids" || true)
	assert_eq "" "$leaked" "--access public '$query' returns no les resource"
	assert_eq '["public"]' "$(jq -c .partitions <<<"$OUT")" "--access public searches only public"
done
search --format json --limit 0 --access public --facets
assert_eq 63 "$(jq .totalHits <<<"$OUT")" "--access public: 63 resources"
assert_not_contains "$(jq -c .facetDistribution.publisher <<<"$OUT")" "Intelligence Working Group" "--access public facets: no les-only publisher"

# ------------------------------------------------------------------ related
search --format json --limit 20 --related legal/safe-harbor-laws-overview
assert_status 0 "--related safe harbor has results"
assert_true "--related gives several resources" test "$(jq '.hits | length' <<<"$OUT")" -ge 5
assert_eq "" "$(ids | grep -xF legal/safe-harbor-laws-overview)" "--related never returns the resource itself"
search --format json --limit 100 --related legal/safe-harbor-laws-overview --type policy
assert_status 0 "--related with --type policy has results"
assert_eq "" "$(jq -r '.hits[] | select(.type != "policy") | .id' <<<"$OUT")" "--related honours --type"
search --format json --limit 100 --related legal/safe-harbor-laws-overview --access public
assert_eq "" "$(jq -r '.hits[] | select(.metadata.access != "public") | .id' <<<"$OUT")" "--related honours --access"
search --format json --limit 100 --related legal/safe-harbor-laws-overview --agency-type tribal --published 2022..
assert_eq "" "$(jq -r '.hits[] | select(.metadata.published < "2022") | .id' <<<"$OUT")" "--related honours --published"
search --format json --related les/operation-nightjar-undercover-operations-guide
assert_status 0 "--related of an les resource with every partition"
assert_eq "" "$(ids | grep -xF les/operation-nightjar-undercover-operations-guide)" "--related les: not itself"
# An les id through the public partition only: not found (no leak), exit 2.
search --format json --related les/operation-nightjar-undercover-operations-guide --access public
assert_status 2 "--related of an les resource with --access public"
assert_eq "" "$OUT" "nothing on stdout for an unknown related id"
search --format json --related no/such-resource
assert_status 2 "--related of an unknown id"
assert_contains "$ERR" "no/such-resource" "the error names the id"

finish
