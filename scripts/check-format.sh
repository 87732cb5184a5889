#!/usr/bin/env bash
# Checks that the C++ lines a change adds or edits follow .clang-format
# (clang-format-14), without asking anyone to reformat code they did not touch.
#   scripts/check-format.sh [BASE]   BASE: the commit to compare with
#                                    (default: the merge base with main, else HEAD~1)
# Uncommitted changes count too. Exit 1 with the diff clang-format wants.
set -euo pipefail
cd "$(dirname "$0")/.."
if ! command -v git-clang-format-14 >/dev/null 2>&1; then
  echo "scripts/check-format.sh: git-clang-format-14 not found (apt-get install clang-format-14)" >&2
  exit 1
fi
base=${1:-}
if [[ -z $base ]]; then
  base=$(git merge-base HEAD main 2>/dev/null || true)
  if [[ -z $base || $base == "$(git rev-parse HEAD)" ]]; then
    base=$(git rev-parse HEAD~1 2>/dev/null || git hash-object -t tree /dev/null)
  fi
fi
diff=$(git-clang-format-14 --binary clang-format-14 --extensions cpp,h --diff "$base" -- src tests fuzz bench || true)
if [[ -z $diff || $diff == "no modified files to format" || $diff == "clang-format did not modify any files" ]]; then
  exit 0
fi
echo "scripts/check-format.sh: changed lines differ from .clang-format (since $base):" >&2
echo "$diff" >&2
exit 1
