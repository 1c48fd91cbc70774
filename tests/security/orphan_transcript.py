#!/usr/bin/python3
"""orphan_transcript.py - an les record's transcript never becomes public.

A video record may name a `transcript:` file; the transcript is part of the
record, not a resource of its own, and so shares its access. If the record
cannot be used, the transcript must not fall back to being an ordinary
text resource with the folder's defaults (access public). Three ways a
curator can get there, each on a fresh copy of the corpus, for every
restricted record with a transcript (found from the corpus files):

  * the record has a YAML syntax error (the indexer reports it);
  * the record's `transcript:` names a file that is not there (a typo);
  * the record is listed in .lanternignore (withdrawn) - reported by nothing.

In each case no anonymous answer may contain the transcript, and the public
partition must hold exactly the public resources.

(Found by this suite: in all three cases the transcript is indexed as a
public resource "videos/...transcript" - full text, snippets, title from
its first line - in the videos/ folder, whose _defaults.yaml supplies the
required `type`.)
"""
import os
import shutil
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seclib  # noqa: E402


def main():
    suite = seclib.Suite("security_orphan_transcript")
    model = seclib.CorpusModel(seclib.CORPUS_DIR)
    records = [r for r in model.restricted if len(r.files) > 1 and r.path.endswith((".yaml", ".yml"))
               and not r.files[1].endswith((".yaml", ".yml"))]
    if not records:
        suite.skip("no restricted record with a transcript in the corpus")
    public_paths = sorted(r.path for r in model.public)
    for record in records:
        transcript = record.files[1]
        words = sorted(seclib.words_of(seclib.read_text(os.path.join(seclib.CORPUS_DIR, transcript)))
                       & set(model.scan_words))
        codewords = [w for w in seclib.CODEWORDS if w.lower() in words]
        probe_words = (codewords + words)[:6]

        def variant(name, change):
            corpus = os.path.join(suite.tmp, f"corpus-{name}")
            shutil.copytree(seclib.CORPUS_DIR, corpus)
            change(corpus)
            return corpus

        def syntax_error(corpus):
            with open(os.path.join(corpus, record.path), "a") as handle:
                handle.write("oops: [an unclosed flow sequence\n")

        def misspelt(corpus):
            path = os.path.join(corpus, record.path)
            text = seclib.read_text(path)
            name = os.path.basename(transcript)
            with open(path, "w") as handle:
                handle.write(text.replace("transcript: " + name, "transcript: " + name.replace(".", "-", 1)))

        def ignored(corpus):
            with open(os.path.join(corpus, ".lanternignore"), "a") as handle:
                handle.write("\n" + record.path + "\n")

        for name, change in (("syntax-error", syntax_error), ("misspelt-transcript", misspelt),
                             ("record-ignored", ignored)):
            with suite.section(f"{record.path}: {name}"):
                corpus = variant(name, change)
                index = suite.build_index(corpus, "index-" + name, allowed=(0, 1))
                suite.log("lantern-index: " + suite.index_summary())
                listed = suite.index_ids(index, "public")
                extra = sorted(set(listed) - set(public_paths))
                suite.check(not extra, f"{name}: the public partition holds only public resources",
                            [f"also in public: {path} (id {listed[path]})" for path in extra])
                daemon = suite.daemon(index, name="A-" + name)
                for word in probe_words:
                    path = seclib.url("/api/search", [("q", word)])
                    answer = daemon.get(path).json()
                    hits = [(h["id"], h["title"][:60]) for h in answer["hits"]]
                    # Stemming lets ordinary words ("arrived") match public
                    # resources too; what must never appear is the les record,
                    # its transcript, or anything that is not a public resource.
                    stem = os.path.splitext(record.path)[0]
                    leaked = [h for h in answer["hits"]
                              if h["id"].startswith(stem) or h.get("path", "") not in public_paths
                              or (h.get("metadata") or {}).get("access", "public") != "public"]
                    suite.check(not leaked,
                                f"{name}: anonymous GET {path} finds no les material",
                                f"totalHits {answer['totalHits']}, hits {hits}")
                document = daemon.get("/api/doc/" + os.path.splitext(transcript)[0])
                suite.eq(404, document.status,
                         f"{name}: anonymous GET /api/doc/{os.path.splitext(transcript)[0]} is 404")
                daemon.stop()
    suite.finish()


if __name__ == "__main__":
    main()
