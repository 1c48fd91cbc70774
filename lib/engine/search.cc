/*
 * search.cc - the extern "C" shim over Xapian's query side.
 *
 * Same rules as engine.cc: every entry point catches everything and returns
 * a lantern_status. The query parser is configured per call from plain C
 * tables (prefixes, ranges), so the mapping from user fields to index
 * prefixes stays in the query engine, next to index_schema.h.
 */
#include "lantern/search.h"
#include "engine/engine_internal.h"

extern "C" {
#include "common/error.h"
}

#include <xapian.h>

#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#define ENGINE_GUARD_BEGIN try {
#define ENGINE_GUARD_END \
	} catch (...) { \
		return lantern_engine_translate_exception(); \
	}

static char *copy_string(const std::string &text)
{
	char *copy = static_cast<char *>(std::malloc(text.size() + 1));
	if (!copy)
		throw std::bad_alloc();
	std::memcpy(copy, text.data(), text.size());
	copy[text.size()] = '\0';
	return copy;
}

struct lantern_searcher {
	Xapian::Database db;
	std::vector<Xapian::Database> parts; /* the same databases one by one, for figures */
	std::vector<std::string> paths;
	Xapian::Stem stem;
};

struct lantern_query {
	Xapian::Query query;
};

struct lantern_match {
	Xapian::MSet mset;
	std::vector<std::unique_ptr<Xapian::ValueCountMatchSpy>> spies;
	Xapian::Stem stem;
};

/* ------------------------------------------------------------------ searchers */

lantern_status lantern_searcher_open(lantern_searcher **out, const char *const *paths,
                                     size_t count, const char *language)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	std::unique_ptr<lantern_searcher> searcher(new lantern_searcher());
	for (size_t i = 0; i < count; i++) {
		Xapian::Database part(paths[i]);
		searcher->db.add_database(part);
		searcher->parts.push_back(part);
		searcher->paths.emplace_back(paths[i]);
	}
	searcher->stem = lantern_engine_make_stem(language);
	*out = searcher.release();
	return LANTERN_OK;
	ENGINE_GUARD_END
}

void lantern_searcher_close(lantern_searcher *searcher)
{
	delete searcher;
}

lantern_status lantern_searcher_reopen(lantern_searcher *searcher, bool *changed)
{
	ENGINE_GUARD_BEGIN
	bool moved = searcher->db.reopen();
	for (Xapian::Database &part : searcher->parts)
		part.reopen();
	if (changed)
		*changed = moved;
	return LANTERN_OK;
	ENGINE_GUARD_END
}

uint32_t lantern_searcher_document_count(lantern_searcher *searcher)
{
	try {
		return searcher->db.get_doccount();
	} catch (...) {
		lantern_engine_translate_exception();
		return 0;
	}
}

lantern_status lantern_searcher_get_metadata(lantern_searcher *searcher, const char *key, char **out)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	*out = copy_string(searcher->db.get_metadata(key));
	return LANTERN_OK;
	ENGINE_GUARD_END
}

size_t lantern_searcher_database_count(const lantern_searcher *searcher)
{
	return searcher->parts.size();
}

lantern_status lantern_searcher_database_stats(lantern_searcher *searcher, size_t index,
                                               uint32_t *documents, uint64_t *revision)
{
	ENGINE_GUARD_BEGIN
	if (index >= searcher->parts.size())
		return lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT, "no database %zu", index);
	*documents = searcher->parts[index].get_doccount();
	*revision = searcher->parts[index].get_revision();
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_searcher_document_data(lantern_searcher *searcher, const char *unique_term,
                                              char **out)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	Xapian::PostingIterator posting = searcher->db.postlist_begin(unique_term);
	if (posting == searcher->db.postlist_end(unique_term))
		return lantern_error_set(LANTERN_ERROR_NOT_FOUND, "no such document");
	*out = copy_string(searcher->db.get_document(*posting).get_data());
	return LANTERN_OK;
	ENGINE_GUARD_END
}

uint32_t lantern_searcher_term_frequency(lantern_searcher *searcher, const char *term)
{
	try {
		return searcher->db.get_termfreq(term);
	} catch (...) {
		lantern_engine_translate_exception();
		return 0;
	}
}

lantern_status lantern_searcher_each_synonym(lantern_searcher *searcher,
                                             lantern_synonym_visitor visit, void *context)
{
	ENGINE_GUARD_BEGIN
	for (Xapian::TermIterator key = searcher->db.synonym_keys_begin();
	     key != searcher->db.synonym_keys_end(); ++key) {
		for (Xapian::TermIterator synonym = searcher->db.synonyms_begin(*key);
		     synonym != searcher->db.synonyms_end(*key); ++synonym) {
			if (visit(context, (*key).c_str(), (*synonym).c_str()) != 0)
				return LANTERN_OK;
		}
	}
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_searcher_spell(lantern_searcher *searcher, const char *word, char **out)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	*out = copy_string(searcher->db.get_spelling_suggestion(word));
	return LANTERN_OK;
	ENGINE_GUARD_END
}

