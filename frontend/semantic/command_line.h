// Values given on the command line, checked like values in a .cvm file: `--set
// PATH=VALUE` (a parameter and a value with units) and `--stimulus EXPR` (a stimulus
// call). Each text becomes a pseudo source file ("<--set>") so diagnostics point into it.
#pragma once

#include <optional>
#include <string>

#include "frontend/graph/model_graph.h"
#include "frontend/semantic/compile.h"

namespace cvm {

/// Applies `PATH=VALUE` to the graph; reports and returns false on errors.
bool apply_setting(Compilation& c, graph::ModelGraph& g, const std::string& spec);

/// The PATH part of `PATH=VALUE`, trimmed.
std::string setting_path(const std::string& spec);

/// Evaluates a stimulus expression such as `moving_grating(t = 2000, x = 50, y = 50)`.
std::optional<graph::Value> evaluate_stimulus(Compilation& c, const Resolution& r, const std::string& text);

}  // namespace cvm
