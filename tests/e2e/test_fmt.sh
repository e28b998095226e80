# cvm fmt: every shipped .cvm file is formatted; --check finds a badly laid-out copy and
# prints a diff without writing, -w fixes it; a file that does not parse is refused.
source "$(dirname "$0")/lib.sh"

expect_exit 0 "$CVM" fmt --help
expect_in "usage: cvm fmt" "$WORK/stdout"
expect_exit 2 "$CVM" fmt
expect_exit 2 "$CVM" fmt --check -w "$CVM_SOURCE_DIR/examples/ln.cvm"
expect_exit 2 "$CVM" fmt -w -
expect_exit 2 "$CVM" fmt --bogus "$CVM_SOURCE_DIR/examples/ln.cvm"

# The shipped files are kept formatted.
shipped=()
while IFS= read -r f; do shipped+=("$f"); done < <(find "$CVM_SOURCE_DIR/examples" "$CVM_SOURCE_DIR/stdlib" -name '*.cvm' | sort)
[ "${#shipped[@]}" -ge 5 ] || fail "found only ${#shipped[@]} .cvm files in examples/ and stdlib/"
expect_exit 0 "$CVM" fmt --check "${shipped[@]}"
[ ! -s "$WORK/stdout" ] || { cat "$WORK/stdout"; fail "fmt --check printed a diff for a shipped file"; }
# (fmt runs without the engine: an engine that cannot be loaded does not matter.)
expect_exit 0 env CVM_ENGINE="$WORK/no_engine.so" "$CVM" fmt "$CVM_SOURCE_DIR/examples/ln.cvm"
cmp -s "$WORK/stdout" "$CVM_SOURCE_DIR/examples/ln.cvm" || fail "fmt of a formatted file changed it"

# A badly laid-out copy: --check shows the diff and writes nothing; -w fixes it.
cat > "$WORK/bad.cvm" <<'EOF'
import std.convis
model   M {
input x
    param gain:real=2
  layer nl=NLRectifyScale(scale=gain)
x->nl
output y=nl
}
EOF
cat > "$WORK/good.cvm" <<'EOF'
import std.convis
model M {
  input x
  param gain: real = 2
  layer nl = NLRectifyScale(scale = gain)
  x -> nl
  output y = nl
}
EOF
cp "$WORK/bad.cvm" "$WORK/bad_copy.cvm"
expect_exit 1 "$CVM" fmt --check "$WORK/bad.cvm"
expect_in "^--- $WORK/bad.cvm$" "$WORK/stdout"
expect_in "^+++ $WORK/bad.cvm (formatted)$" "$WORK/stdout"
expect_in "^@@ -1,8 +1,8 @@$" "$WORK/stdout"
expect_in "^ import std.convis$" "$WORK/stdout"
expect_in "^-    param gain:real=2$" "$WORK/stdout"
expect_in "^+  param gain: real = 2$" "$WORK/stdout"
expect_in "1 file is not formatted" "$WORK/stderr"
cmp -s "$WORK/bad.cvm" "$WORK/bad_copy.cvm" || fail "fmt --check changed the file"
expect_exit 0 "$CVM" fmt - < "$WORK/bad.cvm"
cmp -s "$WORK/stdout" "$WORK/good.cvm" || { cat "$WORK/stdout"; fail "fmt - printed the wrong layout"; }
chmod 640 "$WORK/bad.cvm"
expect_exit 0 "$CVM" fmt -w "$WORK/bad.cvm"
[ ! -s "$WORK/stdout" ] || fail "fmt -w printed something"
cmp -s "$WORK/bad.cvm" "$WORK/good.cvm" || { cat "$WORK/bad.cvm"; fail "fmt -w wrote the wrong layout"; }
[ "$(stat -c %a "$WORK/bad.cvm")" = 640 ] || fail "fmt -w lost the file's permissions"
ls -A "$WORK" | grep -q 'fmt-' && fail "fmt -w left a temporary file"
expect_exit 0 "$CVM" fmt --check "$WORK/bad.cvm"
expect_exit 0 "$CVM" check "$WORK/bad.cvm"
# Through a symbolic link, the file it points to is rewritten and the link stays.
cp "$WORK/bad_copy.cvm" "$WORK/target.cvm"
ln -s "$WORK/target.cvm" "$WORK/link.cvm"
expect_exit 0 "$CVM" fmt -w "$WORK/link.cvm"
[ -L "$WORK/link.cvm" ] || fail "fmt -w replaced a symbolic link"
cmp -s "$WORK/target.cvm" "$WORK/good.cvm" || fail "fmt -w through a link wrote the wrong layout"

# The missing newline at the end shows in the diff.
printf 'model M {}' > "$WORK/no_newline.cvm"
expect_exit 1 "$CVM" fmt --check "$WORK/no_newline.cvm"
expect_in "^\\\\ No newline at end of file$" "$WORK/stdout"

# Files that cannot be formatted: errors with their position, the others still checked.
printf 'model M {\n  input x\n  output y =\n}\n' > "$WORK/broken.cvm"
expect_exit 1 "$CVM" fmt --check "$WORK/broken.cvm" "$WORK/good.cvm"
expect_in "broken.cvm:4:1: error" "$WORK/stderr"
expect_exit 1 "$CVM" fmt -w "$WORK/broken.cvm"
expect_exit 1 "$CVM" fmt "$WORK/missing.cvm"
expect_in "no such file" "$WORK/stderr"
expect_exit 1 "$CVM" fmt "$WORK"
expect_in "is a directory" "$WORK/stderr"
printf '// c\rmodel M {}\n' > "$WORK/cr.cvm"
expect_exit 1 "$CVM" fmt "$WORK/cr.cvm"
expect_in "E0004" "$WORK/stderr"
echo "fmt: ok (${#shipped[@]} shipped files formatted)"