/* ------------------------------------------------------------------ parsing */

namespace {

/* "published:2019..2023" (and YYYY-MM, YYYY-MM-DD bounds) on a YYYYMMDD slot.
 * A low bound is padded with zeros, a high one with nines, so "2019..2019"
 * takes in every date of 2019 including ones known only to the year. */
class DateRange final : public Xapian::RangeProcessor {
public:
	DateRange(Xapian::valueno slot, const std::string &prefix)
		: Xapian::RangeProcessor(slot, prefix) {}

	Xapian::Query operator()(const std::string &begin, const std::string &end) override
	{
		std::string low, high;
		if (!normalise(begin, '0', low) || !normalise(end, '9', high))
			throw Xapian::QueryParserError("dates in a range are YYYY, YYYY-MM or YYYY-MM-DD");
		if (low.empty())
			return Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, high);
		if (high.empty())
			return Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, low);
		return Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, low, high);
	}

private:
	static bool normalise(const std::string &text, char pad, std::string &out)
	{
		out.clear();
		if (text.empty())
			return true;
		if (text.size() != 4 && text.size() != 7 && text.size() != 10)
			return false;
		for (size_t i = 0; i < text.size(); i++) {
			bool dash = i == 4 || i == 7;
			if (dash ? text[i] != '-' : (text[i] < '0' || text[i] > '9'))
				return false;
			if (!dash)
				out += text[i];
		}
		out.append(8 - out.size(), pad);
		return true;
	}
};

} // namespace

lantern_status lantern_query_parse(lantern_searcher *searcher, const char *text,
                                   const lantern_parse_options *options, lantern_query **out,
                                   char **corrected)
{
	*out = nullptr;
	if (corrected)
		*corrected = nullptr;
	ENGINE_GUARD_BEGIN
	Xapian::QueryParser parser;
	parser.set_database(searcher->db);
	parser.set_stemmer(searcher->stem);
	parser.set_stemming_strategy(Xapian::QueryParser::STEM_SOME);
	parser.set_default_op((options->flags & LANTERN_PARSE_DEFAULT_AND) ? Xapian::Query::OP_AND
	                                                                   : Xapian::Query::OP_OR);
	for (size_t i = 0; i < options->prefix_count; i++) {
		const lantern_parse_prefix *prefix = &options->prefixes[i];
		if (prefix->boolean)
			parser.add_boolean_prefix(prefix->field, prefix->prefix);
		else
			parser.add_prefix(prefix->field, prefix->prefix);
	}
	if (options->default_prefix && options->default_prefix[0])
		parser.add_prefix("", options->default_prefix);
	for (size_t i = 0; i < options->range_count; i++)
		parser.add_rangeprocessor(
			(new DateRange(options->ranges[i].slot, std::string(options->ranges[i].field) + ":"))
				->release());
	unsigned expansion = options->max_wildcard_expansion ? options->max_wildcard_expansion : 100;
	parser.set_max_expansion(expansion, Xapian::Query::WILDCARD_LIMIT_MOST_FREQUENT,
	                         Xapian::QueryParser::FLAG_WILDCARD | Xapian::QueryParser::FLAG_PARTIAL);
	unsigned flags = Xapian::QueryParser::FLAG_PHRASE | Xapian::QueryParser::FLAG_BOOLEAN |
	                 Xapian::QueryParser::FLAG_LOVEHATE | Xapian::QueryParser::FLAG_PURE_NOT |
	                 Xapian::QueryParser::FLAG_WILDCARD;
	if (options->flags & LANTERN_PARSE_PARTIAL)
		flags |= Xapian::QueryParser::FLAG_PARTIAL;
	if (options->flags & LANTERN_PARSE_SPELLING)
		flags |= Xapian::QueryParser::FLAG_SPELLING_CORRECTION;
	Xapian::Query query = parser.parse_query(text, flags);
	if (corrected && (options->flags & LANTERN_PARSE_SPELLING))
		*corrected = copy_string(parser.get_corrected_query_string());
	*out = new lantern_query{ query };
	return LANTERN_OK;
	ENGINE_GUARD_END
}

/* ------------------------------------------------------------------ building */

