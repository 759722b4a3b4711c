#!/usr/bin/env bash
# Counts the public API per library module, from the compiler's symbol graphs, so the size of
# what a reader must hold in their head is a number we can track (issue 23).
#
#   bash scripts/public-api.sh            # the table
#   bash scripts/public-api.sh --list     # and every public declaration without a doc comment
#
# How it counts:
# - Symbol graphs come from `swift package dump-symbol-graph --minimum-access-level public
#   --skip-synthesized-members` (a debug build; reuses .build). Each module's graph is
#   <Module>.symbols.json plus <Module>@<Other>.symbols.json for its extensions of other
#   modules' types; both count for <Module>.
# - A public declaration is a symbol whose accessLevel is public or open, whose identifier is not
#   marked ::SYNTHESIZED:: (members a type inherits from a protocol extension, also of the same
#   module: the extension's declaration is counted once, where it is written) and whose location
#   is a file under Sources/<Module>/. Symbols without a location (compiler-synthesized `==`,
#   `hash(into:)`, `init(from:)`, `init(rawValue:)`, …) and symbols written in another module do
#   not count. Enum cases, properties, initializers, methods, subscripts, operators and
#   typealiases each count as one.
# - A public type is such a symbol whose kind is struct, class, enum, protocol, actor or
#   typealias (nested types included).
# - Undocumented: the symbol has no doc comment of its own. A doc comment is its own when it sits
#   in the same file and only attribute or blank lines separate it from the declaration. A doc
#   comment the graph copies from a protocol requirement or the standard library (DocC shows
#   those) does not count as the symbol's own; the last column counts these separately.
set -euo pipefail
cd "$(dirname "$0")/.."

list=0
[[ "${1:-}" == "--list" ]] && list=1

# The plugin also tries the test modules and fails on them (no public symbols to find there), so
# its exit status says nothing about the library modules: check their graphs instead. Stale
# graphs from an earlier run must not be counted, so the directory is emptied first.
directory="$(dirname "$(swift build --show-bin-path)")/symbolgraph"
rm -rf "$directory"
output=$(swift package dump-symbol-graph --minimum-access-level public --skip-synthesized-members 2>&1) || true
for module in ClaudeTraceCore ClaudeTraceOTLP ClaudeTrace ClaudeTraceReport; do
    [[ -f "$directory/$module.symbols.json" ]] || {
        echo "$output" >&2
        echo "no symbol graph for $module in $directory" >&2
        exit 1
    }
done

python3 - "$directory" "$PWD" "$list" <<'PYTHON'
import json, os, sys, urllib.parse

directory, root, list_undocumented = sys.argv[1], sys.argv[2], sys.argv[3] == "1"
modules = ["ClaudeTraceCore", "ClaudeTraceOTLP", "ClaudeTrace", "ClaudeTraceReport"]
type_kinds = {"swift.struct", "swift.class", "swift.enum", "swift.protocol", "swift.actor", "swift.typealias"}
source_lines = {}

def path_of(uri):
    return urllib.parse.unquote(urllib.parse.urlparse(uri).path)

def lines_of(path):
    if path not in source_lines:
        with open(path, encoding="utf-8") as file:
            source_lines[path] = file.read().split("\n")
    return source_lines[path]

def has_own_doc_comment(symbol):
    doc = symbol.get("docComment")
    if not doc or not doc.get("lines"):
        return False
    if doc.get("uri") != symbol["location"]["uri"]:
        return False
    path = path_of(symbol["location"]["uri"])
    doc_end = max(line["range"]["end"]["line"] for line in doc["lines"] if "range" in line)
    declaration = symbol["location"]["position"]["line"]
    if doc_end >= declaration:
        return False
    between = lines_of(path)[doc_end + 1:declaration]   # 0-based lines strictly between
    return all(not line.strip() or line.strip().startswith("@") for line in between)

rows = []
for module in modules:
    files = [f for f in os.listdir(directory)
             if f == f"{module}.symbols.json" or f.startswith(f"{module}@")]
    if f"{module}.symbols.json" not in files:
        sys.exit(f"no symbol graph for {module} in {directory}")
    sources = os.path.join(root, "Sources", module) + os.sep
    declarations = types = undocumented = inherited_doc = 0
    missing = []
    for name in sorted(files):
        with open(os.path.join(directory, name), encoding="utf-8") as file:
            graph = json.load(file)
        for symbol in graph["symbols"]:
            if symbol.get("accessLevel") not in ("public", "open"):
                continue
            if "::SYNTHESIZED::" in symbol["identifier"]["precise"]:
                continue
            location = symbol.get("location")
            if not location or not path_of(location["uri"]).startswith(sources):
                continue
            declarations += 1
            if symbol["kind"]["identifier"] in type_kinds:
                types += 1
            if not has_own_doc_comment(symbol):
                undocumented += 1
                if "docComment" in symbol:
                    inherited_doc += 1
                position = location["position"]["line"] + 1
                missing.append((os.path.relpath(path_of(location["uri"]), root), position,
                                f"{'.'.join(symbol['pathComponents'])} ({symbol['kind']['displayName']})"))
    rows.append((module, declarations, types, undocumented, inherited_doc, missing))

header = ("module", "public declarations", "public types", "without own doc comment", "of which inherit one")
widths = [max(len(header[0]), *(len(r[0]) for r in rows))] + [len(h) for h in header[1:]]
def line(cells):
    return "  ".join(str(c).ljust(w) if i == 0 else str(c).rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))
print(line(header))
for row in rows:
    print(line(row[:5]))
print(line(("total", *(sum(r[i] for r in rows) for i in range(1, 5)))))
if list_undocumented:
    for module, *_, missing in rows:
        if missing:
            print(f"\n{module}: without a doc comment of their own")
            for path, position, name in sorted(missing):
                print(f"  {path}:{position}: {name}")
PYTHON
