#!/usr/bin/env python3
"""Helpers for bench/serve/run.sh (standard library only).

    helper.py requests QUERIES_FILE OUT_DIR   -> OUT_DIR/plain.txt, OUT_DIR/filtered.txt
    helper.py check BASE_URL REQUESTS_FILE    -> JSON: every request answered 200? hits?
    helper.py report RESULTS_JSONL INFO_JSON OUT_JSON   -> the table; OUT_JSON written
"""
import json
import statistics
import sys
import urllib.error
import urllib.parse
import urllib.request

AGENCY_TYPES = ['rural', 'suburban', 'urban', 'tribal']
LEVELS = ['low', 'moderate', 'high']


def read_queries(path):
    with open(path, encoding='utf-8') as handle:
        return [line.strip() for line in handle if line.strip() and not line.lstrip().startswith('#')]


def make_requests(queries_path, out_dir):
    """Plain searches (what the page sends first, without its facets) and
    searches with two filters from different fields and every facet."""
    queries = read_queries(queries_path)
    plain, filtered = [], []
    for i, query in enumerate(queries):
        q = urllib.parse.quote(query, safe='')
        plain.append('/api/search?q=%s' % q)
        filtered.append('/api/search?q=%s&agency_type=%s&resource_level=%s&facets=*' %
                        (q, AGENCY_TYPES[i % len(AGENCY_TYPES)], LEVELS[i % len(LEVELS)]))
    for name, lines in (('plain', plain), ('filtered', filtered)):
        with open('%s/%s.txt' % (out_dir, name), 'w', encoding='utf-8') as handle:
            handle.write('\n'.join(lines) + '\n')
    print(len(queries))


def check(base, requests_path):
    """Sends every request once: all must answer 200."""
    with open(requests_path, encoding='utf-8') as handle:
        paths = [line.strip() for line in handle if line.strip() and not line.startswith('#')]
    failures, hits, zero = [], [], 0
    for path in paths:
        try:
            with urllib.request.urlopen(base.rstrip('/') + path, timeout=30) as response:
                body = json.load(response)
        except urllib.error.HTTPError as error:
            failures.append('%s -> %d %s' % (path, error.code, error.read()[:200].decode('utf-8', 'replace')))
            continue
        except (urllib.error.URLError, OSError, ValueError) as error:
            failures.append('%s -> %s' % (path, error))
            continue
        total = body.get('totalHits', 0)
        hits.append(total)
        zero += total == 0
    print(json.dumps({'requests': len(paths), 'failed': failures, 'zero_hit_requests': zero,
                      'median_total_hits': statistics.median(hits) if hits else 0}))
    return 1 if failures else 0


def ratio(a, b, digits=2):
    return round(a / b, digits) if a and b else None


def wrk_figures(wrk):
    seconds = wrk['duration_us'] / 1e6
    return {
        'requests': wrk['requests'], 'seconds': round(seconds, 2),
        'rps': round(wrk['requests'] / seconds, 1) if seconds else 0,
        'p50_ms': wrk['p50_us'] / 1000, 'p90_ms': wrk['p90_us'] / 1000, 'p99_ms': wrk['p99_us'] / 1000,
        'max_ms': wrk['max_us'] / 1000,
        'errors': sum(v for k, v in wrk.items() if k.startswith('errors_')),
        'mb_per_s': round(wrk['bytes'] / seconds / 1e6, 2) if seconds else 0,
    }


