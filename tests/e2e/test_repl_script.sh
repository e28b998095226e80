# `cvm repl` with a script on stdin (not a terminal): no prompt, one result per line for
# single values, the first error printed as a diagnostic and the exit code 1; a script
# without errors runs to its end and exits 0. What :save writes equals cvm run's output.
source "$(dirname "$0")/lib.sh"
ex="$CVM_SOURCE_DIR/examples/ln.cvm"
cd "$WORK"

cat > ok.txt <<'SCRIPT'
:models
p._all
nl.scale
gain
lowpass.tau = 30 ms
lowpass.tau
# the state carries over from run to run; :push/:pop put it aside
:run moving_grating(t = 200, x = 20, y = 20) chunk 50
:save out.h5
:push
:run moving_grating(t = 100, x = 20, y = 20)
:pop
s
:export p.npz
:export p.h5
:help
:help :run
SCRIPT
expect_exit 0 "$CVM" repl "$ex" < ok.txt
[ ! -s "$WORK/stderr" ] || { cat "$WORK/stderr"; fail "a script without errors printed to stderr"; }
out="$WORK/stdout"
expect_in "^loaded .*examples/ln.cvm: model LNGain (1 input, 1 output, 3 layers, 6 parameters)$" "$out"
expect_in "^\* LNGain$" "$out"
expect_in "^lowpass_tau = 0.02 s (20 ms)$" "$out"
expect_in "^conv_weight = tensor\[1, 1, 20, 10, 10\] min 0 max 0.09608$" "$out"
expect_in "^nl.scale = 2  (= gain)$" "$out"
expect_in "^  value of   gain (set gain to change it)$" "$out"
expect_in "^  bounds     \[0, 10\]$" "$out"
expect_in "^  prior      lognormal(mu = 0, sigma = 1)$" "$out"
expect_in "^  doc        output gain$" "$out"
expect_in "^lowpass.tau = 0.03 s (30 ms)  (set)$" "$out"
expect_in "^  set        in this session to 30 ms (the file says 0.02 s)$" "$out"
expect_in "^model LNGain: 200 frames of 20x20 in " "$out"
expect_in "^  response \[1, 1, 200, 20, 20\]  min 0  mean [0-9.e-]*  max [0-9.e-]*$" "$out"
expect_in "^wrote out.h5: /outputs/response \[1, 1, 200, 20, 20\]$" "$out"
expect_in "^state pushed (1 on the stack)$" "$out"
expect_in "^model LNGain: 100 frames of 20x20 in " "$out"
expect_in "^state popped (0 on the stack)$" "$out"
expect_in "^  last_y  (lowpass_last_y)  \"the previous output frame\"$" "$out"
expect_in "^wrote p.npz: 5 parameters$" "$out"
expect_in "^wrote p.h5: 5 parameters$" "$out"
expect_in "^  :impulse \[T,X,Y\] \[at N\] \[chunk N\] \[plot OUT.png|OUT.svg\]$" "$out"
expect_in "^:run STIMULUS | F.h5:/dataset | F.npy \[chunk N\]$" "$out"
# :save writes what cvm run writes for the same model, values and stimulus.
h5ls -r out.h5 > h5ls.txt
expect_in "^/outputs/response *Dataset {1, 1, 200/Inf, 20, 20}$" h5ls.txt
h5dump -A out.h5 > attrs.txt
for a in cvm_version model source_sha256 steps_per_second pixels_per_degree unit; do expect_in "ATTRIBUTE \"$a\"" attrs.txt; done
expect_exit 0 "$CVM" run "$ex" --set 'lowpass.tau=30 ms' --stimulus 'moving_grating(t = 200, x = 20, y = 20)' \
  --chunk 50 --output run.h5 --quiet
h5diff out.h5 run.h5 /outputs/response /outputs/response || fail ":save differs from cvm run"
h5ls p.h5/params > params.txt
expect_in "^lowpass_tau *Dataset" params.txt

# One line, one result.
printf 'gain = 3\n' > one.txt
expect_exit 0 "$CVM" repl "$ex" < one.txt
[ "$(wc -l < "$WORK/stdout")" = 2 ] || { cat "$WORK/stdout"; fail "a setting printed more than one line"; }
expect_in "^gain = 3  (set)$" "$WORK/stdout"

# The first error ends the script: a diagnostic pointing into its line, exit 1.
printf 'gain\nlowpass.tau = 3 deg\ngain = 5\n' > unit_error.txt
expect_exit 1 "$CVM" repl "$ex" < unit_error.txt
expect_in "^<stdin>:2:15: error: 'lowpass.tau' must be a time, found a length \[E0401\]$" "$WORK/stderr"
expect_in "^ 2 | lowpass.tau = 3 deg$" "$WORK/stderr"
expect_in "^   |               \^\^\^\^\^$" "$WORK/stderr"
expect_in "^gain = 2$" "$WORK/stdout"
if grep -q "gain = 5" "$WORK/stdout"; then fail "the script went on after its first error"; fi

printf ':run moving_grating(t = 10, x = 5, y = 5, speed = 3 deg)\n' > stimulus_error.txt
expect_exit 1 "$CVM" repl "$ex" < stimulus_error.txt
expect_in "^<stdin>:1:" "$WORK/stderr"
printf ':fit\n' > fit.txt
expect_exit 1 "$CVM" repl "$ex" < fit.txt
expect_in "^cvm: error: fits do not run in the REPL yet; run them with cvm fit FILE$" "$WORK/stderr"
printf 'gain\n:frobnicate\n' > unknown.txt
expect_exit 1 "$CVM" repl "$ex" < unknown.txt
expect_in "^cvm: error: unknown command ':frobnicate'" "$WORK/stderr"
printf 'lowpas.tau\n' > path.txt
expect_exit 1 "$CVM" repl "$ex" < path.txt
expect_in "did you mean 'lowpass.tau'?" "$WORK/stderr"

# :quit ends a script early; :load loads a file in a session started without one.
printf ':load %s\ngain\n:quit\ngain = 99\n' "$ex" > load.txt
expect_exit 0 "$CVM" repl < load.txt
expect_in "^loaded .*ln.cvm: model LNGain" "$WORK/stdout"
expect_in "^gain = 2$" "$WORK/stdout"
expect_exit 1 "$CVM" repl "$WORK/missing.cvm" < /dev/null
expect_in "missing.cvm" "$WORK/stderr"

# The verb's own options.
expect_exit 0 "$CVM" repl --help
expect_in "^usage: cvm repl \[FILE\]" "$WORK/stdout"
expect_in "^  :run STIMULUS" "$WORK/stdout"
expect_exit 2 "$CVM" repl --bogus
expect_exit 2 "$CVM" repl --model LNGain
echo "repl script: ok"
