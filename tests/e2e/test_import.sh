# cvm import virtualretina: the models and warnings for VirtualRetina's example files and
# for synthetic files (golden: tests/golden/import/<case>.expected = stdout, stderr,
# "[exit N]"; CVM_UPDATE_GOLDEN=1 rewrites them), usage errors, -o written atomically, and
# imported models that check, are formatted, and run exactly like Retina().
source "$(dirname "$0")/lib.sh"
: "${CVM_REFERENCE_DIR:?}"
DATA="$CVM_SOURCE_DIR/tests/data/virtualretina"
GOLDEN="$CVM_SOURCE_DIR/tests/golden/import"
VR="$CVM_REFERENCE_DIR/virtualretina"
for f in EXAMPLE_cat_X_cell.xml EXAMPLE_linear_noSpikes.xml EXAMPLE_primate_ParvoMagno.xml; do
  [ -f "$VR/$f" ] || fail "missing $VR/$f (VirtualRetina's example files, in the reference folder)"
done

# golden CASE DIR FILE [FLAGS...]: runs the import in DIR (messages name FILE as given)
# and compares stdout + stderr + exit code with $GOLDEN/CASE.expected.
golden() {
  local name=$1 dir=$2 file=$3
  shift 3
  set +e
  (cd "$dir" && "$CVM" import virtualretina "$file" --as convis "$@") > "$WORK/$name.out" 2> "$WORK/$name.err"
  local code=$?
  set -e
  { cat "$WORK/$name.out" "$WORK/$name.err"; echo "[exit $code]"; } > "$WORK/$name.actual"
  [ "$code" = 0 ] || [ "$code" = 1 ] || { cat "$WORK/$name.actual"; fail "import of $file exited $code"; }
  if [ "${CVM_UPDATE_GOLDEN:-}" = 1 ]; then
    cp "$WORK/$name.actual" "$GOLDEN/$name.expected"
    return
  fi
  [ -f "$GOLDEN/$name.expected" ] || { cat "$WORK/$name.actual"; fail "missing $GOLDEN/$name.expected"; }
  diff -u "$GOLDEN/$name.expected" "$WORK/$name.actual" || fail "golden mismatch for $name"
}

