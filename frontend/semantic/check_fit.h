// Checking `fit` blocks: the model exists, inputs and targets name its inputs and
// outputs, losses and optimizers are known, free parameters exist and reach a target,
// numbers are integers where they count steps. Executed by `cvm fit` (interpreter).
#pragma once

#include <map>

#include "frontend/graph/model_graph.h"
#include "frontend/semantic/program.h"

namespace cvm {

/// Losses a target may use; the keywords are fixed.
const std::vector<std::string>& loss_names();
/// torch::optim optimizers a fit may use.
const std::vector<std::string>& optimizer_names();

void check_fit(const Program& program, FileId file, const ast::FitDecl& fit,
               const std::map<std::string, graph::ModelGraph>& graphs, DiagnosticSink& sink);

}  // namespace cvm
