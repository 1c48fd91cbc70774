#!/usr/bin/env bash
# Installs the Debian packages Lantern needs to build, test and run, and only
# those that are missing. Used by `make run` and `make test`; safe to re-run.
#
#   scripts/install-deps.sh            build + run + test dependencies
#   LANTERN_SKIP_DEPS=1 make ...       skip this step entirely (packaging, offline)
set -euo pipefail

packages=(
  # toolchain
  cmake make gcc g++ pkg-config
  # liblantern, the query engine, lanternd
  libxapian-dev libstemmer-dev libyaml-dev libmd4c-dev libjansson-dev libmicrohttpd-dev nettle-dev
  # extractor plugins: PDF (poppler), HTML and Office XML (libxml2, libzip), legacy .doc
  libxml2-dev libzip-dev poppler-utils antiword
  # tests and their inspection tools: xapian-delve, a real HTTP client, a real
  # browser for the search page, nginx for the reverse-proxy test
  libcmocka-dev xapian-tools python3 python3-yaml curl chromium nginx-light
)
# Node.js drives the browser test (playwright-core against Debian's chromium).
# Machines often carry a newer Node than Debian's; only install Debian's when
# there is none at all.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  packages+=(nodejs npm)
fi

if [ "${LANTERN_SKIP_DEPS:-}" = 1 ]; then
  exit 0
fi

missing=()
for package in "${packages[@]}"; do
  status=$(dpkg-query -W -f='${Status}' "$package" 2>/dev/null || true)
  case "$status" in
    *"install ok installed"*) ;;
    *) missing+=("$package") ;;
  esac
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

echo "lantern: installing missing Debian packages: ${missing[*]}" >&2
if ! command -v apt-get >/dev/null 2>&1; then
  echo "lantern: apt-get not found; install these packages by hand: ${missing[*]}" >&2
  exit 1
fi

if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "lantern: not root and no sudo; ask an administrator to run:" >&2
  echo "    apt-get install ${missing[*]}" >&2
  exit 1
fi

export DEBIAN_FRONTEND=noninteractive
# A fresh machine may have no package lists yet; refresh them once before
# installing (an install with stale lists fails on rotated versions).
"${as_root[@]}" apt-get update -qq
"${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
