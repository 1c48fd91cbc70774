#!/usr/bin/python3
"""duplicate_id.py - an les resource cannot push a public one out.

Ids are unique across the whole index, so when an les resource (by a
curator's mistake, or on purpose) uses the id of a public resource, the
indexer keeps one and rejects the other. Whichever it keeps, anonymous
answers must not change: the public resource must stay exactly as visible
as in the corpus without the les resources. Two cases, one per crawl order:
the les resource comes before the public one, and after it.

(Found by this suite: when the les resource is crawled first, the public
resource is rejected - "duplicate id" - and disappears for anonymous
callers, who thereby learn that a hidden resource claims that id.)
"""
import os
import re
import shutil
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seclib  # noqa: E402


def main():
    suite = seclib.Suite("security_duplicate_id")
    model = seclib.CorpusModel(seclib.CORPUS_DIR)
    ids_public = suite.index_ids(suite.build_index(seclib.CORPUS_DIR, "index-ids"), "public")
    markdown_les = [r for r in model.restricted if r.path.endswith(".md") and r.text.lstrip().startswith("---")]
    if not markdown_les:
        suite.skip("no restricted Markdown resource to give a duplicate id")
    les = markdown_les[0]
    before = [r for r in model.public if r.path < les.path and ids_public.get(r.path)]
    after = [r for r in model.public if r.path > les.path and ids_public.get(r.path)]
    corpus_b = os.path.join(suite.tmp, "corpus-B")
    seclib.copy_corpus_without(seclib.CORPUS_DIR, corpus_b, model.restricted)
    index_b = suite.build_index(corpus_b, "index-B")
    daemon_b = suite.daemon(index_b, name="B")

    for case, candidates in (("les crawled first", after), ("les crawled second", before)):
        if not candidates:
            continue
        public = candidates[0]
        target = ids_public[public.path]
        with suite.section(f"{case}: {les.path} takes the id {target!r} of {public.path}"):
            corpus = os.path.join(suite.tmp, "corpus-" + case.replace(" ", "-"))
            shutil.copytree(seclib.CORPUS_DIR, corpus)
            seclib.set_front_matter(os.path.join(corpus, les.path), "id", target)
            index = suite.build_index(corpus, "index-" + case.replace(" ", "-"), allowed=(0, 1))
            suite.log("lantern-index: " + suite.index_summary())
            daemon = suite.daemon(index, name="A-dup")
            title_words = " ".join(re.findall(r"[A-Za-z]+", public.title)[:6])
            requests = ["/api/doc/" + target, "/api/related/" + target,
                        seclib.url("/api/search", [("q", public.title)]),
                        seclib.url("/api/search", [("q", "id:" + target)]),
                        seclib.url("/api/suggest", [("q", title_words)]),
                        seclib.url("/api/search", [("limit", "1000"), ("facets", "*")]),
                        "/api/facets", "/healthz"]
            for path in requests:
                a, b = daemon.get(path), daemon_b.get(path)
                problems = seclib.compare_responses(a, b)
                suite.check(not problems, f"{case}: anonymous GET {path} is the same as without les resources",
                            problems)
            daemon.stop()
    daemon_b.stop()
    suite.finish()


if __name__ == "__main__":
    main()