lantern_status lantern_query_match_all(lantern_query **out)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	*out = new lantern_query{ Xapian::Query::MatchAll };
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_query_term(const char *term, lantern_query **out)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	*out = new lantern_query{ Xapian::Query(term) };
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_query_phrase(const char *const *words, size_t count, lantern_query **out)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	std::vector<Xapian::Query> terms;
	for (size_t i = 0; i < count; i++)
		terms.emplace_back(words[i], 1, static_cast<Xapian::termpos>(i + 1));
	if (terms.size() == 1)
		*out = new lantern_query{ terms[0] };
	else
		*out = new lantern_query{ Xapian::Query(Xapian::Query::OP_PHRASE, terms.begin(),
		                                        terms.end(), static_cast<Xapian::termcount>(count)) };
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_query_value_range(unsigned slot, const char *low, const char *high,
                                         lantern_query **out)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	Xapian::Query query;
	if (low && high)
		query = Xapian::Query(Xapian::Query::OP_VALUE_RANGE, slot, low, high);
	else if (low)
		query = Xapian::Query(Xapian::Query::OP_VALUE_GE, slot, low);
	else if (high)
		query = Xapian::Query(Xapian::Query::OP_VALUE_LE, slot, high);
	else
		query = Xapian::Query::MatchAll;
	*out = new lantern_query{ query };
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_query_combine(lantern_query_operator op, const lantern_query *const *queries,
                                     size_t count, lantern_query **out)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	std::vector<Xapian::Query> parts;
	for (size_t i = 0; i < count; i++)
		if (queries[i] && !queries[i]->query.empty())
			parts.push_back(queries[i]->query);
	if (parts.empty())
		return LANTERN_OK;
	Xapian::Query::op xapian_op = Xapian::Query::OP_AND;
	switch (op) {
	case LANTERN_QUERY_AND: xapian_op = Xapian::Query::OP_AND; break;
	case LANTERN_QUERY_OR: xapian_op = Xapian::Query::OP_OR; break;
	case LANTERN_QUERY_AND_NOT: xapian_op = Xapian::Query::OP_AND_NOT; break;
	case LANTERN_QUERY_FILTER: xapian_op = Xapian::Query::OP_FILTER; break;
	case LANTERN_QUERY_SYNONYM: xapian_op = Xapian::Query::OP_SYNONYM; break;
	}
	if (parts.size() == 1 && op != LANTERN_QUERY_AND_NOT) {
		*out = new lantern_query{ parts[0] };
		return LANTERN_OK;
	}
	*out = new lantern_query{ Xapian::Query(xapian_op, parts.begin(), parts.end()) };
	return LANTERN_OK;
	ENGINE_GUARD_END
}

bool lantern_query_is_empty(const lantern_query *query)
{
	return !query || query->query.empty();
}

size_t lantern_query_term_count(const lantern_query *query)
{
	if (!query)
		return 0;
	try {
		size_t count = 0;
		for (Xapian::TermIterator it = query->query.get_terms_begin();
		     it != query->query.get_terms_end(); ++it)
			count++;
		return count;
	} catch (...) {
		lantern_engine_translate_exception();
		return 0;
	}
}

char *lantern_query_describe(const lantern_query *query)
{
	try {
		return copy_string(query ? query->query.get_description() : std::string("(none)"));
	} catch (...) {
		lantern_engine_translate_exception();
		return nullptr;
	}
}

void lantern_query_free(lantern_query *query)
{
	delete query;
}

namespace {

/* Relevance feedback should suggest words, not filter terms or ids. */
class UnprefixedWords final : public Xapian::ExpandDecider {
public:
	bool operator()(const std::string &term) const override
	{
		if (term.empty())
			return false;
		unsigned char first = static_cast<unsigned char>(term[0]);
		if (first >= 'A' && first <= 'Z')
			return false;
		for (unsigned char c : term)
			if (c >= '0' && c <= '9')
				return false;
		return term.size() >= 3;
	}
};

} // namespace

lantern_status lantern_query_related(lantern_searcher *searcher, const char *const *unique_terms,
                                     size_t count, size_t term_limit, lantern_query **out)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	Xapian::RSet relevant;
	for (size_t i = 0; i < count; i++) {
		Xapian::PostingIterator posting = searcher->db.postlist_begin(unique_terms[i]);
		if (posting != searcher->db.postlist_end(unique_terms[i]))
			relevant.add_document(*posting);
	}
	if (relevant.empty())
		return LANTERN_OK;
	Xapian::Enquire enquire(searcher->db);
	UnprefixedWords decider;
	Xapian::ESet terms = enquire.get_eset(static_cast<Xapian::termcount>(term_limit), relevant, &decider);
	if (terms.empty())
		return LANTERN_OK;
	std::vector<Xapian::Query> parts;
	for (Xapian::ESetIterator it = terms.begin(); it != terms.end(); ++it)
		parts.emplace_back(*it);
	*out = new lantern_query{ Xapian::Query(Xapian::Query::OP_OR, parts.begin(), parts.end()) };
	return LANTERN_OK;
	ENGINE_GUARD_END
}

