// Checking `fit` blocks and building the checked fit (graph::FitSpec): the model exists,
// inputs and targets name its inputs and outputs, losses, optimizers and their settings
// are known, free parameters exist, can be fitted and reach a target (through layers,
// ties and initialisers), numbers are integers where they count. Executed by `cvm fit`.
#pragma once

#include <map>
#include <optional>

#include "frontend/graph/fit_spec.h"
#include "frontend/graph/model_graph.h"
#include "frontend/semantic/program.h"

namespace cvm {

/// Losses a target may use; the keywords are fixed.
const std::vector<std::string>& loss_names();
/// torch::optim optimizers a fit may use.
const std::vector<std::string>& optimizer_names();
/// The settings optimizer `name` accepts (torch's option names), or empty when unknown.
std::vector<std::string> optimizer_setting_names(const std::string& name);

/// The name a fit is chosen by (`cvm fit --fit NAME`): `as NAME`, or the model's name.
std::string fit_name(const ast::FitDecl& fit);

/// Checks `fit` (declared in `file`) against the graph of its model in `graphs` (a model
/// missing there had errors, or is not visible: reported). Returns the checked fit when
/// this fit has no errors.
std::optional<graph::FitSpec> check_fit(const Program& program, FileId file, const ast::FitDecl& fit,
                                        const std::map<std::string, graph::ModelGraph>& graphs,
                                        DiagnosticSink& sink);

}  // namespace cvm
