"""seclib.py - shared helpers for Lantern's security tests (tests/security).

The tests check the promise of docs/security.md: a caller without access to
`les` (law-enforcement sensitive) resources learns nothing about them - not
a hit, a title, a count, a facet value, a snippet, a spelling suggestion or
a completion.

What is here:

  * a corpus model that decides which resources are restricted from the
    corpus files alone (front matter, sidecars, records, transcripts,
    _defaults.yaml, .lanternignore; corpus/README.md), never from
    lantern's code, and derives the words that occur only in them;
  * Suite: a temp dir, copies of the binaries (a rebuild of the shared
    build tree cannot pull them away mid-test), index building, lanternd
    instances on free loopback ports, soft checks, exit 0/1/77;
  * an HTTP client that can bind the client socket to any loopback address
    (127.0.0.2 for the trusted-proxy tests);
  * comparison of two responses apart from timing fields, with a list of
    the differing fields, and a scan of a response for les data with the
    request's own echo removed.

python3 standard library plus PyYAML (/usr/bin/python3 has it); a missing
tool or PyYAML means exit 77 (skipped). LANTERN_KEEP_TMP=1 keeps the temp
dir. Every daemon started gets SIGKILL when the test process dies.
"""
import atexit
import contextlib
import ctypes
import fnmatch
import hashlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import traceback
import urllib.parse
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "pylib"))
from lantern_testkit import Checks, die_with_parent as _die_with_parent, free_port, listeners_on  # noqa: E402

try:
    import yaml
except ImportError:  # pragma: no cover - depends on the machine
    print("SKIP: PyYAML is not available to this python (use /usr/bin/python3)")
    sys.exit(77)

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE_DIR = os.environ.get("LANTERN_SOURCE_DIR") or os.path.dirname(os.path.dirname(HERE))
BUILD_DIR = os.environ.get("LANTERN_BUILD_DIR") or os.path.join(SOURCE_DIR, "build")
CORPUS_DIR = os.path.join(SOURCE_DIR, "corpus")
ASSETS_DIR = os.path.join(SOURCE_DIR, "query", "web")

# Distinctive words of the nine les resources (the brief of this suite).
# The tests also derive the les-only words from the files themselves.
CODEWORDS = ["Nightjar", "Tamarack", "Glasswing", "MERGANSER", "Bittern",
             "Larkspur", "Kittiwake", "Whimbrel", "Phalarope"]

FACET_FIELDS = ["agency_type", "agency_size", "resource_level", "type", "topic",
                "audience", "delivery", "language", "publisher"]
# facet name -> metadata key in the corpus files
FACET_KEYS = {"topic": "topics"}
ALLOWS_ALL = {"agency_type", "agency_size", "resource_level"}

os.environ.pop("LANTERN_INDEX", None)  # never let the environment pick an index

# ====================================================================== corpus model

RESOURCE_EXTENSIONS = (".md", ".markdown", ".txt", ".text")
WORD = re.compile(r"[a-z][a-z0-9]*")


def load_yaml_text(text):
    """Every scalar as a string (so 2023-06 stays a string)."""
    data = yaml.load(text, Loader=yaml.BaseLoader)
    return data if isinstance(data, dict) else {}


def read_text(path):
    with open(path, encoding="utf-8", errors="replace") as handle:
        return handle.read()


def split_front_matter(text):
    """(metadata, body) of a file that may start with a --- block."""
    text = text.lstrip("\ufeff")
    lines = text.split("\n")
    if not lines or lines[0].rstrip() != "---":
        return {}, text
    for number in range(1, len(lines)):
        if lines[number].rstrip() in ("---", "..."):
            return load_yaml_text("\n".join(lines[1:number])), "\n".join(lines[number + 1:])
    return {}, text


def is_null(value):
    return value is None or (isinstance(value, str) and value.strip() in ("", "~", "null", "Null", "NULL"))


def values_of(value):
    if is_null(value):
        return []
    items = value if isinstance(value, list) else [value]
    return [str(item).strip() for item in items if not is_null(item)]


