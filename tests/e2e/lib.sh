# Shared helpers for the end-to-end tests (sourced, not a test itself).
set -euo pipefail
: "${CVM:?CVM must name the built cvm binary}"
: "${CVM_SOURCE_DIR:?}"
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
fail() { echo "FAIL: $*" >&2; exit 1; }
# expect_exit CODE CMD...: runs CMD, checks its exit code, keeps stdout/stderr in $WORK.
expect_exit() {
  local want=$1; shift
  set +e
  "$@" > "$WORK/stdout" 2> "$WORK/stderr"
  local got=$?
  set -e
  if [ "$got" != "$want" ]; then
    echo "--- stdout"; cat "$WORK/stdout"; echo "--- stderr"; cat "$WORK/stderr"
    fail "'$*' exited $got, expected $want"
  fi
}
expect_in() { grep -q -- "$1" "$2" || { cat "$2"; fail "'$1' not found in $2"; }; }
