#!/usr/bin/env bash
# CI step: fails when the work tree is not clean, i.e. when the install or the tests left a
# tracked file changed or an untracked file that .gitignore does not ignore (a rewritten
# lockfile, a test's leftover). Run at the end of scripts/test.sh; on a fresh clone the tree
# must be as committed. WEFT_ALLOW_DIRTY_TREE=1 skips it (a developer's uncommitted work).
set -euo pipefail
cd "${1:-$(dirname "$0")/..}"
if ! git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  echo "weft: not a git work tree; the clean-tree check is skipped"
  exit 0
fi
changes="$(git status --porcelain --untracked-files=all)"
if [ -z "$changes" ]; then
  echo "weft: the work tree is clean"
  exit 0
fi
if [ "${WEFT_ALLOW_DIRTY_TREE:-}" = "1" ]; then
  echo "weft: the work tree has changes (allowed by WEFT_ALLOW_DIRTY_TREE=1):"
  echo "$changes"
  exit 0
fi
echo "weft: the work tree is not clean after the install and the tests; only what .gitignore ignores may change:" >&2
echo "$changes" >&2
echo "(commit or stash your own changes first, or set WEFT_ALLOW_DIRTY_TREE=1 to skip this check)" >&2
exit 1