def report(results_path, info_path, out_path):
    with open(info_path, encoding='utf-8') as handle:
        info = json.load(handle)
    runs = []
    with open(results_path, encoding='utf-8') as handle:
        for line in handle:
            if line.strip():
                runs.append(json.loads(line))
    for run in runs:
        inproc = run['inprocess']
        http = wrk_figures(run['wrk'])
        cores = run['daemon_cpu_seconds'] / http['seconds'] if http['seconds'] else 0
        http['daemon_cpu_cores'] = round(cores, 2)
        http['rps_per_daemon_core'] = round(http['rps'] / cores, 1) if cores else None
        run['http'] = http
        run['http_1_connection'] = wrk_figures(run['wrk_1_connection'])
        run['ratios'] = {
            'http_p50_over_inprocess_p50': ratio(http['p50_ms'], inproc['p50_ms']),
            'http_1_connection_p50_over_inprocess_p50': ratio(run['http_1_connection']['p50_ms'], inproc['p50_ms']),
            'http_1_connection_p50_minus_inprocess_p50_ms':
                round(run['http_1_connection']['p50_ms'] - inproc['p50_ms'], 3),
            'rps_per_core_over_inprocess_qps': ratio(http['rps_per_daemon_core'], inproc['qps']),
            'rps_per_core_over_inprocess_qps_per_cpu_second':
                ratio(http['rps_per_daemon_core'], inproc.get('qps_per_cpu_second')),
        }
    result = dict(info)
    result['runs'] = runs
    with open(out_path, 'w', encoding='utf-8') as handle:
        json.dump(result, handle, indent=2)
        handle.write('\n')

    c = info['wrk']['connections']
    print()
    print('Throughput                         | lanternd, wrk %3d connections   | in process, 1 thread | per-core' % c)
    print('%-9s %7s %-8s %8s | %8s %6s %13s | %8s %11s | %8s' % (
        'index', 'docs', 'reqs', 'hits p50', 'req/s', 'cores', 'req/s per core', 'q/s', 'q/s per CPU', 'ratio'))
    for run in runs:
        http, inproc, ratios = run['http'], run['inprocess'], run['ratios']
        print('%-9s %7d %-8s %8d | %8.1f %6.2f %13.1f | %8.1f %11.1f | %8s%s' % (
            run['index'], run['documents'], run['case'], run['check']['median_total_hits'], http['rps'], http['daemon_cpu_cores'],
            http['rps_per_daemon_core'] or 0, inproc['qps'], inproc.get('qps_per_cpu_second', 0),
            ratios['rps_per_core_over_inprocess_qps_per_cpu_second'],
            '  (%d errors)' % http['errors'] if http['errors'] else ''))
    print()
    print('Latency, ms               | %3d connections | 1 connection    | in process      | HTTP p50 / in-process p50' % c)
    print('%-9s %7s %-8s| %7s %7s | %7s %7s | %7s %7s | %7s %7s %9s' % (
        'index', 'docs', 'reqs', 'p50', 'p99', 'p50', 'p99', 'p50', 'p99', '%d conn' % c, '1 conn', '1c - inp'))
    for run in runs:
        http, single, inproc, ratios = run['http'], run['http_1_connection'], run['inprocess'], run['ratios']
        print('%-9s %7d %-8s| %7.2f %7.2f | %7.2f %7.2f | %7.2f %7.2f | %7s %7s %9.2f' % (
            run['index'], run['documents'], run['case'], http['p50_ms'], http['p99_ms'], single['p50_ms'],
            single['p99_ms'], inproc['p50_ms'], inproc['p99_ms'], ratios['http_p50_over_inprocess_p50'],
            ratios['http_1_connection_p50_over_inprocess_p50'],
            ratios['http_1_connection_p50_minus_inprocess_p50_ms']))
    print()
    print('reqs: plain = /api/search?q=... ; filtered = the same with agency_type + resource_level')
    print('      filters and facets=* (every facet counted, two of them disjunctively).')
    print('hits p50: the median totalHits of the requests (10 are returned, with snippets).')
    print('cores: lanternd CPU seconds / wall seconds during the wrk run; "q/s per CPU" counts the')
    print('      in-process loop\'s CPU time. per-core ratio = (req/s per lanternd core) / (in-process')
    print('      q/s per CPU second): 1.00 = HTTP costs nothing beyond the search, 0.80 = 20% more CPU.')
    print('HTTP p50 / in-process p50: at %d connections mostly queueing (%d requests share %d threads);' % (
        c, c, info.get('lanternd_threads', 0)))
    print('      at 1 connection the per-request cost of HTTP, parsing and JSON (1c - inp, in ms).')
    for index in info.get('indexes', []):
        line = '%s: %d documents' % (index['name'], index['documents'])
        if index.get('generate_seconds') is not None:
            line += ', generated in %.1f s' % index['generate_seconds']
        if index.get('index_seconds') is not None:
            line += ', indexed in %.1f s (lantern-index --full --quiet)' % index['index_seconds']
        if index.get('cached'):
            line += ', index reused from %s' % index['path']
        print(line)
    print('load average at the end: %s (%d cores): figures taken on a busy machine are slower and noisier' % (
        info.get('load_average_at_end'), info.get('cores', 0)))
    for run in runs:
        wrk = run['wrk']
        if run['http']['errors']:
            print('WARNING: %s/%s: wrk counted errors: connect %d, read %d, write %d, timeout %d, '
                  'non-2xx %d' % (run['index'], run['case'], wrk['errors_connect'], wrk['errors_read'],
                                  wrk['errors_write'], wrk['errors_timeout'], wrk['errors_status']))
    print('results: %s' % out_path)
    # Error answers mean the figures are not those of the searches asked for.
    return 1 if any(run['wrk']['errors_status'] or run['wrk_1_connection']['errors_status'] for run in runs) else 0


def main():
    if len(sys.argv) >= 2 and sys.argv[1] == 'requests' and len(sys.argv) == 4:
        return make_requests(sys.argv[2], sys.argv[3])
    if len(sys.argv) >= 2 and sys.argv[1] == 'check' and len(sys.argv) == 4:
        return check(sys.argv[2], sys.argv[3])
    if len(sys.argv) >= 2 and sys.argv[1] == 'report' and len(sys.argv) == 5:
        return report(sys.argv[2], sys.argv[3], sys.argv[4])
    sys.exit(__doc__)


if __name__ == '__main__':
    sys.exit(main() or 0)
