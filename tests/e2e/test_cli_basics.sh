# The cvm command: --help on every verb, usage errors exit 2, unknown verbs suggest.
source "$(dirname "$0")/lib.sh"
for verb in check fmt graph params run impulse plot repl sample; do
  expect_exit 0 "$CVM" $verb --help
  expect_in "usage: cvm $verb" "$WORK/stdout"
done
expect_exit 0 "$CVM" --help
expect_exit 2 "$CVM"
expect_exit 2 "$CVM" chek
expect_in "did you mean 'check'" "$WORK/stderr"
expect_exit 2 "$CVM" run "$CVM_SOURCE_DIR/examples/ln.cvm"
expect_in "needs --output" "$WORK/stderr"
expect_exit 2 "$CVM" run "$CVM_SOURCE_DIR/examples/ln.cvm" --output "$WORK/o.h5"
expect_in "either --input or --stimulus" "$WORK/stderr"
expect_exit 2 "$CVM" graph "$CVM_SOURCE_DIR/examples/ln.cvm" --format svg
expect_exit 1 "$CVM" check "$WORK/missing.cvm"
expect_in "no such file" "$WORK/stderr"
expect_exit 1 "$CVM" run "$CVM_SOURCE_DIR/examples/ln.cvm" --stimulus 'impulse()' --output "$WORK/o.h5" --device cuda
expect_in "CUDA" "$WORK/stderr"
echo "cli basics: ok"
