# convis's sequential and parallel combinations: a chain, a parallel sum (fan-in into one
# port) and a parallel concatenation (Concat) of two branches.
source "$(dirname "$0")/lib.sh"
cat > "$WORK/p.cvm" <<'CVM'
import std.convis
model Branches {
  input x
  layer fast = TemporalLowPassFilterRecursive(tau = 5 ms)
  layer slow = TemporalLowPassFilterRecursive(tau = 50 ms)
  layer both = Concat()
  layer total = Sum()
  x -> fast -> both.x
  x -> slow -> both.y
  fast -> total
  slow -> total
  output channels = both
  output summed = total
}
CVM
expect_exit 0 "$CVM" run "$WORK/p.cvm" --stimulus 'impulse(t = 40, x = 3, y = 3)' --output "$WORK/p.h5"
expect_in "/outputs/channels \[1, 2, 40, 3, 3\]" "$WORK/stdout"
expect_in "/outputs/summed \[1, 1, 40, 3, 3\]" "$WORK/stdout"
# channel 0 + channel 1 of the concatenation equals the sum
h5dump -d /outputs/channels -s 0,0,10,1,1 -c 1,2,1,1,1 "$WORK/p.h5" > "$WORK/cat.txt"
h5dump -d /outputs/summed -s 0,0,10,1,1 -c 1,1,1,1,1 "$WORK/p.h5" > "$WORK/sum.txt"
a=$(grep -o "(0,0,10,1,1): [0-9.e-]*" "$WORK/cat.txt" | awk '{print $2}')
b=$(grep -o "(0,1,10,1,1): [0-9.e-]*" "$WORK/cat.txt" | awk '{print $2}')
s=$(grep -o "(0,0,10,1,1): [0-9.e-]*" "$WORK/sum.txt" | awk '{print $2}')
awk -v a="$a" -v b="$b" -v s="$s" 'BEGIN { d = a + b - s; if (d < 0) d = -d; exit !(d < 1e-5 && s > 0) }' ||
  fail "concatenated channels $a + $b differ from the sum $s"
# Concat checks the channel counts it declares.
cat > "$WORK/bad.cvm" <<'CVM'
import std.convis
model Bad {
  input x
  layer both = Concat(x_channels = 2)
  x -> both.x
  x -> both.y
  output y = both
}
CVM
expect_exit 1 "$CVM" check "$WORK/bad.cvm"
expect_in "E0501" "$WORK/stderr"
echo "parallel: ok"
