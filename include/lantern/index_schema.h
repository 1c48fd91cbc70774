/*
 * lantern/index_schema.h - how a resource is laid out in the Xapian index.
 *
 * The indexer writes and the query engine reads by these names only; the
 * same table is documented for people in docs/index-schema.md. Changing a
 * prefix or slot means bumping LANTERN_INDEX_FORMAT (the indexer then
 * rebuilds every document).
 */
#ifndef LANTERN_INDEX_SCHEMA_H
#define LANTERN_INDEX_SCHEMA_H

#ifdef __cplusplus
extern "C" {
#endif

/* Stored in each partition's metadata under "lantern.format". */
#define LANTERN_INDEX_FORMAT "4"

/* ---------------------------------------------------------------- free-text prefixes
 * Title and summary are indexed twice: unprefixed (so a plain query finds
 * them, with a higher wdf than body words) and under their own prefix (so
 * `title:` and `summary:` searches work). */
#define LANTERN_PREFIX_TITLE "S"
#define LANTERN_PREFIX_SUMMARY "XD"
#define LANTERN_PREFIX_PUBLISHER_TEXT "XP"

/* wdf added per occurrence: title and summary words outweigh body words. */
#define LANTERN_WEIGHT_TITLE 3
#define LANTERN_WEIGHT_SUMMARY 2
#define LANTERN_WEIGHT_BODY 1
/* Position gap between fields, so a phrase never spans two of them. */
#define LANTERN_FIELD_POSITION_GAP 100

/* ---------------------------------------------------------------- boolean terms
 * Prefix + lowercase value. A value tagged `all` is expanded to every value
 * of the vocabulary at index time (the schema hash is stored, so adding a
 * value re-indexes), and LANTERN_PREFIX_ALL + field name marks the document. */
#define LANTERN_PREFIX_ID "Q"
#define LANTERN_PREFIX_TYPE "XTYPE"
#define LANTERN_PREFIX_AGENCY_TYPE "XAGENCYTYPE"
#define LANTERN_PREFIX_AGENCY_SIZE "XAGENCYSIZE"
#define LANTERN_PREFIX_RESOURCE_LEVEL "XLEVEL"
#define LANTERN_PREFIX_TOPIC "XTOPIC"
#define LANTERN_PREFIX_AUDIENCE "XAUDIENCE"
#define LANTERN_PREFIX_ACCESS "XACCESS"
#define LANTERN_PREFIX_DELIVERY "XDELIVERY"
#define LANTERN_PREFIX_LANGUAGE "XLANG"
#define LANTERN_PREFIX_PUBLISHER "XPUBLISHER"
#define LANTERN_PREFIX_FORMAT "XFORMAT"
#define LANTERN_PREFIX_YEAR "XYEAR"
#define LANTERN_PREFIX_ALL "XALL"

/* ---------------------------------------------------------------- value slots */
enum lantern_value_slot {
	/* What the incremental indexer remembers, tab-separated: id, source,
	 * access, content hash, context hash, loaded_at_ns, id position, file
	 * count, then path, size, mtime_ns per input file (indexer/state.c). */
	LANTERN_SLOT_STATE = 0,
	LANTERN_SLOT_PUBLISHED = 1,   /* YYYYMMDD, zeros for unknown month/day */
	LANTERN_SLOT_UPDATED = 2,     /* YYYYMMDD */
	/* Sort keys hold the resource id after the key itself, so equal keys
	 * still sort the same way everywhere - and Xapian's remote backend,
	 * which cannot run a KeyMaker, can sort by them. */
	LANTERN_SLOT_TITLE_SORT = 3,  /* lowercased title, \x1f, id */
	/* The resource id: the last tie-breaker of every ordering, so that equal
	 * scores come out in the same order whatever Xapian's document numbers
	 * are (they differ between builds and between shards). */
	LANTERN_SLOT_ID = 4,
	LANTERN_SLOT_DATE_SORT = 5,   /* YYYYMMDD (published; "00000000" when unknown), \x1f, id */
	/* Facet combinations: the document's values of one field, sorted, joined
	 * with '|'. ValueCountMatchSpy counts combinations (which works on remote
	 * shards too); the query engine splits them into per-value counts. */
	LANTERN_SLOT_FACET_TYPE = 10,
	LANTERN_SLOT_FACET_AGENCY_TYPE = 11,
	LANTERN_SLOT_FACET_AGENCY_SIZE = 12,
	LANTERN_SLOT_FACET_RESOURCE_LEVEL = 13,
	LANTERN_SLOT_FACET_TOPICS = 14,
	LANTERN_SLOT_FACET_AUDIENCE = 15,
	LANTERN_SLOT_FACET_DELIVERY = 16,
	LANTERN_SLOT_FACET_LANGUAGE = 17,
	LANTERN_SLOT_FACET_PUBLISHER = 18
};

#define LANTERN_FACET_SEPARATOR '|'

/* Document data is JSON: {"id","title","type","summary","url","path",
 * "format","metadata":{field: value|[values]},"body"}. The body is capped so
 * a snippet can always be made from the data alone (remote shards too). */
#define LANTERN_DATA_BODY_MAX (1024 * 1024)

#ifdef __cplusplus
}
#endif
#endif
