// Checkpoints: everything a fit needs to continue exactly where it stopped - the leaves
// the optimizer updates, the optimizer's state, every layer's state (the fit carries it
// from chunk to chunk), the best leaves so far, the position and the histories - in one
// HDF5 file written under a temporary name and renamed, so a kill leaves the previous
// checkpoint intact. `identity` (hashes of the model source, the fit settings, the data
// and the thread count) is checked on resume: a checkpoint of another fit is refused.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "interpreter/fit/fit_progress.h"

namespace cvm::interp::fit {

struct Checkpoint {
  std::string identity;
  FitProgress progress;
  std::vector<at::Tensor> leaves;        // float32, one per free parameter
  std::vector<at::Tensor> best_leaves;   // empty until a best exists
  std::vector<uint8_t> optimizer;        // optimizers.h save_optimizer_state
  std::vector<std::vector<at::Tensor>> layer_states;  // ExecutionPlan::save_states
};

void write_checkpoint(const std::string& path, const Checkpoint& c);
/// Throws io::DataError when the file is not a cvm checkpoint.
Checkpoint read_checkpoint(const std::string& path);

/// Layer states (any dtypes, undefined tensors kept as such) as bytes and back.
std::vector<uint8_t> serialize_states(const std::vector<std::vector<at::Tensor>>& states);
std::vector<std::vector<at::Tensor>> deserialize_states(const std::vector<uint8_t>& bytes);

}  // namespace cvm::interp::fit