class Resource:
    """One resource of a corpus folder, as the corpus rules define it."""

    def __init__(self, path, files, own, defaults, text):
        self.path = path            # relative path of the main file
        self.files = files          # every file that belongs to it (relative)
        self.own = own              # its own metadata
        self.meta = dict(defaults)  # defaults, then its own values win
        # (an empty/null value of its own means "not set": the default stays)
        self.meta.update({k: v for k, v in own.items() if not is_null(v)})
        self.text = text            # everything it is made of, raw

    @property
    def access(self):
        labels = values_of(self.meta.get("access"))
        return labels[0].strip().lower() if labels else "public"

    @property
    def restricted(self):
        return self.access != "public"

    @property
    def title(self):
        return str(self.meta.get("title") or "")

    def facet_values(self, field, vocabulary):
        key = FACET_KEYS.get(field, field)
        values = values_of(self.meta.get(key))
        if field == "language" and not values:
            values = ["en"]
        if field in ALLOWS_ALL and "all" in values:
            return sorted(vocabulary.get(key, {}).keys())
        return sorted(set(values))

    def __repr__(self):
        return f"<Resource {self.path} access={self.access}>"


def ignore_patterns(root):
    path = os.path.join(root, ".lanternignore")
    patterns = []
    if os.path.exists(path):
        for line in read_text(path).splitlines():
            line = line.strip()
            if line and not line.startswith("#"):
                patterns.append(line)
    return patterns


def ignored(relative, patterns):
    name = os.path.basename(relative)
    for pattern in patterns:
        pattern = pattern.rstrip("/")
        if pattern.startswith("/"):
            if fnmatch.fnmatch(relative, pattern[1:]):
                return True
        elif fnmatch.fnmatch(name, pattern) or fnmatch.fnmatch(relative, pattern):
            return True
    return False


def read_corpus(root):
    """Every resource of the corpus folder `root`, sorted by path."""
    patterns = ignore_patterns(root)
    resources = []
    defaults_by_dir = {}
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith("."))
        relative_dir = os.path.relpath(directory, root)
        relative_dir = "" if relative_dir == "." else relative_dir
        parent = os.path.dirname(relative_dir) if relative_dir else None
        defaults = dict(defaults_by_dir.get(parent, {})) if parent is not None else {}
        if "_defaults.yaml" in names:
            defaults.update(load_yaml_text(read_text(os.path.join(directory, "_defaults.yaml"))))
        defaults_by_dir[relative_dir] = defaults
        names = sorted(n for n in names if not n.startswith("."))
        present = set(names)

        def rel(name):
            return os.path.join(relative_dir, name) if relative_dir else name

        # A record's transcript is part of the record, not a resource.
        transcripts = {}
        for name in names:
            if name.endswith((".yaml", ".yml")) and name != "_defaults.yaml":
                base = name[: -5 if name.endswith(".yaml") else -4]
                if base in present:
                    continue  # a sidecar
                if not relative_dir and name in ("schema.yaml", "synonyms.yaml"):
                    continue
                record = load_yaml_text(read_text(os.path.join(directory, name)))
                transcript = record.get("transcript")
                if not is_null(transcript) and str(transcript) in present:
                    transcripts[str(transcript)] = name
        for name in names:
            relative = rel(name)
            if name == "_defaults.yaml" or ignored(relative, patterns) or name in transcripts:
                continue
            if not relative_dir and name in ("schema.yaml", "synonyms.yaml"):
                continue
            full = os.path.join(directory, name)
            if name.endswith((".yaml", ".yml")):
                base = name[: -5 if name.endswith(".yaml") else -4]
                if base in present:
                    continue  # the sidecar of `base`
                text = read_text(full)
                own = load_yaml_text(text)
                files = [relative]
                transcript = own.get("transcript")
                if not is_null(transcript) and str(transcript) in present:
                    files.append(rel(str(transcript)))
                    text += "\n" + read_text(os.path.join(directory, str(transcript)))
                resources.append(Resource(relative, files, own, defaults, text))
            elif name.lower().endswith(RESOURCE_EXTENSIONS):
                text = read_text(full)
                files = [relative]
                if name + ".yaml" in present:
                    sidecar = read_text(os.path.join(directory, name + ".yaml"))
                    own = load_yaml_text(sidecar)
                    files.append(rel(name + ".yaml"))
                    text = sidecar + "\n" + text
                else:
                    own, _ = split_front_matter(text)
                resources.append(Resource(relative, files, own, defaults, text))
    resources.sort(key=lambda r: r.path)
    return resources


def words_of(text):
    return set(WORD.findall(text.lower()))


