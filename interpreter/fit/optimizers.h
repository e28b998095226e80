// The optimizers a fit block may name (`optimizer Adam(lr = 0.01)`): torch::optim's SGD,
// Adam, AdamW, Adagrad, RMSprop and LBFGS with their options under torch's names and
// torch's defaults. The checker has already rejected unknown names and settings; this
// file maps the checked settings onto the option structs, and saves and restores an
// optimizer's whole state as bytes (for checkpoints).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "frontend/graph/value.h"

namespace torch::optim {
class Optimizer;
}

namespace cvm::interp::fit {

using OptimizerSettings = std::vector<std::pair<std::string, graph::Value>>;

std::unique_ptr<torch::optim::Optimizer> make_optimizer(const std::string& name, const OptimizerSettings& settings,
                                                        const std::vector<at::Tensor>& leaves);

/// Whether step() calls its closure more than once (LBFGS).
bool optimizer_reevaluates(const std::string& name);

/// The optimizer's state (moments, step counts, LBFGS history) as bytes, and back into
/// an optimizer made by make_optimizer with the same settings and leaves.
std::vector<uint8_t> save_optimizer_state(torch::optim::Optimizer& optimizer);
void load_optimizer_state(torch::optim::Optimizer& optimizer, const std::vector<uint8_t>& bytes);

}  // namespace cvm::interp::fit
