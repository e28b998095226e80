// NumPy .npz archives: a zip file of named .npy arrays, as written by np.savez (stored)
// and np.savez_compressed (deflate). Used for parameter bundles and small result sets.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "interpreter/io/array.h"

namespace cvm::io {

/// Reads every array of a .npz archive, in archive order, named without the ".npy" suffix.
/// Values are converted to float32. Throws DataError naming the file and entry on failure.
std::vector<std::pair<std::string, Array>> read_npz(const std::string& path);

/// Writes `entries` as an uncompressed .npz archive (float32 arrays, like np.savez). The
/// archive is built under a temporary name in the same folder and renamed when complete,
/// so a failure never leaves a partial file at `path`.
void write_npz(const std::string& path,
               const std::vector<std::pair<std::string, Array>>& entries);

}  // namespace cvm::io