def schema_vocabulary(root):
    schema = load_yaml_text(read_text(os.path.join(root, "schema.yaml")))
    vocabulary = schema.get("vocabulary") or schema.get("vocabularies") or {}
    return {k: (v if isinstance(v, dict) else {}) for k, v in vocabulary.items()} if isinstance(vocabulary, dict) else {}


def synonym_groups(root):
    path = os.path.join(root, "synonyms.yaml")
    if not os.path.exists(path):
        return []
    data = load_yaml_text(read_text(path))
    groups = data.get("synonyms") or []
    return [[str(item) for item in group] for group in groups if isinstance(group, list)]


class CorpusModel:
    """The corpus split into public and restricted resources, and the words
    that only restricted resources contain."""

    def __init__(self, root):
        self.root = root
        self.resources = read_corpus(root)
        self.public = [r for r in self.resources if not r.restricted]
        self.restricted = [r for r in self.resources if r.restricted]
        self.vocabulary = schema_vocabulary(root)
        self.synonyms = synonym_groups(root)
        public_words = set()
        for resource in self.public:
            public_words |= words_of(resource.text)
        restricted_words = set()
        for resource in self.restricted:
            restricted_words |= words_of(resource.text)
        self.public_words = public_words
        # Words the service itself may print (schema labels, synonyms, the
        # page and its scripts, the OpenSearch description): not evidence of
        # a leak when they appear in an answer.
        service_words = set()
        for name in ("schema.yaml", "synonyms.yaml"):
            path = os.path.join(root, name)
            if os.path.exists(path):
                service_words |= words_of(read_text(path))
        if os.path.isdir(ASSETS_DIR):
            for name in os.listdir(ASSETS_DIR):
                service_words |= words_of(read_text(os.path.join(ASSETS_DIR, name)))
        # ... and everything lantern's own code says (JSON keys, messages).
        for folder in ("query", os.path.join("query", "daemon")):
            path = os.path.join(SOURCE_DIR, folder)
            for name in sorted(os.listdir(path)) if os.path.isdir(path) else []:
                if name.endswith((".c", ".h")):
                    service_words |= words_of(" ".join(re.findall(r'"((?:[^"\\\n]|\\.)*)"',
                                                                  read_text(os.path.join(path, name)))))
        self.service_words = service_words
        self.restricted_only_words = sorted(restricted_words - public_words)
        # What a leak scan looks for: restricted-only words no part of the
        # service prints either.
        self.scan_words = sorted(w for w in self.restricted_only_words
                                 if w not in service_words and len(w) >= 4)

    def words_by_resource(self):
        """{restricted resource path: its restricted-only words}"""
        out = {}
        only = set(self.restricted_only_words)
        for resource in self.restricted:
            out[resource.path] = sorted(words_of(resource.text) & only)
        return out

    def facet_counts(self, resources):
        """{field: {value: count}} over `resources`, per the corpus rules."""
        counts = {}
        for field in FACET_FIELDS:
            per = {}
            for resource in resources:
                for value in resource.facet_values(field, self.vocabulary):
                    per[value] = per.get(value, 0) + 1
            counts[field] = per
        return counts


def set_front_matter(path, key, value):
    """Sets `key: value` in a Markdown file's front matter (replacing the key)."""
    with open(path, encoding="utf-8") as handle:
        lines = handle.read().split("\n")
    end = next(i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "..."))
    front = [line for line in lines[1:end] if not re.match(re.escape(key) + r"\s*:", line)]
    lines = [lines[0]] + front + [f"{key}: {value}"] + lines[end:]
    with open(path + ".tmp", "w", encoding="utf-8") as handle:
        handle.write("\n".join(lines))
    os.replace(path + ".tmp", path)


def copy_corpus_without(source, target, resources):
    """Copies corpus folder `source` to `target` without the files of
    `resources` (their main files, sidecars and transcripts)."""
    shutil.copytree(source, target)
    for resource in resources:
        for relative in resource.files:
            os.remove(os.path.join(target, relative))


# ====================================================================== HTTP

class Response:
    def __init__(self, status, reason, headers, body):
        self.status = status
        self.reason = reason
        self.header_list = list(headers)
        self.body = body

    @property
    def headers(self):
        return {k.lower(): v for k, v in self.header_list}

    def header(self, name, default=None):
        return self.headers.get(name.lower(), default)

    @property
    def content_type(self):
        return self.header("Content-Type", "")

    @property
    def text(self):
        return self.body.decode("utf-8", "replace")

    def json(self):
        return json.loads(self.body.decode("utf-8"))

    def __repr__(self):
        body = self.body[:300]
        return f"<{self.status} {self.content_type!r} {body!r}{'...' if len(self.body) > 300 else ''}>"