/* ------------------------------------------------------------------ matching */

lantern_status lantern_searcher_match(lantern_searcher *searcher, const lantern_query *query,
                                      const lantern_match_options *options, lantern_match **out)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	std::unique_ptr<lantern_match> match(new lantern_match());
	match->stem = searcher->stem;
	Xapian::Enquire enquire(searcher->db);
	enquire.set_query(query ? query->query : Xapian::Query::MatchAll);
	if (options->unweighted) {
		enquire.set_weighting_scheme(Xapian::BoolWeight());
	} else if (options->bm25_k1 > 0 || options->bm25_b > 0) {
		enquire.set_weighting_scheme(Xapian::BM25Weight(options->bm25_k1 > 0 ? options->bm25_k1 : 1,
		                                                0, 1, options->bm25_b, 0.5));
	}
	enquire.set_docid_order(Xapian::Enquire::ASCENDING);
	Xapian::MultiValueKeyMaker keys;
	switch (options->sort) {
	case LANTERN_SORT_RELEVANCE:
		if (options->break_ties)
			enquire.set_sort_by_relevance_then_value(options->tie_slot, false);
		break;
	case LANTERN_SORT_VALUE_DESCENDING:
	case LANTERN_SORT_VALUE_ASCENDING:
		keys.add_value(options->sort_slot, options->sort == LANTERN_SORT_VALUE_DESCENDING);
		if (options->break_ties)
			keys.add_value(options->tie_slot);
		/* The key maker outlives get_mset(): Enquire keeps a reference. */
		enquire.set_sort_by_key_then_relevance(&keys, false);
		break;
	}
	for (size_t i = 0; i < options->count_slot_count; i++) {
		match->spies.emplace_back(new Xapian::ValueCountMatchSpy(options->count_slots[i]));
		enquire.add_matchspy(match->spies.back().get());
	}
	match->mset = enquire.get_mset(static_cast<Xapian::doccount>(options->offset),
	                               static_cast<Xapian::doccount>(options->limit),
	                               options->check_at_least);
	*out = match.release();
	return LANTERN_OK;
	ENGINE_GUARD_END
}

void lantern_match_free(lantern_match *match)
{
	delete match;
}

lantern_match_totals lantern_match_get_totals(const lantern_match *match)
{
	lantern_match_totals totals = { 0, 0, 0 };
	try {
		totals.lower = match->mset.get_matches_lower_bound();
		totals.estimated = match->mset.get_matches_estimated();
		totals.upper = match->mset.get_matches_upper_bound();
	} catch (...) {
		lantern_engine_translate_exception();
	}
	return totals;
}

size_t lantern_match_size(const lantern_match *match)
{
	return match->mset.size();
}

double lantern_match_weight(const lantern_match *match, size_t index)
{
	try {
		return match->mset[static_cast<Xapian::doccount>(index)].get_weight();
	} catch (...) {
		lantern_engine_translate_exception();
		return 0;
	}
}

lantern_status lantern_match_data(const lantern_match *match, size_t index, char **out,
                                  size_t *length)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	std::string data = match->mset[static_cast<Xapian::doccount>(index)].get_document().get_data();
	*out = copy_string(data);
	if (length)
		*length = data.size();
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_match_each_count(const lantern_match *match, size_t slot_index,
                                        lantern_value_count_visitor visit, void *context)
{
	ENGINE_GUARD_BEGIN
	if (slot_index >= match->spies.size())
		return lantern_error_set(LANTERN_ERROR_INVALID_ARGUMENT, "no such counted slot");
	const Xapian::ValueCountMatchSpy &spy = *match->spies[slot_index];
	for (Xapian::TermIterator it = spy.values_begin(); it != spy.values_end(); ++it) {
		const std::string value = *it;
		if (visit(context, value.data(), value.size(), it.get_termfreq()) != 0)
			break;
	}
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_match_snippet(const lantern_match *match, const char *text, size_t text_length,
                                     size_t length, const char *start, const char *end, char **out)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	/* Markers are always passed: with empty markers Xapian 1.4.22 returns
	 * the text unescaped. */
	*out = copy_string(match->mset.snippet(std::string(text, text_length), length, match->stem,
	                                       Xapian::MSet::SNIPPET_BACKGROUND_MODEL |
	                                               Xapian::MSet::SNIPPET_EXHAUSTIVE,
	                                       start && start[0] ? start : "\x01",
	                                       end && end[0] ? end : "\x02", "\xe2\x80\xa6"));
	return LANTERN_OK;
	ENGINE_GUARD_END
}
