# cvm fit from the command line: --help, usage errors (2), errors in the fit (1), a fit
# on data from `cvm sample` that writes its bundle (parameters, loss history, provenance)
# and a loss plot, and a fit killed with SIGKILL while it runs, resumed from its last
# checkpoint, that ends exactly as an uninterrupted run.
source "$(dirname "$0")/lib.sh"

expect_exit 0 "$CVM" fit --help
expect_in "usage: cvm fit" "$WORK/stdout"
expect_in "\-\-resume" "$WORK/stdout"
expect_exit 2 "$CVM" fit
expect_exit 2 "$CVM" fit "$WORK/none.cvm" --resume

# Data: a random LN cell and its response (convis's SampleGenerator).
expect_exit 0 "$CVM" sample --kernel-size 5,3,3 --size 600,6,6 --seed 3 -o "$WORK/cell.h5" -q
cat > "$WORK/cell.cvm" <<'CVM'
import std.convis
model Cell = LN(kernel_dim = [5, 3, 3])
fit Cell {
  data "cell.h5"
  input x = "/outputs/input"
  target output = "/outputs/output" loss sse
  free conv.weight
  optimizer Adam(lr = 0.05)
  chunk 50; skip 10; epochs 12
  export "cell_fit.h5"
}
CVM

# A fit naming a dataset the data file does not have is an error in the data (1).
sed 's|/outputs/output|/outputs/nothing|' "$WORK/cell.cvm" > "$WORK/bad.cvm"
expect_exit 1 "$CVM" fit "$WORK/bad.cvm"
expect_in "nothing" "$WORK/stderr"
[ ! -e "$WORK/cell_fit.h5" ] || fail "a failed fit wrote its bundle"

expect_exit 0 "$CVM" fit "$WORK/cell.cvm"
expect_in "fit Cell: 12 epochs" "$WORK/stdout"
h5ls -r "$WORK/cell_fit.h5" > "$WORK/ls"
for d in /params/conv_weight /fit/loss /fit/epoch_loss; do expect_in "$d " "$WORK/ls"; done
h5dump -a /source_sha256 -a /date -a /status "$WORK/cell_fit.h5" > "$WORK/attrs"
expect_in "complete" "$WORK/attrs"
expect_exit 0 "$CVM" plot "$WORK/cell_fit.h5" -o "$WORK/loss.png" -q
[ -s "$WORK/loss.png" ] || fail "no loss plot"
# The loss falls: the last epoch's loss is below a tenth of the first's.
python3 - "$WORK/cell_fit.h5" <<'PY'
import subprocess, sys
out = subprocess.run(["h5dump", "-d", "/fit/epoch_loss", "-m", "%.17g", sys.argv[1]], capture_output=True, text=True).stdout
data = out.split("DATA {")[1].split("}")[0]
values = [float(v.split(":")[-1]) for v in data.replace("\n", " ").split(",")]
assert len(values) == 12, values
assert values[-1] < values[0] / 10, values
PY

# Killed mid-fit (SIGKILL) after some checkpoints, then resumed: same result as one run.
expect_exit 0 "$CVM" fit "$WORK/cell.cvm" --epochs 200 --export "$WORK/whole.h5" --threads 1
"$CVM" fit "$WORK/cell.cvm" --epochs 200 --export "$WORK/resumed.h5" --threads 1 \
  --checkpoint "$WORK/ckpt.h5" --checkpoint-every 5 > /dev/null 2>&1 &
pid=$!
for _ in $(seq 1 600); do
  [ -e "$WORK/ckpt.h5" ] && break
  sleep 0.05
done
sleep 0.2
kill -9 "$pid" 2> /dev/null || true
wait "$pid" 2> /dev/null || true
[ -e "$WORK/ckpt.h5" ] || fail "no checkpoint was written before the kill"
[ ! -e "$WORK/resumed.h5" ] || fail "the fit finished before it was killed: the test did not test a kill"
expect_exit 0 "$CVM" fit "$WORK/cell.cvm" --epochs 200 --export "$WORK/resumed.h5" --threads 1 \
  --checkpoint "$WORK/ckpt.h5" --resume
h5diff "$WORK/whole.h5" "$WORK/resumed.h5" /params/conv_weight || fail "resumed weights differ"
h5diff "$WORK/whole.h5" "$WORK/resumed.h5" /fit/loss || fail "resumed loss history differs"
# Loading a parameter file checks units: a time constant saved in seconds does not load
# into a plain number of the same name.
cat > "$WORK/a.cvm" <<'CVM'
import std.convis
model A {
  input x
  param tau: time = 10 ms
  layer lp = TemporalLowPassFilterRecursive(tau = tau)
  x -> lp
  output y = lp
}
CVM
cat > "$WORK/b.cvm" <<'CVM'
import std.convis
model B {
  input x
  param tau: real = 2
  layer nl = NLRectifyScale(scale = tau)
  x -> nl
  output y = nl
}
CVM
expect_exit 0 "$CVM" params "$WORK/a.cvm" --export "$WORK/a.h5"
expect_exit 0 "$CVM" params "$WORK/a.cvm" --params "$WORK/a.h5"
expect_exit 1 "$CVM" params "$WORK/b.cvm" --params "$WORK/a.h5"
expect_in "units that differ: tau (file s, model 1)" "$WORK/stderr"

# The worked example of docs/fitting.md, as the guide runs it.
mkdir "$WORK/guide"
cp "$CVM_SOURCE_DIR/examples/fit_cell07.cvm" "$WORK/guide/"
(
  cd "$WORK/guide"
  "$CVM" sample --kernel-size 10,3,3 --size 2000,10,10 --seed 1 -o cell07.h5 -q
  "$CVM" sample --kernel-size 10,3,3 --input rand --size 500,10,10 --seed 1 -o cell07_val.h5 -q
  "$CVM" fit fit_cell07.cvm > fit.txt
  "$CVM" plot cell07_fit.h5 -o loss.png -q
)
expect_in "fit cell07: 20 epochs, 400 steps" "$WORK/guide/fit.txt"
[ -s "$WORK/guide/loss.png" ] || fail "the guide's loss plot was not written"
h5ls "$WORK/guide/cell07_fit.h5/fit" > "$WORK/ls"
expect_in "validation " "$WORK/ls"
echo "fit e2e ok"