# Every request names the same host, so that answers built from the Host
# header (/opensearch.xml) do not differ by port between two daemons.
HOST_HEADER = "lantern.test"


def http_request(port, method, path, headers=None, source=None, timeout=15, host="127.0.0.1"):
    """One request on a new connection. `headers` is a list of (name, value)
    (values may be bytes); `source` binds the client socket to that address."""
    connection = http.client.HTTPConnection(host, port, timeout=timeout,
                                            source_address=(source, 0) if source else None)
    try:
        connection.putrequest(method, path, skip_host=True, skip_accept_encoding=True)
        connection.putheader("Host", HOST_HEADER)
        for name, value in headers or []:
            connection.putheader(name, value)
        connection.endheaders()
        response = connection.getresponse()
        data = response.read()
        return Response(response.status, response.reason, response.getheaders(), data)
    finally:
        connection.close()


def url(path, params=None):
    """path?params with the parameters percent-encoded (a list of pairs keeps order)."""
    if not params:
        return path
    return path + "?" + urllib.parse.urlencode(params, quote_via=urllib.parse.quote)


# ====================================================================== comparison

TIMING_KEYS = {"processingTimeMs"}
# Headers that legitimately differ between two servers answering the same.
VOLATILE_HEADERS = {"date", "content-length"}


