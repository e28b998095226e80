# The main example runs on a built-in stimulus, writes HDF5 with the documented layout,
# and leaves no temporary file; a failing run leaves no output at all.
source "$(dirname "$0")/lib.sh"
out="$WORK/ln.h5"
expect_exit 0 "$CVM" run "$CVM_SOURCE_DIR/examples/ln.cvm" \
  --stimulus 'moving_grating(t = 300, x = 20, y = 20)' --output "$out" --chunk 64 --record conv
expect_in "model LNGain: 300 frames" "$WORK/stdout"
h5ls -r "$out" > "$WORK/ls"
expect_in "/outputs/response .*{1, 1, 300/Inf, 20, 20}" "$WORK/ls"
expect_in "/outputs/records/conv .*{1, 1, 300/Inf, 20, 20}" "$WORK/ls"
h5dump -A "$out" > "$WORK/attrs"
for attr in cvm_version model source_sha256 seed steps_per_second pixels_per_degree unit; do
  expect_in "ATTRIBUTE \"$attr\"" "$WORK/attrs"
done
[ -z "$(ls "$WORK" | grep partial || true)" ] || fail "temporary file left behind"

# --set with units changes the result; --quiet prints nothing.
expect_exit 0 "$CVM" run "$CVM_SOURCE_DIR/examples/ln.cvm" --stimulus 'impulse(t = 50)' \
  --output "$WORK/a.h5" --set 'lowpass.tau=5 ms' --set gain=1 --quiet
[ ! -s "$WORK/stdout" ] || fail "--quiet printed something"
expect_exit 1 "$CVM" run "$CVM_SOURCE_DIR/examples/ln.cvm" --stimulus 'impulse(t = 50)' \
  --output "$WORK/b.h5" --set 'lowpass.tau=5'
expect_in "must be a time" "$WORK/stderr"
expect_in "<--set" "$WORK/stderr"
[ ! -e "$WORK/b.h5" ] || fail "output written despite an error"

# An unknown recorded layer fails before anything is written.
expect_exit 1 "$CVM" run "$CVM_SOURCE_DIR/examples/ln.cvm" --stimulus 'impulse(t = 50)' \
  --output "$WORK/c.h5" --record nope
expect_in "no layer 'nope'" "$WORK/stderr"
[ ! -e "$WORK/c.h5" ] || fail "output written despite an error"

# A missing dataset is a clear data error.
expect_exit 1 "$CVM" run "$CVM_SOURCE_DIR/examples/ln.cvm" --input "$out:/nothing" --output "$WORK/d.h5"
expect_in "nothing" "$WORK/stderr"
echo "run example: ok"
