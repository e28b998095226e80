# cvm params (text, json, export to .npz and .h5 and back) and cvm graph (text, dot, json).
source "$(dirname "$0")/lib.sh"
ex="$CVM_SOURCE_DIR/examples/ln.cvm"
expect_exit 0 "$CVM" params "$ex"
expect_in "^gain = 2  in \[0, 10\]  ~ lognormal(mu = 0, sigma = 1)  \"output gain\"" "$WORK/stdout"
expect_in "^lowpass.tau = 0.02 s" "$WORK/stdout"
expect_in "^nl.scale = 2  (= gain)" "$WORK/stdout"
expect_exit 0 "$CVM" params "$ex" --format json --set 'lowpass.tau=30 ms'
expect_in '"path": "lowpass.tau", "flat_name": "lowpass_tau", "type": "time", "unit": "s", "value": 0.0299999993' "$WORK/stdout"
expect_exit 0 "$CVM" params "$ex" --set gain=4 --export "$WORK/p.npz"
expect_exit 0 "$CVM" params "$ex" --params "$WORK/p.npz"
expect_in "^gain = 4" "$WORK/stdout"
# --set wins over --params, and a parameter tied to it follows.
expect_exit 0 "$CVM" params "$ex" --params "$WORK/p.npz" --set gain=7
expect_in "^gain = 7" "$WORK/stdout"
expect_in "^nl.scale = 7  (= gain)" "$WORK/stdout"
expect_exit 0 "$CVM" params "$ex" --set gain=5 --export "$WORK/p.h5"
expect_exit 0 "$CVM" params "$ex" --params "$WORK/p.h5"
expect_in "^gain = 5" "$WORK/stdout"
expect_exit 0 "$CVM" graph "$ex" --format dot
expect_in "^digraph" "$WORK/stdout"
expect_exit 0 "$CVM" graph "$ex" --format json
expect_in '"model": "LNGain"' "$WORK/stdout"
expect_exit 0 "$CVM" graph "$ex"
expect_in "node conv = Conv3d" "$WORK/stdout"
echo "params and graph: ok"
