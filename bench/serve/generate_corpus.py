#!/usr/bin/env python3
"""Generates a large synthetic Lantern corpus for bench/serve.

    generate_corpus.py OUT_DIR [--docs N] [--source-dir CORPUS] [--scifact FILE]

Writes OUT_DIR/schema.yaml (and synonyms.yaml) copied from the repository's
corpus/, and N Markdown resources with YAML front matter in OUT_DIR/dNNN/
(1,000 per folder). Deterministic: the same sources and N give the same bytes.

- Text: spans of 12 to 40 consecutive words taken from the repository's
  corpus/ (its Markdown, text and transcript files, front matter left out) and,
  when present, the SciFact abstracts (corpus.jsonl of the shared corpora), half
  of the spans from each, so that the library's own queries ("child sex
  trafficking", "forensic interview") find plenty of documents among others.
  The draws use random.Random(seed) over the token streams.
- Metadata: type, agency_type, agency_size, resource_level, topics, audience
  and published come from SHA-256 of the document number alone, so the facet
  counts do not depend on the text sources or on Python's random module.
"""
import argparse
import hashlib
import json
import os
import random
import re
import shutil
import sys
import time

TYPES = ['policy', 'model-policy', 'best-practice', 'indicator-guide', 'training-course',
         'video', 'toolkit', 'awareness-material', 'report', 'legal-reference']
AGENCY_TYPES = ['rural', 'suburban', 'urban', 'tribal']
AGENCY_SIZES = ['small', 'mid-sized', 'large']
LEVELS = ['low', 'moderate', 'high']
TOPICS = ['child-sex-trafficking', 'missing-children', 'gangs', 'vice', 'drugs', 'organized-crime',
          'child-exploitation', 'online-exploitation', 'labor-trafficking', 'victim-services',
          'interviewing', 'information-sharing', 'indicators', 'investigations', 'prosecution',
          'runaway-youth', 'tribal-justice', 'fusion-centers', 'multidisciplinary-teams',
          'public-awareness']
AUDIENCES = ['frontline-officer', 'investigator', 'analyst', 'supervisor', 'executive', 'prosecutor',
             'victim-advocate', 'trainer']
PER_FOLDER = 1000
WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*[A-Za-z0-9]|[A-Za-z]")


def words_of(text):
    return WORD.findall(text)


def library_words(source_dir):
    """The words of corpus/'s bodies, in file order (sorted paths)."""
    out = []
    for root, dirs, files in os.walk(source_dir):
        dirs.sort()
        for name in sorted(files):
            if not (name.endswith('.md') or name.endswith('.txt')) or name == 'README.md':
                continue
            with open(os.path.join(root, name), encoding='utf-8') as handle:
                text = handle.read()
            if text.startswith('---\n'):
                end = text.find('\n---', 4)
                if end > 0:
                    text = text[end + 4:]
            out.extend(words_of(text))
    return out


def scifact_words(path, limit=400000):
    out = []
    with open(path, encoding='utf-8') as handle:
        for line in handle:
            record = json.loads(line)
            out.extend(words_of(record.get('title', '') + ' ' + record.get('text', '')))
            if len(out) >= limit:
                break
    return out


def pick_subset(values, bits):
    chosen = [v for i, v in enumerate(values) if bits >> i & 1]
    return chosen or [values[bits % len(values)]]


