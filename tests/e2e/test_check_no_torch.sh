# `cvm check` does not load LibTorch: the cvm executable does not link it (the time is
# printed for information; speed is measured in bench/, not asserted here).
source "$(dirname "$0")/lib.sh"
expect_exit 0 "$CVM" check "$CVM_SOURCE_DIR/examples/ln.cvm"
if command -v ldd > /dev/null; then
  if ldd "$CVM" | grep -q torch; then fail "cvm links LibTorch directly"; fi
fi
start=$(date +%s%N)
for i in 1 2 3 4 5; do "$CVM" check "$CVM_SOURCE_DIR/examples/ln.cvm"; done
end=$(date +%s%N)
ms=$(( (end - start) / 5000000 ))
echo "cvm check: ${ms} ms per run"
