#include "interpreter/runtime/param_units.h"

#include <vector>

#include "frontend/diagnostics/diagnostic.h"
#include "interpreter/io/hdf5_file.h"

namespace cvm::interp {

void check_param_file_units(const std::string& spec, const graph::ModelGraph& g) {
  if (spec.size() > 4 && spec.compare(spec.size() - 4, 4, ".npz") == 0) return;
  const auto colon = spec.find(":/");
  const std::string file = spec.substr(0, colon);
  const std::string group = colon == std::string::npos ? "/params" : spec.substr(colon + 1);
  std::vector<std::string> differ;
  for (const auto& p : g.params) {
    if (p.tied_to) continue;
    const std::string dataset = group + "/" + p.flat_name();
    if (!io::hdf5_has_dataset(file, dataset)) continue;
    auto unit = io::read_hdf5_string_attribute(file, dataset, "unit");
    const std::string model_unit = dimension_unit(p.dim);
    if (unit && *unit != model_unit) differ.push_back(p.flat_name() + " (file " + *unit + ", model " + model_unit + ")");
  }
  if (!differ.empty()) {
    throw io::DataError("parameter file '" + spec + "' does not match model '" + g.model +
                        "':\n  units that differ: " + join_names(differ));
  }
}

}  // namespace cvm::interp
