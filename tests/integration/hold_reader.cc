// hold_reader - a search-side reader that keeps one Xapian database open
// while the test changes the index under it (integration test cli.sh).
//
//   hold_reader DB READY_FILE GO_FILE
//
// Opens DB (e.g. INDEX/current/public: the symlink is resolved now), reads
// everything (document count, every document's data and terms, positions,
// a spelling suggestion) into a fingerprint, creates READY_FILE, waits for
// GO_FILE to appear, then reads everything again through the same open
// database. Prints "before N FINGERPRINT" and "after N FINGERPRINT"; exits 0
// when both readings agree, 1 when they differ, 2 on a Xapian error.
#include <xapian.h>

#include <chrono>
#include <cstdint>
#include <fstream>
#include <iostream>
#include <string>
#include <thread>
#include <sys/stat.h>

namespace {

std::uint64_t mix(std::uint64_t hash, const std::string &text)
{
	for (unsigned char c : text)
		hash = (hash ^ c) * 1099511628211ULL;
	return (hash ^ 0xff) * 1099511628211ULL;
}

struct Reading {
	Xapian::doccount documents = 0;
	std::uint64_t fingerprint = 14695981039346656037ULL;
};

Reading read_all(Xapian::Database &db)
{
	Reading reading;
	reading.documents = db.get_doccount();
	for (Xapian::PostingIterator it = db.postlist_begin(""); it != db.postlist_end(""); ++it) {
		Xapian::Document doc = db.get_document(*it);
		reading.fingerprint = mix(reading.fingerprint, doc.get_data());
		reading.fingerprint = mix(reading.fingerprint, doc.get_value(0));
		for (Xapian::TermIterator term = doc.termlist_begin(); term != doc.termlist_end(); ++term) {
			reading.fingerprint = mix(reading.fingerprint, *term);
			if (db.has_positions())
				reading.fingerprint = mix(reading.fingerprint,
				                          std::to_string(db.positionlist_begin(*it, *term) ==
				                                         db.positionlist_end(*it, *term)));
		}
	}
	// A search, as the query engine would run one.
	Xapian::Enquire enquire(db);
	const Xapian::Query words[] = { Xapian::Query("child"), Xapian::Query("sex") };
	enquire.set_query(Xapian::Query(Xapian::Query::OP_PHRASE, words, words + 2));
	Xapian::MSet matches = enquire.get_mset(0, 1000);
	reading.fingerprint = mix(reading.fingerprint, std::to_string(matches.get_matches_estimated()));
	reading.fingerprint = mix(reading.fingerprint, db.get_spelling_suggestion("trafickking"));
	return reading;
}

bool exists(const std::string &path)
{
	struct stat info;
	return stat(path.c_str(), &info) == 0;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc != 4) {
		std::cerr << "usage: hold_reader DB READY_FILE GO_FILE\n";
		return 2;
	}
	try {
		Xapian::Database db(argv[1]);
		Reading before = read_all(db);
		std::cout << "before " << before.documents << " " << before.fingerprint << std::endl;
		std::ofstream(argv[2]) << "ready\n";
		for (int waited = 0; !exists(argv[3]); waited++) {
			if (waited > 6000) {
				std::cerr << "hold_reader: gave up waiting for " << argv[3] << "\n";
				return 2;
			}
			std::this_thread::sleep_for(std::chrono::milliseconds(10));
		}
		Reading after = read_all(db);
		std::cout << "after " << after.documents << " " << after.fingerprint << std::endl;
		return before.documents == after.documents && before.fingerprint == after.fingerprint ? 0 : 1;
	} catch (const Xapian::Error &error) {
		std::cout << "error " << error.get_description() << std::endl;
		return 2;
	}
}
