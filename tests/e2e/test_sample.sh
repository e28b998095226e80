# cvm sample: writes a synthetic LN data set (input, output, kernel) that any chunking
# reproduces, seeded like numpy (np.random.seed(42) gives the kernel of reference case
# fit_ln_adam); --help works and usage errors exit 2 without writing anything.
source "$(dirname "$0")/lib.sh"
: "${CVM_REFERENCE_DIR:?}"
ref="$CVM_REFERENCE_DIR/convis_reference.h5"
[ -f "$ref" ] || fail "reference file missing: $ref"

expect_exit 0 "$CVM" sample --help
expect_in "usage: cvm sample" "$WORK/stdout"
expect_in "kernel-size" "$WORK/stdout"
expect_exit 0 "$CVM" --help
expect_in "sample" "$WORK/stdout"

# Random kernel and input, streamed in chunks of 17 frames.
expect_exit 0 "$CVM" sample --kernel-size 5,3,3 --size 120,8,9 --seed 3 --chunk 17 -o "$WORK/a.h5"
expect_in "wrote $WORK/a.h5" "$WORK/stdout"
h5ls -r "$WORK/a.h5" > "$WORK/ls"
expect_in "/kernel .*{5, 3, 3}" "$WORK/ls"
expect_in "/outputs/input .*{1, 1, 120/Inf, 8, 9}" "$WORK/ls"
expect_in "/outputs/output .*{1, 1, 120/Inf, 8, 9}" "$WORK/ls"
h5dump -A "$WORK/a.h5" > "$WORK/attrs"
for attr in seed call cvm_version kernel input p; do
  expect_in "ATTRIBUTE \"$attr\"" "$WORK/attrs"
done
expect_in "np.random.seed(3)" "$WORK/attrs"
[ -z "$(ls "$WORK" | grep partial || true)" ] || fail "temporary file left behind"

# Another chunking gives the same kernel and input, and the same output up to float
# rounding (the convolution picks FFT or direct per chunk size); another seed, other data.
expect_exit 0 "$CVM" sample --kernel-size 5,3,3 --size 120,8,9 --seed 3 --chunk 1000 --quiet -o "$WORK/b.h5"
[ ! -s "$WORK/stdout" ] || fail "--quiet printed something"
for ds in /kernel /outputs/input; do
  h5diff "$WORK/a.h5" "$WORK/b.h5" $ds $ds > /dev/null || fail "$ds differs between chunkings"
done
h5diff -d 1e-4 "$WORK/a.h5" "$WORK/b.h5" /outputs/output /outputs/output > /dev/null ||
  fail "/outputs/output differs between chunkings"
expect_exit 0 "$CVM" sample --kernel-size 5,3,3 --size 120,8,9 --seed 4 -q -o "$WORK/c.h5"
if h5diff "$WORK/a.h5" "$WORK/c.h5" /kernel /kernel > /dev/null; then fail "--seed changed nothing"; fi

# numpy's seeding: np.random.seed(42); SampleGenerator('random', kernel_size=(10,3,3)).
expect_exit 0 "$CVM" sample --kernel-size 10,3,3 --size 20,4,4 --seed 42 -q -o "$WORK/d.h5"
h5diff -q --exclude-attribute /kernel --exclude-attribute /cases/fit_ln_adam/true_kernel \
  "$WORK/d.h5" "$ref" /kernel /cases/fit_ln_adam/true_kernel ||
  fail "the kernel for --seed 42 differs from convis's (fit_ln_adam/true_kernel)"

# Sparse and uniform kinds; a stimulus as input (its own size).
expect_exit 0 "$CVM" sample --kernel sparse --p 0.3 --input rand --size 30,5,5 -q -o "$WORK/e.h5"
expect_exit 0 "$CVM" sample --kernel rand --input sparse --size 30,5,5 -q -o "$WORK/f.h5"
expect_exit 0 "$CVM" sample --input 'moving_bar(t = 50, x = 6, y = 7)' -q -o "$WORK/g.h5"
h5ls -r "$WORK/g.h5" > "$WORK/ls"
expect_in "/outputs/output .*{1, 1, 50/Inf, 6, 7}" "$WORK/ls"

# Errors: a bad stimulus is an error in the data (1); bad options are usage errors (2).
expect_exit 1 "$CVM" sample --input 'moving_bar(t = 50, wdth = 3)' -o "$WORK/h.h5"
expect_in "wdth" "$WORK/stderr"
[ ! -e "$WORK/h.h5" ] || fail "output written despite an error"
expect_exit 2 "$CVM" sample --bogus -o "$WORK/h.h5"
expect_exit 2 "$CVM" sample --kernel gaussian -o "$WORK/h.h5"
expect_in "--kernel must be" "$WORK/stderr"
expect_exit 2 "$CVM" sample --size 10,5 -o "$WORK/h.h5"
expect_in "T,X,Y" "$WORK/stderr"
expect_exit 2 "$CVM" sample --seed 4294967296 -o "$WORK/h.h5"
expect_exit 2 "$CVM" sample
expect_in "needs --output" "$WORK/stderr"
expect_exit 2 "$CVM" sampel
expect_in "did you mean 'sample'" "$WORK/stderr"
[ ! -e "$WORK/h.h5" ] || fail "output written despite a usage error"
echo "sample: ok"
