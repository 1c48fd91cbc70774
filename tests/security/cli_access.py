#!/usr/bin/python3
"""cli_access.py - lantern-search's access: --access and file permissions.

  * `lantern-search --access public` over index A (with les) answers exactly
    as over index B (without les) - JSON minus timing, exit status, stderr -
    for codewords, restricted-only words, phrases, wildcards, misspellings,
    synonyms, filters, facets, related ids; it says "searched: public" and
    never prints les data.
  * A partition directory the user cannot read is skipped: with the les
    partition chmod 700 (root-owned), an unprivileged user (setpriv or
    runuser to nobody) searching without --access searches public only, says
    so, and sees no les data; asking for --access les is "no index" (exit 3).
    Skipped with a message when privileges cannot be dropped.
"""
import json
import os
import shutil
import stat
import sys

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seclib  # noqa: E402
from battery import misspell, phrases_of  # noqa: E402


class Output:
    """What LeakScanner.find needs of an answer."""

    def __init__(self, text):
        self.text = text
        self.header_list = []


def without_timing(text):
    try:
        return seclib.strip_timing(json.loads(text))
    except ValueError:
        return text


def drop_privileges_prefix(suite):
    """A command prefix that runs as nobody, or None."""
    if os.geteuid() != 0:
        return []
    candidates = []
    if shutil.which("setpriv"):
        candidates.append(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"])
    if shutil.which("runuser"):
        candidates.append(["runuser", "-u", "nobody", "--"])
    for prefix in candidates:
        try:
            result = suite.run(prefix + ["id", "-u"], timeout=20)
        except OSError:
            continue
        if result.returncode == 0 and result.stdout.strip() not in ("", "0"):
            return prefix
    return None


def main():
    suite = seclib.Suite("security_cli")
    model, index_a, index_b = seclib.prepare(suite)
    restricted_ids = [r.id for r in model.restricted if r.id]
    public_ids = [r.id for r in model.public if r.id]
    scanner = seclib.LeakScanner(model, restricted_ids)

    def cli(index, args, prefix=()):
        return suite.run(list(prefix) + [suite.search, "--index", index, "--color", "never"] + args)

    queries = []
    for word in seclib.CODEWORDS:
        queries += [[word], [word.lower()[:5] + "*"], [misspell(word.lower(), 0)], ["title:" + word.lower()]]
    words = model.restricted_only_words
    for word in words[:: max(1, len(words) // 60)]:
        queries += [[word], [misspell(word, len(word))] if len(word) >= 4 else [word + "s"]]
    for resource in model.restricted:
        queries += [['"' + phrase + '"'] for phrase in phrases_of(resource, 2)]
        if resource.title:
            queries.append([resource.title])
    for group in model.synonyms[:8]:
        queries.append([group[0]])
    queries += [["--facets", "--limit", "0"], ["--limit", "1000"], ["--sort", "date", "--limit", "100"],
                ["--publisher", "Lantern Regional Intelligence Working Group", "--facets"],
                ["--type", "video", "--facets"], ["--published", "2024-02-26", "--facets"],
                ["--all", "operation", "undercover"], ["--facets", "les"], ["law enforcement sensitive"]]
    queries += [["--related", identifier] for identifier in restricted_ids]
    queries += [["--related", identifier, "--limit", "20"] for identifier in public_ids[::8]]

    with suite.section("--access public over A answers as over B"):
        differing = 0
        for query in queries:
            args = ["--access", "public", "--format", "json"] + query
            a, b = cli(index_a, args), cli(index_b, args)
            where = "lantern-search " + " ".join(args)
            problems = []
            if a.returncode != b.returncode:
                problems.append(f"exit {a.returncode} != {b.returncode}")
            if a.stderr != b.stderr:
                problems.append(f"stderr {a.stderr.strip()!r} != {b.stderr.strip()!r}")
            ja, jb = without_timing(a.stdout), without_timing(b.stdout)
            if ja != jb:
                if isinstance(ja, dict) and isinstance(jb, dict):
                    problems += [f"{p}: {seclib.short(x)} != {seclib.short(y)}"
                                 for p, x, y in seclib.json_differences(ja, jb)]
                else:
                    problems.append(f"stdout {seclib.short(a.stdout)} != {seclib.short(b.stdout)}")
            if problems:
                differing += 1
                suite.check(False, f"{where}: A and B differ", problems)
            if isinstance(ja, dict):
                suite.check(ja.get("partitions") == ["public"], f"{where}: searched public only",
                            f"partitions {ja.get('partitions')}")
            found = scanner.find(Output(a.stdout + a.stderr), seclib.url("/", [("q", " ".join(query))]))
            suite.check(not found, f"{where}: no restricted data", found)
        suite.check(differing == 0, f"{len(queries)} lantern-search runs: A and B answer alike")
        for word in seclib.CODEWORDS:
            text = cli(index_a, ["--access", "public", word])
            suite.eq(1, text.returncode, f"lantern-search --access public {word}: exit 1 (no results)")
            suite.check(text.stdout.startswith("searched: public\n"),
                        f"lantern-search --access public {word} says 'searched: public'",
                        seclib.short(text.stdout))
        everything = cli(index_a, ["Nightjar"])
        suite.check(everything.returncode == 0 and "searched: public, les" in everything.stdout,
                    "without --access (as this user) the les partition is searched and Nightjar found",
                    seclib.short(everything.stdout))

    with suite.section("an unreadable partition is skipped"):
        prefix = drop_privileges_prefix(suite)
        if prefix is None:
            suite.log("SKIPPED: cannot run as an unprivileged user here (need root with setpriv or runuser)")
        else:
            index_u = os.path.join(suite.tmp, "index-U")
            shutil.copytree(index_a, index_u, symlinks=True)
            for path in (suite.tmp,):
                os.chmod(path, 0o755)
            les_dir = os.path.realpath(os.path.join(index_u, "current", "les"))
            os.chmod(les_dir, 0o000 if not prefix else 0o700)
            who = "nobody" if prefix else f"uid {os.geteuid()}"
            text = cli(index_u, ["Nightjar"], prefix)
            suite.eq(1, text.returncode, f"as {who}, les dir {oct(os.stat(les_dir).st_mode & 0o777)}: "
                     "lantern-search Nightjar finds nothing (exit 1)")
            suite.check(text.stdout.startswith("searched: public\n"), f"as {who}: it says 'searched: public'",
                        seclib.short(text.stdout + text.stderr))
            listing = cli(index_u, ["--format", "json", "--limit", "1000", "--facets"], prefix)
            try:
                body = json.loads(listing.stdout)
            except ValueError:
                body = {}
                suite.check(False, f"as {who}: the JSON listing parses", seclib.short(listing.stdout + listing.stderr))
            suite.eq(["public"], body.get("partitions"), f"as {who}: the JSON says partitions [public]")
            suite.eq(len(model.public), body.get("totalHits"), f"as {who}: an empty query counts public resources")
            for args in (["--format", "json", "--limit", "1000", "--facets"], ["Phalarope"], ["--access", "les", "Nightjar"],
                         ["--access", "public,les", "Bittern"], ["--related", restricted_ids[0]], ["whimbrel*"],
                         ["--format", "json", misspell("kittiwake", 0)]):
                run = cli(index_u, args, prefix)
                found = scanner.find(Output(run.stdout + run.stderr), seclib.url("/", [("q", " ".join(args))]))
                suite.check(not found, f"as {who}: lantern-search {' '.join(args)} shows no restricted data", found)
            only_les = cli(index_u, ["--access", "les", "Nightjar"], prefix)
            suite.eq(3, only_les.returncode, f"as {who}: --access les (unreadable) is 'no index' (exit 3)")
            both = cli(index_u, ["--access", "public,les", "Bittern"], prefix)
            suite.check(both.stdout.startswith("searched: public\n"), f"as {who}: --access public,les searches public only",
                        seclib.short(both.stdout + both.stderr))
            related = cli(index_u, ["--related", restricted_ids[0]], prefix)
            suite.eq(2, related.returncode, f"as {who}: --related an les id is an unknown id (exit 2)")

            # The directory readable but its files not: must not leak either way.
            os.chmod(les_dir, 0o755)
            for name in os.listdir(les_dir):
                os.chmod(os.path.join(les_dir, name), 0o600 if prefix else 0o000)
            run = cli(index_u, ["Nightjar"], prefix)
            found = scanner.find(Output(run.stdout + run.stderr), "/?q=Nightjar")
            suite.check(not found, f"as {who}, les files unreadable: no restricted data", found)
            suite.log(f"as {who} with the les directory readable but its files not: exit {run.returncode}, "
                      f"{(run.stdout.splitlines() or [''])[0] or run.stderr.strip()!r} (informational)")
            os.chmod(les_dir, stat.S_IRWXU | stat.S_IRGRP | stat.S_IXGRP | stat.S_IROTH | stat.S_IXOTH)
            for name in os.listdir(les_dir):
                os.chmod(os.path.join(les_dir, name), 0o644)
    suite.finish()


if __name__ == "__main__":
    main()
