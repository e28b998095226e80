# Every ```cvm block in docs/*.md that declares a model passes `cvm check` (blocks that
# show errors on purpose are marked ```cvm-error and must fail).
source "$(dirname "$0")/lib.sh"
n=0
for doc in "$CVM_SOURCE_DIR"/docs/*.md; do
  awk -v dir="$WORK" -v base="$(basename "$doc" .md)" '
    /^```cvm-error$/ { kind = "error"; inside = 1; k++; file = dir "/" base "_" k "_" kind ".cvm"; next }
    /^```cvm$/ { kind = "ok"; inside = 1; k++; file = dir "/" base "_" k "_" kind ".cvm"; next }
    /^```/ { inside = 0; next }
    inside { print > file }
  ' "$doc"
done
for f in "$WORK"/*_ok.cvm; do
  [ -e "$f" ] || continue
  grep -q "^model\|^primitive\|^fit" "$f" || continue
  n=$((n + 1))
  expect_exit 0 "$CVM" check "$f"
done
for f in "$WORK"/*_error.cvm; do
  [ -e "$f" ] || continue
  n=$((n + 1))
  expect_exit 1 "$CVM" check "$f"
done
[ "$n" -gt 5 ] || fail "found only $n examples in docs/"
echo "doc examples: $n checked"