golden cat_X_cell "$VR" EXAMPLE_cat_X_cell.xml
golden linear_noSpikes "$VR" EXAMPLE_linear_noSpikes.xml
golden primate_ParvoMagno "$VR" EXAMPLE_primate_ParvoMagno.xml
for f in "$DATA"/*.xml; do
  golden "$(basename "$f" .xml)" "$DATA" "$(basename "$f")"
done
golden number_quirks_crop_pool "$DATA" number_quirks.xml --crop-pool --name CroppedPool
[ "${CVM_UPDATE_GOLDEN:-}" = 1 ] && { echo "golden files rewritten: review git diff tests/golden/import"; exit 0; }

# What the golden files must show (so a careless update cannot pass).
expect_in "^model EXAMPLE_cat_X_cell {" "$WORK/cat_X_cell.out"
expect_in "opl_filter.sigma_center = 0.88 deg  // line 15" "$WORK/cat_X_cell.out"
expect_in "layer opl = OPL(center_size = 49, surround_size = 111) {" "$WORK/cat_X_cell.out"
expect_in "layer bipolar = Bipolar(adaptation_size = 117) {" "$WORK/cat_X_cell.out"
expect_in "layer gang_0_input = GanglionInput(transient_size = 96, pool_size = 1) {" "$WORK/cat_X_cell.out"
expect_in "layer gang_1_spikes = GanglionSpiking() {" "$WORK/cat_X_cell.out"
expect_in "EXAMPLE_cat_X_cell.xml:11:3: warning: pixels-per-degree = \"2.0\" is ignored by convis" "$WORK/cat_X_cell.err"
expect_in "no ganglion layer 1: convis keeps its default gang_1" "$WORK/cat_X_cell.err"
expect_in "<ganglion-layer> is ignored by convis" "$WORK/primate_ParvoMagno.err"
expect_in "no <undershoot>: convis keeps its default undershoot" "$WORK/linear_noSpikes.err"
expect_in "unknown attribute 'center-sigma' of <linear-version> \[W1001\]" "$WORK/unknown_names.err"
expect_in "help: did you mean 'center-sigma__deg'?" "$WORK/unknown_names.err"
expect_in "help: did you mean 'pixels-per-degree'?" "$WORK/unknown_names.err"
expect_in "unknown element <contrast-gain-contrl> inside <retina>" "$WORK/unknown_names.err"
expect_in "help: did you mean 'contrast-gain-control'?" "$WORK/unknown_names.err"
expect_in "VirtualRetina does not read <undershoot> inside <retina>" "$WORK/unknown_names.err"
expect_in "convis drops opl-amplification = \"1e-3\": without a '.' convis's Parameter.set reads it with int(), which fails; opl.opl_filter.lambda_opl keeps 10" "$WORK/number_quirks.err"
expect_in "help: write it with a '.': \"0.001\"" "$WORK/number_quirks.err"
expect_in "opl_filter.lambda_opl = 10$" "$WORK/number_quirks.out"
expect_in "opl_filter.tau_center = 0.001 s  // line 8" "$WORK/number_quirks.out"
expect_in "input_amp = 1000 Hz  // line 14" "$WORK/number_quirks.out"
expect_in "pass --crop-pool to crop as convis does" "$WORK/number_quirks.err"
expect_in "GanglionInput(transient_size = 96, pool_size = 7, crop = true)" "$WORK/number_quirks_crop_pool.out"
expect_in "transient_relative_weight_center = 0.7$" "$WORK/number_quirks.out"
expect_in "help: write it with a '.': \"20.0\"" "$WORK/number_quirks.err"
expect_in "^malformed.xml:5:7: error: not well-formed XML" "$WORK/malformed.err"
expect_in "^refused_value.xml:7:48: error: cvm refuses this value: 'opl_filter.tau_center' lies outside its bounds \[E0601\]" "$WORK/refused_value.err"
expect_in "\[E1003\]" "$WORK/opl_without_linear.err"
expect_in "\[E1002\]" "$WORK/root_is_retina.err"
expect_in "layer gang_0_spikes = GanglionSpiking(enabled = false) {" "$WORK/rates_only.out"
[ ! -s "$WORK/convis_default.err" ] || { cat "$WORK/convis_default.err"; fail "convis's defaults gave warnings"; }
for bad in malformed opl_without_linear root_is_retina refused_value; do
  [ ! -s "$WORK/$bad.out" ] || fail "$bad.xml wrote a model"
done

# Usage errors (exit 2) and --help.
expect_exit 0 "$CVM" import --help
expect_in "usage: cvm import virtualretina FILE.xml --as convis" "$WORK/stdout"
expect_exit 2 "$CVM" import
expect_exit 2 "$CVM" import virtualretna "$DATA/convis_default.xml" --as convis
expect_in "did you mean 'virtualretina'?" "$WORK/stderr"
expect_exit 2 "$CVM" import virtualretina "$DATA/convis_default.xml"
expect_in "--as convis" "$WORK/stderr"
expect_exit 2 "$CVM" import virtualretina "$DATA/convis_default.xml" --as virtualretina
expect_exit 2 "$CVM" import virtualretina "$DATA/convis_default.xml" "$DATA/rates_only.xml" --as convis
expect_exit 2 "$CVM" import virtualretina "$DATA/convis_default.xml" --as convis --name 2retina
expect_exit 2 "$CVM" import virtualretina "$DATA/convis_default.xml" --as convis --name Retina
expect_in "taken by std.convis" "$WORK/stderr"
expect_exit 2 "$CVM" import virtualretina "$DATA/convis_default.xml" --as convis --bogus

# Files that cannot be read, and XML that breaks parsers: errors, never a crash.
expect_exit 1 "$CVM" import virtualretina "$WORK/none.xml" --as convis
expect_in "cannot read '$WORK/none.xml': no such file \[E0001\]" "$WORK/stderr"
expect_exit 1 "$CVM" import virtualretina "$WORK" --as convis
expect_in "is a directory" "$WORK/stderr"
deep() {  # deep N: a <retina> holding N nested unknown elements
  local n=$1
  echo '<retina-description-file><retina>'
  for ((i = 0; i < n; i++)); do printf '<deeper>'; done
  for ((i = 0; i < n; i++)); do printf '</deeper>'; done
  echo '</retina></retina-description-file>'
}
deep 5000 > "$WORK/deep.xml"
expect_exit 1 "$CVM" import virtualretina "$WORK/deep.xml" --as convis
expect_in "deep.xml:2:1: error: not well-formed XML: elements nested deeper than 100 levels \[E1001\]" "$WORK/stderr"
deep 90 > "$WORK/nested.xml"
expect_exit 0 "$CVM" import virtualretina "$WORK/nested.xml" --as convis
[ "$(grep -c 'unknown element <deeper>' "$WORK/stderr")" = 1 ] || { cat "$WORK/stderr"; fail "an unknown element's contents were checked"; }
{
  echo '<retina-description-file><retina>'
  for ((i = 0; i < 500; i++)); do echo "<ganglion-layer bogus$i='1'/>"; done
  echo '</retina></retina-description-file>'
} > "$WORK/many.xml"
expect_exit 0 "$CVM" import virtualretina "$WORK/many.xml" --as convis
[ "$(grep -c ': warning: ' "$WORK/stderr")" = 101 ] || fail "the warnings of a file with 1002 of them were not cut at 100"
expect_in "^cvm: warning: 902 more warnings are not shown$" "$WORK/stderr"
printf '' > "$WORK/empty.xml"
expect_exit 1 "$CVM" import virtualretina "$WORK/empty.xml" --as convis
expect_in "E1001" "$WORK/stderr"
# Only a declaration and a comment: well formed for the XML parser, but no element.
printf '<?xml version="1.0"?>\n<!-- nothing here -->\n' > "$WORK/no_element.xml"
expect_exit 1 "$CVM" import virtualretina "$WORK/no_element.xml" --as convis
expect_in "no_element.xml:1:1: error: the file holds no XML element" "$WORK/stderr"
printf '<retina-description-file><retina a="1" a="2"/></retina-description-file>' > "$WORK/twice.xml"
expect_exit 1 "$CVM" import virtualretina "$WORK/twice.xml" --as convis
printf '<!DOCTYPE r [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;">]>\n<retina-description-file><retina pixels-per-degree="&b;"/></retina-description-file>' > "$WORK/entities.xml"
set +e
"$CVM" import virtualretina "$WORK/entities.xml" --as convis > /dev/null 2> "$WORK/stderr"
code=$?
set -e
[ "$code" = 0 ] || [ "$code" = 1 ] || { cat "$WORK/stderr"; fail "entities: exit $code"; }

# -o: written whole or not at all; stdout stays empty.
(cd "$DATA" && "$CVM" import virtualretina rates_only.xml --as convis) > "$WORK/rates.cvm" 2> /dev/null
(cd "$DATA" && "$CVM" import virtualretina rates_only.xml --as convis -o "$WORK/written.cvm") > "$WORK/stdout" 2> /dev/null
[ ! -s "$WORK/stdout" ] || fail "-o also printed to stdout"
cmp -s "$WORK/rates.cvm" "$WORK/written.cvm" || fail "-o wrote something else than stdout shows"
echo "keep me" > "$WORK/kept.cvm"
expect_exit 1 "$CVM" import virtualretina "$DATA/malformed.xml" --as convis -o "$WORK/kept.cvm"
[ "$(cat "$WORK/kept.cvm")" = "keep me" ] || fail "a failed import changed the -o file"
expect_exit 1 "$CVM" import virtualretina "$DATA/malformed.xml" --as convis -o "$WORK/never.cvm"
[ ! -e "$WORK/never.cvm" ] || fail "a failed import created the -o file"
expect_exit 1 "$CVM" import virtualretina "$DATA/rates_only.xml" --as convis -o "$WORK/no/such/folder/x.cvm"
expect_in "cannot write" "$WORK/stderr"
ls -A "$WORK" | grep -q 'import-' && fail "-o left a temporary file"

# Every imported model checks and is laid out as cvm fmt lays it out.
for name in cat_X_cell linear_noSpikes primate_ParvoMagno convis_default number_quirks rates_only unknown_names; do
  cp "$WORK/$name.out" "$WORK/imported_$name.cvm"
  expect_exit 0 "$CVM" check "$WORK/imported_$name.cvm"
  expect_exit 0 "$CVM" fmt --check "$WORK/imported_$name.cvm"
done

# convis's default configuration imports as Retina(): the same parameters, the same run.
cat > "$WORK/retina.cvm" <<'EOF'
import std.convis
model R = Retina()
EOF
expect_exit 0 "$CVM" params "$WORK/retina.cvm"
mv "$WORK/stdout" "$WORK/retina_params"
expect_exit 0 "$CVM" params "$WORK/imported_convis_default.cvm"
diff -u "$WORK/retina_params" "$WORK/stdout" || fail "the imported default configuration has other parameters than Retina()"
stimulus='moving_grating(t = 200, x = 20, y = 20)'
expect_exit 0 "$CVM" run "$WORK/retina.cvm" --stimulus "$stimulus" --seed 3 -q --output "$WORK/retina.h5"
expect_exit 0 "$CVM" run "$WORK/imported_convis_default.cvm" --stimulus "$stimulus" --seed 3 -q --output "$WORK/imported.h5"
h5diff "$WORK/retina.h5" "$WORK/imported.h5" /outputs/ganglion_spikes_ON /outputs/ganglion_spikes_ON ||
  fail "the imported default configuration spikes differently from Retina() (ON)"
h5diff "$WORK/retina.h5" "$WORK/imported.h5" /outputs/ganglion_spikes_OFF /outputs/ganglion_spikes_OFF ||
  fail "the imported default configuration spikes differently from Retina() (OFF)"
spikes=$(h5dump -d /outputs/ganglion_spikes_ON "$WORK/imported.h5" | grep -c ' 1[,)]' || true)
[ "$spikes" -gt 0 ] || fail "the imported default Retina did not spike at all"

# An imported model that does not spike gives rates; --crop-pool crops a pooled layer's
# output as convis does (7x7 pooling: 20x20 -> 14x14); VirtualRetina's cat X cell runs.
expect_exit 0 "$CVM" run "$WORK/imported_rates_only.cvm" --stimulus "$stimulus" --output "$WORK/rates.h5"
expect_in "/outputs/ganglion_spikes_ON \[1, 1, 200, 20, 20\]  min [0-9.]*  mean [1-9][0-9]*\.[0-9]*  max" "$WORK/stdout"
cp "$WORK/number_quirks_crop_pool.out" "$WORK/cropped.cvm"
expect_exit 0 "$CVM" run "$WORK/cropped.cvm" --stimulus "$stimulus" --seed 1 --output "$WORK/cropped.h5"
expect_in "/outputs/ganglion_spikes_ON \[1, 1, 200, 14, 14\]" "$WORK/stdout"
expect_in "/outputs/ganglion_spikes_OFF \[1, 1, 200, 20, 20\]" "$WORK/stdout"
expect_exit 0 "$CVM" run "$WORK/imported_cat_X_cell.cvm" --stimulus "$stimulus" --seed 1 -q --output "$WORK/cat.h5"
echo "ok"