def metadata(number):
    """Front-matter fields of document `number`, from its hash alone."""
    h = hashlib.sha256(b'lantern-bench-serve %d' % number).digest()
    fields = {'type': TYPES[h[0] % len(TYPES)]}
    fields['agency_type'] = 'all' if h[1] % 5 == 0 else pick_subset(AGENCY_TYPES, h[2] % 16)
    fields['agency_size'] = 'all' if h[3] % 4 == 0 else pick_subset(AGENCY_SIZES, h[4] % 8)
    fields['resource_level'] = LEVELS[h[5] % 3]
    count = 1 + h[6] % 3
    fields['topics'] = sorted({TOPICS[h[7 + i] % len(TOPICS)] for i in range(count)}, key=TOPICS.index)
    count = 1 + h[10] % 2
    fields['audience'] = sorted({AUDIENCES[h[11 + i] % len(AUDIENCES)] for i in range(count)},
                                key=AUDIENCES.index)
    day = int.from_bytes(h[13:16], 'big') % (15 * 365)
    year, rest = 2010 + day // 365, day % 365
    fields['published'] = '%04d-%02d-%02d' % (year, 1 + rest // 31 % 12, 1 + rest % 28)
    return fields


def yaml_list(value):
    return value if isinstance(value, str) else '[' + ', '.join(value) + ']'


def quote(text):
    return '"' + text.replace('\\', '\\\\').replace('"', '\\"') + '"'


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n')[0])
    parser.add_argument('out')
    parser.add_argument('--docs', type=int, default=100000)
    here = os.path.dirname(os.path.abspath(__file__))
    parser.add_argument('--source-dir', default=os.path.join(here, '..', '..', 'corpus'))
    parser.add_argument('--scifact', default=None,
                        help='SciFact corpus.jsonl (default: $LANTERN_SHARED_DIR/corpora/scifact/corpus.jsonl '
                             'or /work/shared/corpora/scifact/corpus.jsonl, when present)')
    parser.add_argument('--seed', type=int, default=20240601)
    args = parser.parse_args()
    started = time.time()

    streams = [library_words(args.source_dir)]
    candidates = [args.scifact] if args.scifact else [
        os.path.join(os.environ.get('LANTERN_SHARED_DIR', os.path.join(here, '..', '..', '..', 'shared')),
                     'corpora', 'scifact', 'corpus.jsonl'),
        '/work/shared/corpora/scifact/corpus.jsonl']
    scifact = next((c for c in candidates if c and os.path.isfile(c)), None)
    if scifact:
        streams.append(scifact_words(scifact))
    if len(streams[0]) < 1000:
        sys.exit('generate_corpus.py: too little text in %s' % args.source_dir)

    os.makedirs(args.out, exist_ok=True)
    for name in ('schema.yaml', 'synonyms.yaml'):
        if os.path.isfile(os.path.join(args.source_dir, name)):
            shutil.copyfile(os.path.join(args.source_dir, name), os.path.join(args.out, name))

    rng = random.Random(args.seed)

    def span(low, high):
        stream = streams[rng.randrange(len(streams))]
        length = rng.randint(low, high)
        start = rng.randrange(len(stream) - length)
        return stream[start:start + length]

    total_bytes = 0
    for number in range(args.docs):
        folder = os.path.join(args.out, 'd%03d' % (number // PER_FOLDER))
        if number % PER_FOLDER == 0:
            os.makedirs(folder, exist_ok=True)
        fields = metadata(number)
        title_words = span(4, 9)
        title = ' '.join(title_words)
        title = title[0].upper() + title[1:]
        summary = ' '.join(span(12, 24)) + '.'
        paragraphs = []
        for _ in range(rng.randint(2, 5)):
            paragraphs.append(' '.join(span(12, 40)) + '.')
        text = ('---\n'
                'title: %s\n'
                'type: %s\n'
                'summary: %s\n'
                'agency_type: %s\n'
                'agency_size: %s\n'
                'resource_level: %s\n'
                'topics: %s\n'
                'audience: %s\n'
                'published: %s\n'
                '---\n\n# %s\n\n%s\n') % (
            quote(title), fields['type'], quote(summary), yaml_list(fields['agency_type']),
            yaml_list(fields['agency_size']), fields['resource_level'], yaml_list(fields['topics']),
            yaml_list(fields['audience']), fields['published'], title, '\n\n'.join(paragraphs))
        data = text.encode('utf-8')
        total_bytes += len(data)
        with open(os.path.join(folder, 'r%06d.md' % number), 'wb') as handle:
            handle.write(data)

    print(json.dumps({'docs': args.docs, 'bytes': total_bytes, 'seconds': round(time.time() - started, 2),
                      'sources': ['corpus/'] + (['scifact'] if scifact else [])}))


if __name__ == '__main__':
    main()
