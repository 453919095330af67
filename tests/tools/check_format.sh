#!/usr/bin/env bash
# The code's layout, checked: every C++ file of the product and its tests as clang-format (the
# version pinned in tests/CMakeLists.txt, the same on every machine) lays it out with
# .clang-format. Lists the files that differ; `clang-format -i FILE` fixes one.
#   check_format.sh CLANG_FORMAT SOURCE_DIR
set -euo pipefail
clang_format="$1"; cd "$2"
mapfile -d '' files < <(find app core ui tests bench -type f \( -name '*.cpp' -o -name '*.h' \) -print0 | sort -z)
bad=()
for f in "${files[@]}"; do
  "$clang_format" --style=file "$f" | cmp -s - "$f" || bad+=("$f")
done
if [ ${#bad[@]} -gt 0 ]; then
  echo "${#bad[@]} of ${#files[@]} files are not laid out as .clang-format says (clang-format -i FILE):"
  printf '  %s\n' "${bad[@]}"
  exit 1
fi
echo "${#files[@]} files laid out as .clang-format says"
