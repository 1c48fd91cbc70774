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

#include <sys/stat.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>


struct lantern_searcher {
	Xapian::Database db;
	std::vector<Xapian::Database> parts; /* one per path (a stub's shards combined), for figures */
	std::vector<std::string> paths;
	Xapian::Stem stem;
	Xapian::Database local;               /* the local databases only: spelling and synonyms */
	size_t local_count = 0;
	size_t searched_count = 0;            /* databases in `db` */
	std::vector<std::string> endpoints;   /* remote shards opened */
	std::vector<std::string> unavailable; /* remote shards left out */
	std::vector<const char *> endpoint_views, unavailable_views;
	/* What a stub named, to notice when it now names something else: local
	 * paths with the real path they resolved to (a `current` link moved by
	 * --full), and nested stub files with their state (a replica switched). */
	std::vector<std::pair<std::string, std::string>> watched_paths;
	std::vector<std::pair<std::string, struct stat>> watched_stubs;
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

namespace {

std::mutex unreachable_lock;
std::map<std::string, std::chrono::steady_clock::time_point> unreachable_until;

bool recently_unreachable(const std::string &endpoint)
{
	std::lock_guard<std::mutex> guard(unreachable_lock);
	auto found = unreachable_until.find(endpoint);
	return found != unreachable_until.end() && std::chrono::steady_clock::now() < found->second;
}

void remember_unreachable(const std::string &endpoint, unsigned retry_after_ms)
{
	std::lock_guard<std::mutex> guard(unreachable_lock);
	unreachable_until[endpoint] =
		std::chrono::steady_clock::now() + std::chrono::milliseconds(retry_after_ms ? retry_after_ms : 5000);
}

std::string stub_file_of(const std::string &path)
{
	struct stat info;
	if (stat(path.c_str(), &info) != 0)
		return std::string();
	if (S_ISREG(info.st_mode))
		return path;
	std::string inside = path + "/XAPIANDB";
	if (S_ISDIR(info.st_mode) && stat(inside.c_str(), &info) == 0 && S_ISREG(info.st_mode))
		return inside;
	return std::string();
}

/* Adds the database at `path` (a real database or a stub) to `part`. */
void open_into(lantern_searcher &searcher, Xapian::Database &part, const std::string &path,
               const lantern_searcher_options &options, int depth)
{
	std::string stub = stub_file_of(path);
	if (depth > 0) {
		char *real = realpath(path.c_str(), nullptr);
		searcher.watched_paths.emplace_back(path, real ? std::string(real) : std::string());
		std::free(real);
		struct stat info;
		if (!stub.empty() && stat(stub.c_str(), &info) == 0)
			searcher.watched_stubs.emplace_back(stub, info);
	}
	if (stub.empty() || depth > 4) {
		Xapian::Database local(path);
		/* A local database without documents (a --spelling-only index) only
		 * supplies spelling, synonyms and metadata. Keeping it out of the
		 * match also keeps Xapian 1.4 from miscounting match spies when
		 * local and remote shards are mixed. */
		if (local.get_doccount() > 0 || depth == 0) {
			part.add_database(local);
			searcher.searched_count++;
		}
		searcher.local.add_database(local);
		searcher.local_count++;
		return;
	}
	std::ifstream lines(stub);
	if (!lines)
		throw Xapian::DatabaseOpeningError("cannot read stub " + stub);
	std::string base = stub.substr(0, stub.find_last_of('/'));
	std::string line;
	size_t entries = 0;
	while (std::getline(lines, line)) {
		std::istringstream words(line);
		std::string kind, target;
		words >> kind >> target;
		if (kind.empty() || kind[0] == '#')
			continue;
		entries++;
		if (kind == "auto" || kind == "glass" || kind == "chert" || kind == "honey") {
			open_into(searcher, part, target[0] == '/' ? target : base + "/" + target, options, depth + 1);
			continue;
		}
		if (kind != "remote")
			throw Xapian::DatabaseOpeningError("unsupported stub line '" + line + "' in " + stub);
		size_t colon = target.rfind(':');
		if (colon == std::string::npos || target.compare(0, 2, "::") == 0)
			throw Xapian::DatabaseOpeningError("expected 'remote HOST:PORT' in " + stub);
		std::string host = colon == 0 ? "127.0.0.1" : target.substr(0, colon);
		unsigned port = static_cast<unsigned>(std::strtoul(target.c_str() + colon + 1, nullptr, 10));
		std::string endpoint = host + ":" + std::to_string(port);
		if (options.allow_partial && recently_unreachable(endpoint)) {
			searcher.unavailable.push_back(endpoint);
			continue;
		}
		try {
			part.add_database(Xapian::Remote::open(host, port,
			                                       options.remote_timeout_ms ? options.remote_timeout_ms : 10000,
			                                       options.remote_connect_timeout_ms ? options.remote_connect_timeout_ms : 10000));
			searcher.endpoints.push_back(endpoint);
			searcher.searched_count++;
		} catch (const Xapian::NetworkError &) {
			remember_unreachable(endpoint, options.retry_after_ms);
			if (!options.allow_partial)
				throw;
			searcher.unavailable.push_back(endpoint);
		}
	}
	if (!entries)
		throw Xapian::DatabaseOpeningError("empty stub " + stub);
}

} // namespace

lantern_status lantern_searcher_open_with(lantern_searcher **out, const char *const *paths,
                                          size_t count, const char *language,
                                          const lantern_searcher_options *options)
{
	*out = nullptr;
	lantern_searcher_options defaults = { 0, 0, false, 0 };
	const lantern_searcher_options &settings = options ? *options : defaults;
	ENGINE_GUARD_BEGIN
	std::unique_ptr<lantern_searcher> searcher(new lantern_searcher());
	for (size_t i = 0; i < count; i++) {
		Xapian::Database part;
		open_into(*searcher, part, paths[i], settings, 0);
		searcher->db.add_database(part);
		searcher->parts.push_back(part);
		searcher->paths.emplace_back(paths[i]);
	}
	if (searcher->searched_count == 0)
		throw Xapian::NetworkError("no shard of the index is reachable");
	for (const std::string &endpoint : searcher->endpoints)
		searcher->endpoint_views.push_back(endpoint.c_str());
	for (const std::string &endpoint : searcher->unavailable)
		searcher->unavailable_views.push_back(endpoint.c_str());
	searcher->stem = lantern_engine_make_stem(language);
	*out = searcher.release();
	return LANTERN_OK;
	ENGINE_GUARD_END
}

lantern_status lantern_searcher_open(lantern_searcher **out, const char *const *paths,
                                     size_t count, const char *language)
{
	return lantern_searcher_open_with(out, paths, count, language, nullptr);
}

size_t lantern_searcher_unavailable(const lantern_searcher *searcher, const char *const **endpoints)
{
	*endpoints = searcher->unavailable_views.data();
	return searcher->unavailable_views.size();
}

size_t lantern_searcher_endpoints(const lantern_searcher *searcher, const char *const **endpoints)
{
	*endpoints = searcher->endpoint_views.data();
	return searcher->endpoint_views.size();
}

bool lantern_searcher_stale(const lantern_searcher *searcher)
{
	for (const auto &watched : searcher->watched_paths) {
		char *real = realpath(watched.first.c_str(), nullptr);
		bool same = real ? watched.second == real : watched.second.empty();
		std::free(real);
		if (!same)
			return true;
	}
	for (const auto &watched : searcher->watched_stubs) {
		struct stat now;
		if (stat(watched.first.c_str(), &now) != 0 || now.st_ino != watched.second.st_ino ||
		    now.st_size != watched.second.st_size || now.st_mtim.tv_sec != watched.second.st_mtim.tv_sec ||
		    now.st_mtim.tv_nsec != watched.second.st_mtim.tv_nsec)
			return true;
	}
	return false;
}

bool lantern_searcher_has_remote(const lantern_searcher *searcher)
{
	return !searcher->endpoints.empty() || !searcher->unavailable.empty();
}

bool lantern_searcher_spelling_available(const lantern_searcher *searcher)
{
	return !lantern_searcher_has_remote(searcher) || searcher->local_count > 0;
}

size_t lantern_searcher_probe(lantern_searcher *searcher, const lantern_searcher_options *options)
{
	size_t failed = 0;
	for (const std::string &endpoint : searcher->endpoints) {
		try {
			size_t colon = endpoint.rfind(':');
			Xapian::Database remote = Xapian::Remote::open(
				endpoint.substr(0, colon), static_cast<unsigned>(std::stoul(endpoint.substr(colon + 1))),
				options->remote_timeout_ms ? options->remote_timeout_ms : 10000,
				options->remote_connect_timeout_ms ? options->remote_connect_timeout_ms : 10000);
			Xapian::Enquire enquire(remote);
			enquire.set_query(Xapian::Query::MatchAll);
			enquire.get_mset(0, 1);
		} catch (...) {
			remember_unreachable(endpoint, options->retry_after_ms);
			failed++;
		}
	}
	return failed;
}

void lantern_searcher_mark_unreachable(const char *endpoint, unsigned retry_after_ms)
{
	try {
		remember_unreachable(endpoint, retry_after_ms);
	} catch (...) {
	}
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
	/* The local dictionary is not part of `db` when it holds no documents. */
	if (searcher->local_count && searcher->local.reopen())
		moved = true;
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
	*out = copy_string(searcher->local_count ? searcher->local.get_metadata(key) : searcher->db.get_metadata(key));
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
	/* A stub of several databases has no single revision, nor has a remote
	 * one (Xapian 1.4 throws): 0 then, rather than failing /healthz. */
	try {
		*revision = searcher->parts[index].get_revision();
	} catch (const Xapian::InvalidOperationError &) {
		*revision = 0;
	} catch (const Xapian::UnimplementedError &) {
		*revision = 0;
	}
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

/* Xapian's remote backend serves no synonym or spelling data: with remote
 * shards they come from the local databases of the stub (a --spelling-only
 * index, docs/scaling.md). */
static Xapian::Database &dictionary_of(lantern_searcher *searcher)
{
	return searcher->endpoints.empty() && searcher->unavailable.empty() ? searcher->db : searcher->local;
}

lantern_status lantern_searcher_each_synonym(lantern_searcher *searcher,
                                             lantern_synonym_visitor visit, void *context)
{
	ENGINE_GUARD_BEGIN
	Xapian::Database &source = dictionary_of(searcher);
	for (Xapian::TermIterator key = source.synonym_keys_begin();
	     key != source.synonym_keys_end(); ++key) {
		for (Xapian::TermIterator synonym = source.synonyms_begin(*key);
		     synonym != source.synonyms_end(*key); ++synonym) {
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
	*out = copy_string(dictionary_of(searcher).get_spelling_suggestion(word));
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
	parser.set_database((options->flags & LANTERN_PARSE_SPELLING) ? dictionary_of(searcher) : searcher->db);
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

static size_t count_wildcards(const Xapian::Query &query)
{
	if (query.get_type() == Xapian::Query::OP_WILDCARD)
		return 1;
	size_t count = 0;
	for (size_t i = 0; i < query.get_num_subqueries(); i++)
		count += count_wildcards(query.get_subquery(i));
	return count;
}

size_t lantern_query_wildcard_count(const lantern_query *query)
{
	if (!query)
		return 0;
	try {
		return count_wildcards(query->query);
	} catch (...) {
		lantern_engine_translate_exception();
		return 0;
	}
}

size_t lantern_query_term_count(const lantern_query *query)
{
	if (!query)
		return 0;
	try {
		/* A wildcard is not expanded until the match; it counts as one term
		 * here (and the number of wildcards has its own limit). */
		size_t count = count_wildcards(query->query);
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

/* Relevance feedback computed here rather than with Enquire::get_eset(),
 * whose statistics differ between a single database and remote shards:
 * each word of the documents is weighted (1 + log wdf) * log(N / termfreq)
 * with the collection's own figures, so the related list is the same
 * however the index is split. */
lantern_status lantern_query_related(lantern_searcher *searcher, const char *const *unique_terms,
                                     size_t count, size_t term_limit, lantern_query **out)
{
	*out = nullptr;
	ENGINE_GUARD_BEGIN
	UnprefixedWords usable;
	std::map<std::string, double> weights;
	double documents = searcher->db.get_doccount();
	for (size_t i = 0; i < count; i++) {
		Xapian::PostingIterator posting = searcher->db.postlist_begin(unique_terms[i]);
		if (posting == searcher->db.postlist_end(unique_terms[i]))
			continue;
		Xapian::Document doc = searcher->db.get_document(*posting);
		for (Xapian::TermIterator term = doc.termlist_begin(); term != doc.termlist_end(); ++term) {
			if (!usable(*term))
				continue;
			double frequency = searcher->db.get_termfreq(*term);
			if (frequency <= 0 || frequency >= documents)
				continue;
			weights[*term] += (1.0 + std::log(static_cast<double>(term.get_wdf()))) *
			                  std::log(documents / frequency);
		}
	}
	if (weights.empty())
		return LANTERN_OK;
	std::vector<std::pair<std::string, double>> ranked(weights.begin(), weights.end());
	std::sort(ranked.begin(), ranked.end(), [](const auto &a, const auto &b) {
		return a.second != b.second ? a.second > b.second : a.first < b.first;
	});
	if (ranked.size() > term_limit)
		ranked.resize(term_limit);
	std::vector<Xapian::Query> parts;
	for (const auto &entry : ranked)
		parts.emplace_back(entry.first);
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
	/* Plain value sorts only: the remote backend cannot run a KeyMaker, so
	 * sort slots carry their own tie-breaker (index_schema.h). */
	switch (options->sort) {
	case LANTERN_SORT_RELEVANCE:
		if (options->break_ties)
			enquire.set_sort_by_relevance_then_value(options->tie_slot, false);
		break;
	case LANTERN_SORT_VALUE_DESCENDING:
		enquire.set_sort_by_value_then_relevance(options->sort_slot, true);
		break;
	case LANTERN_SORT_VALUE_ASCENDING:
		enquire.set_sort_by_value_then_relevance(options->sort_slot, false);
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
