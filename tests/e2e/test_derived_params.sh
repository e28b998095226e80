# A tensor built from a parameter (weight = gaussian(sigma = sigma)) follows it: --set and
# (Kernels built from parameters must fit their shape: 13x13 holds a 0.2 deg gaussian at 10 px/deg.)
# --params that give only the parameter rebuild the tensor; a file that gives the tensor wins.
source "$(dirname "$0")/lib.sh"
cat > "$WORK/m.cvm" <<'CVM'
import std.convis
model Blur {
  input x
  param sigma: length = 0.2 deg
  layer c = Conv3d(kernel_size = [1, 13, 13]) { weight = gaussian(sigma = sigma) }
  x -> c
  output output = c
}
CVM
expect_exit 0 "$CVM" params "$WORK/m.cvm"
expect_in "^c.weight = tensor\[1, 1, 1, 13, 13\] min 4.91e-06 max 0.03979  (= gaussian(sigma = sigma))" "$WORK/stdout"
expect_exit 0 "$CVM" params "$WORK/m.cvm" --set 'sigma=1 px'
expect_in "^c.weight = tensor\[1, 1, 1, 13, 13\] min 0 max 0.1592" "$WORK/stdout"
# A file that gives sigma but not the weight: the weight is rebuilt from the file's sigma.
expect_exit 0 "$CVM" params "$WORK/m.cvm" --set 'sigma=1 px' --export "$WORK/all.h5"
for p in sigma c_bias; do h5copy -i "$WORK/all.h5" -o "$WORK/sigma_only.h5" -s /params/$p -d /params/$p -p; done
expect_exit 0 "$CVM" params "$WORK/m.cvm" --params "$WORK/sigma_only.h5"
expect_in "^sigma = 0.1 deg" "$WORK/stdout"
expect_in "^c.weight = tensor\[1, 1, 1, 13, 13\] min 0 max 0.1592" "$WORK/stdout"
# A file that gives the weight too: its weight wins over the one sigma would build.
expect_exit 0 "$CVM" params "$WORK/m.cvm" --export "$WORK/default.npz"
expect_exit 0 "$CVM" params "$WORK/m.cvm" --params "$WORK/default.npz" --set 'sigma=1 px'
expect_in "^c.weight = tensor\[1, 1, 1, 13, 13\] min 4.91e-06 max 0.03979" "$WORK/stdout"
# A weight tied to a derived tensor takes its value.
cat > "$WORK/tied.cvm" <<'CVM'
import std.convis
model Tied {
  input x
  param sigma: length = 0.2 deg
  param w: tensor[1, 1, 1, 13, 13] = gaussian(sigma = sigma)
  layer c = Conv3d(kernel_size = [1, 13, 13]) { weight = w }
  x -> c
  output output = c
}
CVM
expect_exit 0 "$CVM" params "$WORK/tied.cvm"
expect_in "^c.weight = tensor\[1, 1, 1, 13, 13\] min 4.91e-06 max 0.03979  (= w)" "$WORK/stdout"
expect_exit 0 "$CVM" run "$WORK/tied.cvm" --stimulus 'impulse(t = 3, x = 5, y = 5)' --output "$WORK/tied.h5"
# Only number parameters can be named, and not where an integer fixes a size.
cat > "$WORK/bad.cvm" <<'CVM'
import std.convis
model Bad {
  input x
  param n: int = 2
  layer c = Conv3d(kernel_size = [10, 1, 1]) { weight = exponential(tau = 10 ms, n = n) }
  x -> c
  output output = c
}
CVM
expect_exit 1 "$CVM" check "$WORK/bad.cvm"
expect_in "sets the kernel's size and must be a constant, not a parameter \[E0310\]" "$WORK/stderr"
echo "derived params: ok"
