# cvm impulse and cvm plot: the impulse response of the LN example as HDF5 with the
# impulse's position, drawn as PNG and SVG; cvm plot draws traces of a run, the impulse
# file, and a kernel of an exported parameter file; --help works; a wrong plot extension
# is a usage error (2), a missing dataset an error in the data (1) naming what exists.
source "$(dirname "$0")/lib.sh"
ln="$CVM_SOURCE_DIR/examples/ln.cvm"

# A PNG starts with its 8-byte signature; an SVG is a document ending in </svg>.
check_png() {
  [ -f "$1" ] || fail "$1 not written"
  [ "$(head -c 8 "$1" | od -An -tx1 | tr -d ' \n')" = "89504e470d0a1a0a" ] || fail "$1 is not a PNG"
  [ "$(stat -c %s "$1")" -gt 10000 ] || fail "$1 is only $(stat -c %s "$1") bytes"
}
check_svg() {
  [ -f "$1" ] || fail "$1 not written"
  grep -q "<svg" "$1" || fail "$1 has no <svg"
  tail -c 20 "$1" | grep -q "</svg>" || fail "$1 does not end in </svg>"
  python3 -c 'import sys, xml.etree.ElementTree as E; E.parse(sys.argv[1])' "$1" || fail "$1 is not well-formed XML"
  [ "$(grep -o "<use" "$1" | wc -l)" -gt 50 ] || fail "$1 draws too little text"
}

expect_exit 0 "$CVM" impulse --help
expect_in "usage: cvm impulse" "$WORK/stdout"
expect_in "\-\-shape" "$WORK/stdout"
expect_exit 0 "$CVM" plot --help
expect_in "usage: cvm plot" "$WORK/stdout"
expect_in "\-\-kind" "$WORK/stdout"

# The LN example: convis's default shape (500 x 10 x 10, impulse at frame 0), PNG and SVG.
expect_exit 0 "$CVM" impulse "$ln" --output "$WORK/x.h5" --plot "$WORK/x.png"
expect_in "model LNGain: impulse at frame 0, pixel (5, 5)" "$WORK/stdout"
expect_in "/outputs/response \[1, 1, 500, 10, 10\]  peak" "$WORK/stdout"
check_png "$WORK/x.png"
h5ls -r "$WORK/x.h5" > "$WORK/ls"
expect_in "/outputs/response .*{1, 1, 500/Inf, 10, 10}" "$WORK/ls"
h5dump -A "$WORK/x.h5" > "$WORK/attrs"
for attr in cvm_version model source_sha256 seed steps_per_second pixels_per_degree unit impulse_frame impulse_x impulse_y; do
  expect_in "ATTRIBUTE \"$attr\"" "$WORK/attrs"
done
expect_exit 0 "$CVM" impulse "$ln" --output "$WORK/y.h5" --shape 80,9,9 --at 10 --chunk 7 --plot "$WORK/y.svg" --quiet
[ ! -s "$WORK/stdout" ] || fail "--quiet printed something"
check_svg "$WORK/y.svg"
# Chunking does not change the response (the convolution picks FFT or direct per chunk).
expect_exit 0 "$CVM" impulse "$ln" --output "$WORK/z.h5" --shape 80,9,9 --at 10 --quiet
h5diff -d 1e-6 "$WORK/y.h5" "$WORK/z.h5" /outputs/response /outputs/response > /dev/null ||
  fail "the response depends on --chunk"
# The impulse at frame 10 of the centre pixel: nothing moves before it, it does at it.
h5dump -y -w 0 -d /outputs/response -s "0,0,0,4,4" -c "1,1,12,1,1" "$WORK/z.h5" |
  awk '/SUBSET/ { s = 1 } s && /DATA \{/ { d = 1; next } d && /\}/ { exit } d { print $1 }' > "$WORK/centre"
[ "$(wc -l < "$WORK/centre")" = 12 ] || fail "could not read the centre pixel's response"
[ -z "$(head -10 "$WORK/centre" | grep -v '^0$' || true)" ] || fail "the response starts before the impulse"
[ "$(sed -n 11p "$WORK/centre")" != 0 ] || fail "no response at the impulse's frame"
[ -z "$(ls "$WORK" | grep partial || true)" ] || fail "temporary file left behind"

# cvm plot: traces of a run, the impulse file (kind auto), a kernel of a parameter file.
expect_exit 0 "$CVM" run "$ln" --stimulus 'moving_grating(t = 200, x = 16, y = 16)' --output "$WORK/run.h5" --quiet
expect_exit 0 "$CVM" plot "$WORK/run.h5" --output "$WORK/traces.png"
expect_in "wrote traces plot" "$WORK/stdout"
check_png "$WORK/traces.png"
expect_exit 0 "$CVM" plot "$WORK/run.h5" --kind spatial --output "$WORK/spatial.svg" --quiet
check_svg "$WORK/spatial.svg"
expect_exit 0 "$CVM" plot "$WORK/x.h5" --output "$WORK/impulse.svg"
expect_in "wrote impulse plot" "$WORK/stdout"
check_svg "$WORK/impulse.svg"
expect_exit 0 "$CVM" params "$ln" --export "$WORK/P.h5"
expect_exit 0 "$CVM" plot "$WORK/P.h5" --dataset /params/conv_weight --output "$WORK/kernel.png"
expect_in "wrote kernel plot" "$WORK/stdout"
check_png "$WORK/kernel.png"
expect_exit 0 "$CVM" plot "$WORK/P.h5" --output "$WORK/kernel2.svg" --quiet  # the only tensor parameter
check_svg "$WORK/kernel2.svg"

# Usage errors (2): a wrong extension, an unknown kind, no output. Nothing is written.
expect_exit 2 "$CVM" impulse "$ln" --output "$WORK/e.h5" --plot "$WORK/e.pdf"
expect_in "\.png or \.svg" "$WORK/stderr"
expect_exit 2 "$CVM" plot "$WORK/run.h5" --output "$WORK/e.jpg"
expect_in "\.png or \.svg" "$WORK/stderr"
expect_exit 2 "$CVM" plot "$WORK/run.h5" --kind histogram --output "$WORK/e.png"
expect_exit 2 "$CVM" impulse "$ln" --output "$WORK/e.h5" --shape 10,5,5 --at 10
expect_exit 2 "$CVM" impulse "$ln" --plot "$WORK/e.png"
[ -z "$(ls "$WORK" | grep '^e\.' || true)" ] || fail "a file was written despite a usage error"

# Errors in the data (1): a missing dataset names what the file has; a missing file.
expect_exit 1 "$CVM" plot "$WORK/run.h5" --dataset /outputs/nothing --output "$WORK/e.png"
expect_in "no dataset '/outputs/nothing'" "$WORK/stderr"
expect_in "/outputs/response" "$WORK/stderr"
expect_exit 1 "$CVM" plot "$WORK/missing.h5" --output "$WORK/e.png"
[ ! -e "$WORK/e.png" ] || fail "a plot was written despite an error"
echo "impulse and plot: ok"
