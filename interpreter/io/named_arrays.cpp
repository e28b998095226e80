#include "interpreter/io/named_arrays.h"

#include "interpreter/io/hdf5_file.h"
#include "interpreter/io/npz.h"

namespace cvm::io {

std::vector<std::pair<std::string, Array>> read_named_arrays(const std::string& spec,
                                                             const std::string& default_group) {
  if (spec.size() > 4 && spec.compare(spec.size() - 4, 4, ".npz") == 0) return read_npz(spec);
  std::string file = spec;
  std::string group = default_group;
  if (auto colon = spec.rfind(":/"); colon != std::string::npos) {
    file = spec.substr(0, colon);
    group = spec.substr(colon + 1);
  }
  std::vector<std::pair<std::string, Array>> entries;
  for (const auto& name : list_hdf5_datasets(file, group)) {
    entries.emplace_back(name, read_hdf5_dataset(file, group + "/" + name));
  }
  return entries;
}

}  // namespace cvm::io
