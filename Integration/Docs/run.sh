#!/usr/bin/env bash
# Builds the DocC documentation of ClaudeTrace, ClaudeTraceCore, ClaudeTraceOTLP and
# ClaudeTraceReport as one archive, with swift-docc-plugin (a dependency of this package only).
#
#   bash Integration/Docs/run.sh                  the archive, in .build/plugins/Swift-DocC/outputs/
#   bash Integration/Docs/run.sh --output DIR     a static website in DIR instead (serve DIR with
#                                                 any web server; the pages are under
#                                                 documentation/claudetrace/)
#   bash Integration/Docs/run.sh --base-path P    with --output: the site is served under /P/
#   bash Integration/Docs/run.sh --check          fail when a page of the catalog
#                                                 (Sources/ClaudeTrace/ClaudeTrace.docc) has a
#                                                 warning, e.g. a link to a symbol that was renamed
#
# First, every Swift code sample of the catalog is compiled against the current API:
# extract-samples.py writes each into a function of the ClaudeTraceDocs target, and a sample that
# does not compile fails the run.
#
# The four modules are built together ("combined documentation"), so that a page of one can link
# to a symbol of another: in the catalog, write ``/ClaudeTraceCore/Span`` (a leading slash and
# the module) for a symbol outside ClaudeTrace. Warnings in the sources' doc comments are printed
# but do not fail the run. The first run builds the library (about a minute on 2 cores).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here"

output=""
base_path=""
check=0
while [ $# -gt 0 ]; do
  case "$1" in
    --output) output=${2:?--output needs a folder}; shift ;;
    --base-path) base_path=${2:?--base-path needs a path}; shift ;;
    --check) check=1 ;;
    -h|--help) sed -n '2,21p' "$0"; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

plugin=(swift package)
arguments=(generate-documentation --enable-experimental-combined-documentation
  --target ClaudeTraceCore --target ClaudeTraceOTLP --target ClaudeTrace --target ClaudeTraceReport)
if [ -n "$output" ]; then
  mkdir -p "$output"
  output=$(cd "$output" && pwd)
  plugin+=(--allow-writing-to-directory "$output")
  arguments+=(--output-path "$output" --transform-for-static-hosting)
  [ -n "$base_path" ] && arguments+=(--hosting-base-path "$base_path")
fi

start=$SECONDS
python3 extract-samples.py
swift build --target ClaudeTraceDocs || {
  echo "a code sample of the catalog does not compile (the errors above name Samples.swift and the page)" >&2
  exit 1
}

log=$(mktemp)
trap 'rm -f "$log"' EXIT
status=0
"${plugin[@]}" "${arguments[@]}" 2>&1 | tee "$log" || status=$?
[ "$status" -eq 0 ] || { echo "documentation build failed" >&2; exit "$status"; }

# docc names a catalog page by its path inside the catalog (`--> GettingStarted.md:12:5`), and
# a source file by a path ending in .swift, so the catalog's warnings are those at a .md file.
catalog_warnings=$(grep -cE -- '^ *--> [^ ]*\.md:' "$log" || true)
all_warnings=$(grep -c '^warning:' "$log" || true)
echo "samples compiled and documentation built in $((SECONDS - start)) s: $all_warnings warnings, $catalog_warnings in the catalog's pages"
if [ "$check" -eq 1 ] && [ "$catalog_warnings" -gt 0 ]; then
  echo "the catalog's pages have warnings (see the lines with '--> <page>.md' above)" >&2
  exit 1
fi