def strip_timing(value):
    if isinstance(value, dict):
        return {k: strip_timing(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [strip_timing(v) for v in value]
    return value


def metrics_without_timing(text):
    """Prometheus text without histogram series and *_seconds metrics."""
    histograms = set()
    for line in text.splitlines():
        parts = line.split()
        if len(parts) == 4 and parts[:2] == ["#", "TYPE"] and parts[3] == "histogram":
            histograms.add(parts[2])
    kept = []
    for line in text.splitlines():
        name = line.split()[2] if line.startswith("# ") and len(line.split()) > 2 else re.split(r"[{\s]", line, 1)[0]
        base = re.sub(r"_(bucket|sum|count)$", "", name)
        if name in histograms or base in histograms or "_seconds" in name:
            continue
        kept.append(line)
    return "\n".join(kept)


def normalized_body(response):
    """The body with timing removed: parsed JSON, filtered metrics text, or bytes."""
    kind = response.content_type.split(";")[0].strip()
    if kind in ("application/json", "application/problem+json") and response.body:
        try:
            return strip_timing(response.json())
        except ValueError:
            return response.body
    if kind == "text/plain" and b"lantern_" in response.body:
        return metrics_without_timing(response.text)
    return response.body


def json_differences(a, b, path="$", out=None, limit=12):
    """Paths where two JSON values differ, with short renderings of both."""
    out = [] if out is None else out
    if len(out) >= limit:
        return out
    if type(a) is not type(b):
        out.append((path, a, b))
    elif isinstance(a, dict):
        if list(a.keys()) != list(b.keys()) and set(a.keys()) == set(b.keys()):
            out.append((path + " (key order)", list(a.keys()), list(b.keys())))
        for key in list(a.keys()) + [k for k in b.keys() if k not in a]:
            if key not in a or key not in b:
                out.append((f"{path}.{key}", a.get(key, "<absent>"), b.get(key, "<absent>")))
            else:
                json_differences(a[key], b[key], f"{path}.{key}", out, limit)
    elif isinstance(a, list):
        if len(a) != len(b):
            out.append((path + " (length)", len(a), len(b)))
        for i, (x, y) in enumerate(zip(a, b)):
            json_differences(x, y, f"{path}[{i}]", out, limit)
    elif a != b:
        out.append((path, a, b))
    return out


def short(value, size=160):
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False) \
        if not isinstance(value, bytes) else repr(value)
    return text if len(text) <= size else text[:size] + "..."


def compare_responses(a, b, ignore_headers=()):
    """[] when the two responses are the same apart from timing, else a list
    of human-readable differences."""
    problems = []
    if a.status != b.status:
        problems.append(f"status {a.status} != {b.status}")
    skip = VOLATILE_HEADERS | {h.lower() for h in ignore_headers}
    ha = sorted((k.lower(), v) for k, v in a.header_list if k.lower() not in skip)
    hb = sorted((k.lower(), v) for k, v in b.header_list if k.lower() not in skip)
    if ha != hb:
        problems.append(f"headers differ: only first {sorted(set(ha) - set(hb))}, "
                        f"only second {sorted(set(hb) - set(ha))}")
    for response in (a, b):
        length = response.header("Content-Length")
        if length is not None and int(length) != len(response.body) and response.body:
            problems.append(f"Content-Length {length} but {len(response.body)} bytes")
    na, nb = normalized_body(a), normalized_body(b)
    if na != nb:
        if isinstance(na, (dict, list)) and isinstance(nb, (dict, list)):
            for where, x, y in json_differences(na, nb):
                problems.append(f"body {where}: {short(x)} != {short(y)}")
        elif isinstance(na, str) and isinstance(nb, str):
            la, lb = na.splitlines(), nb.splitlines()
            problems.append(f"body lines only first: {[l for l in la if l not in lb][:6]}, "
                            f"only second: {[l for l in lb if l not in la][:6]}")
        else:
            problems.append(f"body {short(na)} != {short(nb)}")
    return problems


# ====================================================================== leak scan

class LeakScanner:
    """Finds restricted data in an answer, after removing what the request
    itself sent (queries and ids are echoed back, which is not a leak)."""

    def __init__(self, model, ids=()):
        self.words = set(model.scan_words) | {w.lower() for w in CODEWORDS
                                              if w.lower() not in model.public_words}
        self.ids = sorted(set(ids), key=len, reverse=True)
        self.titles = sorted({r.title for r in model.restricted if r.title}, key=len, reverse=True)

    @staticmethod
    def echoes(path_with_query, headers=()):
        parsed = urllib.parse.urlsplit(path_with_query)
        path = urllib.parse.unquote(parsed.path)
        pieces = [path]
        for prefix in ("/api/doc/", "/api/related/"):
            if path.startswith(prefix):
                pieces.append(path[len(prefix):])
        for key, value in urllib.parse.parse_qsl(parsed.query, keep_blank_values=True):
            pieces += [key, value]
        for _, value in headers:
            pieces.append(value.decode("latin-1") if isinstance(value, bytes) else value)
        return [p for p in pieces if p]

    @staticmethod
    def without(text, echoes):
        """`text` with every echo (as sent, or JSON-escaped) blanked out."""
        for piece in sorted(echoes, key=len, reverse=True):
            for form in {piece, json.dumps(piece, ensure_ascii=False)[1:-1]}:
                text = text.replace(form, " ")
        return text

    def find(self, response, path_with_query, headers=()):
        """A list of restricted things found in the response."""
        text = response.text
        try:
            # Compare on the decoded text: JSON escapes (\u00e9, \/) differ from the request.
            text = json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            pass
        echoes = self.echoes(path_with_query, headers)
        text = self.without(text, echoes)
        # A word the caller sent may come back in another place too (a
        # "did you mean" keeps the words it does not correct).
        sent = words_of(" ".join(echoes))
        for _, value in response.header_list:
            text += "\n" + value
        found = []
        lowered = text.lower()
        for identifier in self.ids:
            if identifier.lower() in lowered:
                found.append(f"id {identifier}")
        for title in self.titles:
            if title.lower() in lowered:
                found.append(f"title {title!r}")
        for word in (set(WORD.findall(lowered)) & self.words) - sent:
            found.append(f"word {word!r}")
        return sorted(found)


# ====================================================================== the suite

class Daemon:
    def __init__(self, suite, index, config_text=None, name="lanternd"):
        self.suite = suite
        self.index = index
        self.name = name
        self.proc = None
        self.port = None
        number = sum(1 for d in suite.daemons if d.name.startswith(name)) + 1
        self.name = f"{name}-{number}"
        self.config = os.path.join(suite.tmp, f"{self.name}.yaml")
        with open(self.config, "w") as handle:
            handle.write(f"index: {index}\nassets: {ASSETS_DIR}\n")
            handle.write(config_text or "")
        self.stderr_path = os.path.join(suite.tmp, f"{self.name}.err")
        suite.daemons.append(self)

    def start(self, timeout=15):
        for _ in range(5):
            self.port = free_port()
            argv = [self.suite.lanternd, "--config", self.config, "--listen", f"127.0.0.1:{self.port}"]
            with open(self.stderr_path, "ab") as err:
                self.proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=err,
                                             stdin=subprocess.DEVNULL, preexec_fn=_die_with_parent,
                                             cwd=self.suite.tmp)
            deadline = time.monotonic() + timeout
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"{self.name} exited with {self.proc.returncode}:\n{self.stderr()}")
                try:
                    with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                        break
                except OSError:
                    time.sleep(0.03)
            else:
                raise RuntimeError(f"{self.name} did not listen in {timeout} s:\n{self.stderr()}")
            if listeners_on(self.port) > 1:
                self.kill()   # someone else has the port too (SO_REUSEPORT)
                continue
            return self
        raise RuntimeError(f"{self.name}: no port of its own")

    def request(self, method, path, headers=None, source=None, timeout=15):
        return http_request(self.port, method, path, headers, source, timeout)

    def get(self, path, headers=None, source=None):
        return self.request("GET", path, headers, source)

    def stderr(self):
        try:
            return read_text(self.stderr_path)
        except OSError:
            return ""

    def kill(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.kill()


class Suite:
    """Soft checks: a failed check is recorded and the test goes on, so one
    run lists every problem; finish() exits 1 if any failed."""

    def __init__(self, name):
        self.name = name
        self.started = time.monotonic()
        self.failures = []
        self.checks = 0
        self.daemons = []
        self.tmp = tempfile.mkdtemp(prefix=f"lantern-{name}.", dir=os.environ.get("TMPDIR"))
        atexit.register(self._cleanup)
        for number in (signal.SIGTERM, signal.SIGINT):
            signal.signal(number, lambda n, f: sys.exit(128 + n))
        self.lanternd = self._snapshot(os.path.join(BUILD_DIR, "query", "lanternd"))
        self.indexer = self._snapshot(os.path.join(BUILD_DIR, "indexer", "lantern-index"))
        self.search = self._snapshot(os.path.join(BUILD_DIR, "query", "lantern-search"))

    def _snapshot(self, binary):
        for _ in range(60):  # a concurrent rebuild may have it missing for a moment
            if os.access(binary, os.X_OK):
                break
            time.sleep(1)
        else:
            self.skip(f"no binary at {binary} (build first)")
        copy = os.path.join(self.tmp, os.path.basename(binary))
        for _ in range(10):
            try:
                shutil.copy2(binary, copy)
                if subprocess.run([copy, "--version"], capture_output=True, timeout=20).returncode == 0:
                    return copy
            except (OSError, subprocess.SubprocessError):
                pass
            time.sleep(2)
        self.fatal(f"cannot run {binary} (being rebuilt?)")

    def _cleanup(self):
        for daemon in self.daemons:
            daemon.kill()
        if os.environ.get("LANTERN_KEEP_TMP"):
            print(f"[{self.name}] kept {self.tmp}")
        else:
            shutil.rmtree(self.tmp, ignore_errors=True)

    # ------------------------------------------------------------ outcomes
    def log(self, message):
        print(f"[{self.name} {time.monotonic() - self.started:6.1f}s] {message}", flush=True)

    def check(self, condition, message, detail=None):
        self.checks += 1
        if not condition:
            self.failures.append(message)
            print(f"FAIL: {message}", flush=True)
            if detail:
                for line in (detail if isinstance(detail, list) else [detail]):
                    print(f"      {line}", flush=True)
        return bool(condition)

    def eq(self, expected, actual, message):
        return self.check(expected == actual, message, f"expected {short(expected, 400)}, got {short(actual, 400)}")

    @contextlib.contextmanager
    def section(self, title):
        self.log(f"-- {title}")
        try:
            yield
        except Exception as error:  # a broken section must not hide the others
            self.check(False, f"{title}: raised {type(error).__name__}: {error}",
                       traceback.format_exc().splitlines())

    def skip(self, reason):
        print(f"SKIP: {reason}")
        sys.exit(77)

    def fatal(self, reason):
        print(f"FAIL: {reason}")
        sys.exit(1)

    def finish(self):
        elapsed = time.monotonic() - self.started
        if self.failures:
            print(f"[{self.name}] {len(self.failures)} of {self.checks} checks FAILED in {elapsed:.1f} s:")
            for failure in self.failures:
                print(f"  - {failure}")
            sys.exit(1)
        print(f"[{self.name}] all {self.checks} checks passed in {elapsed:.1f} s")
        sys.exit(0)

    # ------------------------------------------------------------ tools
    def run(self, argv, **kwargs):
        kwargs.setdefault("capture_output", True)
        kwargs.setdefault("text", True)
        kwargs.setdefault("timeout", 120)
        return subprocess.run(argv, **kwargs)

    def build_index(self, corpus, name, jobs=1, allowed=(0,)):
        """Indexes `corpus`. One worker by default: with several, the
        Xapian document numbers depend on thread scheduling, and so do some
        snippets (see README.md), which would make two builds differ."""
        index = os.path.join(self.tmp, name)
        argv = [self.indexer, "--no-sync", "--quiet", "--index", index]
        if jobs:
            argv += ["--jobs", str(jobs)]
        result = self.run(argv + [corpus])
        self.last_index_output = result.stdout + result.stderr
        if result.returncode not in allowed:
            self.fatal(f"lantern-index {corpus} failed ({result.returncode}):\n{result.stdout}{result.stderr}")
        return index

    def index_summary(self):
        """The last indexer run's summary line and its first errors, for the log."""
        lines = self.last_index_output.strip().splitlines()
        summary = [line for line in lines if line.startswith("added ")]
        errors = [line for line in lines if ": error: " in line][:3]
        return " | ".join(summary + errors)

    def daemon(self, index, config_text=None, name="lanternd"):
        return Daemon(self, index, config_text, name).start()

    def hash_token(self, token):
        result = self.run([self.lanternd, "--hash-token"], input=token + "\n")
        match = re.match(r"sha256: ([0-9a-f]{64})$", result.stdout.strip())
        if result.returncode != 0 or not match:
            self.fatal(f"lanternd --hash-token gave {result.returncode}: {result.stdout!r} {result.stderr!r}")
        expected = hashlib.sha256(token.encode()).hexdigest()
        self.eq(expected, match.group(1), "lanternd --hash-token prints the SHA-256 of the token")
        return match.group(1)

    def index_ids(self, index, access):
        """{path: id} of every resource in the partitions `access` (the CLI)."""
        result = self.run([self.search, "--index", index, "--access", access, "--limit", "1000",
                           "--format", "json"])
        if result.returncode not in (0, 1):
            self.fatal(f"lantern-search --access {access} failed ({result.returncode}): {result.stderr}")
        response = json.loads(result.stdout)
        return {hit["path"]: hit["id"] for hit in response["hits"]}


def new_token():
    """A well-formed random token (base64url, 43 characters)."""
    import base64
    return base64.urlsafe_b64encode(os.urandom(32)).decode().rstrip("=")


def prepare(suite, need_b=True):
    """The corpus model; index A (the corpus) and, if asked, index B (the
    corpus without its restricted resources); the ids of the restricted
    resources, cross-checked with the indexer's partitions."""
    model = CorpusModel(CORPUS_DIR)
    suite.check(len(model.restricted) > 0, "the corpus model finds restricted resources")
    suite.log(f"corpus: {len(model.resources)} resources, {len(model.restricted)} restricted: "
              + ", ".join(r.path for r in model.restricted))
    index_a = suite.build_index(CORPUS_DIR, "index-A")
    index_b = None
    if need_b:
        corpus_b = os.path.join(suite.tmp, "corpus-B")
        copy_corpus_without(CORPUS_DIR, corpus_b, model.restricted)
        index_b = suite.build_index(corpus_b, "index-B")
        model_b = CorpusModel(corpus_b)
        suite.eq([r.path for r in model.public], [r.path for r in model_b.resources],
                 "corpus B holds exactly the public resources of corpus A")
    ids_public = suite.index_ids(index_a, "public")
    ids_les = suite.index_ids(index_a, "les")
    suite.eq(sorted(r.path for r in model.restricted), sorted(ids_les),
             "the indexer's les partition holds exactly the resources the corpus files mark les")
    suite.eq(sorted(r.path for r in model.public), sorted(ids_public),
             "the indexer's public partition holds exactly the public resources")
    for resource in model.restricted:
        resource.id = ids_les.get(resource.path)
    for resource in model.public:
        resource.id = ids_public.get(resource.path)
    return model, index_a, index_b
