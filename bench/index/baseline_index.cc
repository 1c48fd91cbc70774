// baseline_index: the plain single-threaded Xapian indexer that bench/index/run.sh
// compares lantern-index against.
//
// It does the least a Xapian indexer can do with the same text: one
// WritableDatabase, one TermGenerator (Xapian's own English stemmer, STEM_SOME,
// positions on), one add_document per file holding the file's whole raw text
// (front matter and Markdown syntax included: no parsing), one commit at the end.
//
// Usage:
//   lantern-bench-baseline-index [--db DIR] [DIR ...]
//     DIR ...   walk each directory recursively for regular *.md files
//               (symlinks are not followed); the files are indexed in path order.
//     (none)    read the files to index from standard input, one path per line.
//     --db DIR  where to write the database (overwritten); by default a temporary
//               directory that is removed on exit.
//
// Prints one line of JSON on stdout: {"docs":N,"bytes":B,"seconds":S}, where S is
// the steady_clock time from opening the database to the end of the commit:
// reading every file, indexing it and committing. Building the file list is not
// timed. A file that cannot be read is reported on stderr and skipped; the exit
// status is then 1 (0 when every file was indexed, 2 on a usage or Xapian error).

#include <xapian.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <iterator>
#include <sstream>
#include <string>
#include <system_error>
#include <vector>

namespace fs = std::filesystem;

namespace {

void usage(std::ostream &out) {
    out << "usage: lantern-bench-baseline-index [--db DIR] [DIR ...]\n"
           "  with no DIR, reads the files to index from stdin, one path per line\n";
}

// Every regular *.md file under root, recursively, without following symlinks.
bool collect_markdown(const fs::path &root, std::vector<std::string> &out) {
    std::error_code ec;
    fs::recursive_directory_iterator it(root, fs::directory_options::none, ec);
    if (ec) {
        std::cerr << "baseline_index: " << root.string() << ": " << ec.message() << "\n";
        return false;
    }
    for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
        if (ec) {
            std::cerr << "baseline_index: " << root.string() << ": " << ec.message() << "\n";
            return false;
        }
        const fs::directory_entry &entry = *it;
        // symlink_status: a symlink is never taken for the file it points to.
        if (!fs::is_regular_file(entry.symlink_status()))
            continue;
        if (entry.path().extension() == ".md")
            out.push_back(entry.path().string());
    }
    return true;
}

bool read_whole(const std::string &path, std::string &text) {
    std::ifstream in(path, std::ios::in | std::ios::binary);
    if (!in)
        return false;
    std::ostringstream buf;
    buf << in.rdbuf();
    if (in.bad())
        return false;
    text = buf.str();
    return true;
}

}  // namespace

int main(int argc, char **argv) {
    std::string db_path;
    std::vector<std::string> roots;
    for (int i = 1; i < argc; ++i) {
        const std::string arg = argv[i];
        if (arg == "--db") {
            if (i + 1 >= argc) {
                usage(std::cerr);
                return 2;
            }
            db_path = argv[++i];
        } else if (arg == "-h" || arg == "--help") {
            usage(std::cout);
            return 0;
        } else if (!arg.empty() && arg[0] == '-') {
            std::cerr << "baseline_index: unknown option " << arg << "\n";
            usage(std::cerr);
            return 2;
        } else {
            roots.push_back(arg);
        }
    }

    // ---- the file list (not timed)
    std::vector<std::string> files;
    if (roots.empty()) {
        std::string line;
        while (std::getline(std::cin, line)) {
            if (!line.empty() && line.back() == '\r')
                line.pop_back();
            if (!line.empty())
                files.push_back(line);
        }
    } else {
        for (const std::string &root : roots) {
            std::vector<std::string> found;
            if (!collect_markdown(root, found))
                return 2;
            std::sort(found.begin(), found.end());
            files.insert(files.end(), found.begin(), found.end());
        }
    }

    bool temporary_db = false;
    if (db_path.empty()) {
        const char *tmpdir = std::getenv("TMPDIR");
        std::string templ = std::string(tmpdir && *tmpdir ? tmpdir : "/tmp") +
                            "/lantern-baseline-XXXXXX";
        std::vector<char> name(templ.begin(), templ.end());
        name.push_back('\0');
        if (mkdtemp(name.data()) == nullptr) {
            std::perror("baseline_index: mkdtemp");
            return 2;
        }
        db_path = name.data();
        temporary_db = true;
    }

    unsigned long long docs = 0, bytes = 0, failed = 0;
    double seconds = 0.0;
    int status = 0;
    try {
        const auto start = std::chrono::steady_clock::now();
        {
            Xapian::WritableDatabase db(db_path, Xapian::DB_CREATE_OR_OVERWRITE);
            Xapian::TermGenerator termgen;
            termgen.set_stemmer(Xapian::Stem("english"));
            termgen.set_stemming_strategy(Xapian::TermGenerator::STEM_SOME);
            // Positions are on by default; index_text() (not
            // index_text_without_positions) records them.
            std::string text;
            for (const std::string &path : files) {
                if (!read_whole(path, text)) {
                    std::cerr << "baseline_index: cannot read " << path << "\n";
                    ++failed;
                    continue;
                }
                Xapian::Document doc;
                doc.set_data(path);
                termgen.set_document(doc);
                termgen.index_text(text);
                db.add_document(doc);
                ++docs;
                bytes += text.size();
            }
            db.commit();
        }
        seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    } catch (const Xapian::Error &e) {
        std::cerr << "baseline_index: " << e.get_description() << "\n";
        status = 2;
    }

    if (temporary_db) {
        std::error_code ec;
        fs::remove_all(db_path, ec);
    }
    if (status != 0)
        return status;

    std::printf("{\"docs\":%llu,\"bytes\":%llu,\"seconds\":%.6f}\n", docs, bytes, seconds);
    return failed ? 1 : 0;
}
