#!/usr/bin/env bash
# The tail of `make run`: the bundled corpus is indexed; serve it with
# lanternd and say where. Ctrl-C (SIGINT) stops the daemon cleanly.
set -euo pipefail
build_dir=${1:-build}
index_dir=${2:-$build_dir/index}
listen=${LANTERN_LISTEN:-127.0.0.1:8080}

cat <<TXT

Lantern's bundled library is indexed at $index_dir.
Search page and API:  http://$listen/
  curl 'http://$listen/api/search?q=CSEC&agency_type=rural&facets=*'
From a terminal:
  $build_dir/query/lantern-search --index $index_dir CSEC --agency-type rural --agency-size small

TXT
exec "$build_dir/query/lanternd" --index "$index_dir" --listen "$listen"
