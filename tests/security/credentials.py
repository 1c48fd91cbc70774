#!/usr/bin/python3
"""credentials.py - refused credentials are refused, everywhere, and say nothing.

A forged token (well-formed, unknown), an expired token (expires:
2020-01-01, and yesterday), and malformed Authorization headers (another
scheme, no token, too short, bad characters, 10 KB, ...) get 401 with
application/problem+json and a WWW-Authenticate header on every endpoint -
never a silent fallback to anonymous, never les data, never the presented
token echoed. A token that expires today still works (until the end of the
day, UTC). Invalid token settings make the configuration invalid.
"""
import datetime
import hashlib
import os
import signal
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seclib  # noqa: E402


def main():
    suite = seclib.Suite("security_credentials")
    model, index_a, _ = seclib.prepare(suite, need_b=False)
    restricted_ids = [r.id for r in model.restricted if r.id]
    scanner = seclib.LeakScanner(model, restricted_ids)

    now = datetime.datetime.now(datetime.timezone.utc)
    near_midnight = now.hour == 23 and now.minute >= 58
    today = now.date()
    tokens = {name: seclib.new_token() for name in ("valid", "expired", "yesterday", "today", "future")}
    expiry = {"expired": "2020-01-01", "yesterday": (today - datetime.timedelta(days=1)).isoformat(),
              "today": today.isoformat(), "future": "2999-12-31"}
    config = "tokens:\n"
    for name, token in tokens.items():
        config += f"  - name: {name}\n    sha256: {suite.hash_token(token)}\n    labels: [public, les]\n"
        if name in expiry:
            config += f"    expires: {expiry[name]}\n"
    daemon = suite.daemon(index_a, config, name="A-tokens")

    valid = tokens["valid"]
    digest = hashlib.sha256(valid.encode()).hexdigest()
    changed = valid[:-1] + ("A" if valid[-1] != "A" else "B")
    refused = [
        ("forged (random, well-formed)", "Bearer " + seclib.new_token()),
        ("forged (valid token, last character changed)", "Bearer " + changed),
        ("forged (valid token, upper case)", "Bearer " + valid.upper() if valid.upper() != valid else "Bearer X" + valid),
        ("forged (the sha256 from the config as the token)", "Bearer " + digest),
        ("forged (valid token twice)", "Bearer " + valid + valid),
        ("expired 2020-01-01", "Bearer " + tokens["expired"]),
        ("malformed: Basic scheme", "Basic dXNlcjpwYXNzd29yZA=="),
        ("malformed: another scheme with the valid token", "Token " + valid),
        ("malformed: no scheme, the valid token alone", valid),
        ("malformed: Bearer without a token", "Bearer"),
        ("malformed: Bearer and spaces", "Bearer     "),
        ("malformed: empty", ""),
        ("malformed: short (15 characters)", "Bearer " + "a" * 15),
        ("malformed: short (3 characters)", "Bearer abc"),
        ("malformed: bad characters ($%*)", "Bearer abc$%*defghijklmnopqr"),
        ("malformed: a space inside", "Bearer abcdefghij klmnopqrst"),
        ("malformed: comma and quote", 'Bearer "abcdefghijklmnop",x'),
        ("malformed: non-ASCII", ("Bearer " + "\u00e9" * 20).encode("utf-8")),
        ("malformed: valid token plus extra words", "Bearer " + valid + " extra"),
        ("malformed: two spaces before the token", "Bearer  " + valid),
        ("malformed: 257 characters", "Bearer " + "A" * 257),
        ("malformed: 10 KB", "Bearer " + "A" * 10240),
    ]
    if not near_midnight:
        refused.append(("expired yesterday", "Bearer " + tokens["yesterday"]))

    probes = [
        ("GET", seclib.url("/api/search", [("q", "Nightjar")])),
        ("GET", seclib.url("/api/search", [("q", ""), ("facets", "*"), ("limit", "100")])),
        ("GET", "/api/doc/" + restricted_ids[0]),
        ("GET", "/api/related/" + restricted_ids[0]),
        ("GET", seclib.url("/api/suggest", [("q", "Nightj")])),
        ("GET", seclib.url("/api/suggest", [("q", "Nightj"), ("format", "opensearch")])),
        ("GET", "/api/facets"),
        ("GET", "/healthz"),
        ("GET", "/metrics"),
        ("GET", "/opensearch.xml"),
        ("GET", "/"),
        ("GET", "/no/such/endpoint"),
        ("HEAD", seclib.url("/api/search", [("q", "Phalarope")])),
    ]

    with suite.section("refused credentials answer 401 on every endpoint"):
        for what, value in refused:
            bodies = set()
            for method, path in probes:
                answer = daemon.request(method, path, [("Authorization", value)])
                where = f"{what}: {method} {path}"
                suite.eq(401, answer.status, f"{where} answers 401")
                suite.check(answer.content_type.startswith("application/problem+json"),
                            f"{where} is application/problem+json", f"got {answer.content_type!r}")
                suite.eq('Bearer realm="lantern"', answer.header("WWW-Authenticate"),
                         f"{where} has WWW-Authenticate")
                suite.eq("no-store", answer.header("Cache-Control"), f"{where} is not cached")
                found = scanner.find(answer, path)
                suite.check(not found, f"{where} shows no restricted data", found)
                shown = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
                token_part = shown.split()[-1] if shown.split() else ""
                if len(token_part) >= 8:
                    suite.check(token_part not in answer.text and token_part[:16] not in answer.text,
                                f"{where} does not echo the presented credentials")
                if method == "GET":
                    try:
                        problem = answer.json()
                    except ValueError:
                        suite.check(False, f"{where} body is JSON", seclib.short(answer.text))
                        continue
                    suite.eq(["detail", "status", "title", "type"], sorted(problem),
                             f"{where} is a problem document (type, title, status, detail)")
                    suite.eq(401, problem.get("status"), f"{where}: problem status 401")
                    bodies.add(answer.body)
            suite.eq(1, len(bodies), f"{what}: the same answer on every endpoint (nothing endpoint-specific)")

    with suite.section("good credentials work, and are not a fallback"):
        for name in ("valid", "future") + (("today",) if not near_midnight else ()):
            answer = daemon.get(seclib.url("/api/search", [("q", "Nightjar")]),
                                [("Authorization", "Bearer " + tokens[name])])
            suite.eq(200, answer.status, f"token '{name}' ({expiry.get(name, 'no expiry')}) works")
            if answer.status == 200:
                body = answer.json()
                suite.eq({"identity": name, "labels": ["public", "les"]}, body.get("access"),
                         f"token '{name}': the access is reported")
                suite.check(body["totalHits"] >= 1, f"token '{name}' finds Nightjar")
        lower = daemon.get(seclib.url("/api/search", [("q", "Nightjar")]), [("Authorization", "bearer " + valid)])
        suite.eq(200, lower.status, "the scheme is case-insensitive (RFC 7235): 'bearer TOKEN' works")
        anonymous = daemon.get(seclib.url("/api/search", [("q", "Nightjar")]))
        suite.eq(0, anonymous.json()["totalHits"], "without Authorization the same daemon finds nothing")
        # Two Authorization headers: the first one decides; a forged first one is refused.
        first_forged = daemon.get("/api/doc/" + restricted_ids[0],
                                  [("Authorization", "Bearer " + seclib.new_token()),
                                   ("Authorization", "Bearer " + valid)])
        suite.check(first_forged.status in (400, 401),
                    "a forged Authorization followed by a valid one is refused",
                    f"got {first_forged.status}")
        found = scanner.find(first_forged, "/api/doc/" + restricted_ids[0])
        suite.check(not found, "... and shows no restricted data", found)
        first_valid = daemon.get("/api/doc/" + restricted_ids[0],
                                 [("Authorization", "Bearer " + valid),
                                  ("Authorization", "Bearer " + seclib.new_token())])
        suite.log(f"a valid Authorization followed by a forged one answers {first_valid.status} "
                  "(informational)")
        # No tokens configured at all: a token is still refused, not ignored.
        plain = suite.daemon(index_a, None, name="A-no-tokens")
        answer = plain.get("/api/search?q=Nightjar", [("Authorization", "Bearer " + valid)])
        suite.eq(401, answer.status, "with no tokens configured, a Bearer token is refused (not ignored)")
        plain.stop()

    with suite.section("the 401s are counted, and the daemon still serves"):
        metrics = daemon.get("/metrics").text
        suite.check('status="401"' in metrics, "/metrics counts the refused requests")
        suite.eq(200, daemon.get("/healthz").status, "the daemon still answers after the refused requests")

    with suite.section("revoking a token with a reload (SIGHUP)"):
        keep, revoke = seclib.new_token(), seclib.new_token()
        entries = {name: suite.hash_token(token) for name, token in (("keep", keep), ("revoke", revoke))}

        def config_with(names):
            text = "tokens:\n"
            for name in names:
                text += f"  - name: {name}\n    sha256: {entries[name]}\n    labels: [public, les]\n"
            return text

        rotating = suite.daemon(index_a, config_with(["keep", "revoke"]), name="A-rotate")
        probe = "/api/doc/" + restricted_ids[0]

        def status_of(token):
            return rotating.get(probe, [("Authorization", "Bearer " + token)]).status

        def reload(text):
            with open(rotating.config, "w") as handle:
                handle.write(f"index: {index_a}\nassets: {seclib.ASSETS_DIR}\n" + text)
            rotating.proc.send_signal(signal.SIGHUP)

        def settles(token, expected):
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline:
                if status_of(token) == expected:
                    return True
                time.sleep(0.05)
            return False

        suite.eq(200, status_of(revoke), "before the reload the token to revoke works")
        reload("tokens: [ {name: broken, sha256: 123} ]\n")     # invalid: rejected, old config kept
        time.sleep(0.5)
        suite.eq(200, status_of(revoke), "an invalid configuration on reload is rejected; the old one stays")
        reload(config_with(["keep"]))
        suite.check(settles(revoke, 401), "after the reload without it, the revoked token gets 401")
        suite.eq(200, status_of(keep), "the token kept in the configuration still works")
        rotating.stop()

    with suite.section("bad token settings make the configuration invalid"):
        good = suite.hash_token("abcdefghijklmnopqrstuvwxyz")
        cases = [
            ("sha256 of 63 digits", f"tokens:\n  - name: t\n    sha256: {good[:-1]}\n    labels: [les]\n"),
            ("sha256 not hex", f"tokens:\n  - name: t\n    sha256: {'z' * 64}\n    labels: [les]\n"),
            ("no sha256", "tokens:\n  - name: t\n    labels: [les]\n"),
            ("a label in upper case", f"tokens:\n  - name: t\n    sha256: {good}\n    labels: [LES]\n"),
            ("a bad expiry date", f"tokens:\n  - name: t\n    sha256: {good}\n    labels: [les]\n    expires: 2020-13-01\n"),
            ("an unknown token setting", f"tokens:\n  - name: t\n    sha256: {good}\n    labels: [les]\n    admn: true\n"),
            ("trusted_header without proxies", "trusted_header:\n  name: X-Lantern-Access\n"),
        ]
        for what, text in cases:
            path = os.path.join(suite.tmp, "check.yaml")
            with open(path, "w") as handle:
                handle.write(f"index: {index_a}\n" + text)
            result = suite.run([suite.lanternd, "--config", path, "--check-config"])
            suite.eq(3, result.returncode, f"--check-config rejects {what}")
    daemon.stop()
    suite.finish()


if __name__ == "__main__":
    main()
