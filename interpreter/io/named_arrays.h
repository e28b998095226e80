// Files of named arrays: a convis .npz (save_parameters) or a group of an HDF5 file,
// read as (name, array) pairs. Parameter files (--params) and state files (--state) are
// both read this way.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "interpreter/io/array.h"

namespace cvm::io {

/// Reads "F.npz", or "F.h5[:/group]" (every dataset directly in the group; `default_group`
/// when the spec names none). Throws DataError when the file or group cannot be read.
std::vector<std::pair<std::string, Array>> read_named_arrays(const std::string& spec,
                                                             const std::string& default_group);

}  // namespace cvm::io
