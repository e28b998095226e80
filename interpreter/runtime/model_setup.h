// What every computing verb does first: compile the model (frontend), apply --set values,
// build parameter tensors, load --params, select device and threads. Errors are printed
// as diagnostics; the result says which exit code to use.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <set>
#include <string>

#include "frontend/semantic/compile.h"
#include "interpreter/engine_api.h"
#include "interpreter/runtime/layer.h"

namespace cvm::interp {

struct ModelSetup {
  Compilation compilation;
  std::optional<graph::ModelGraph> graph;
  std::vector<at::Tensor> params;
};

/// Compiles the model of a request: by default compile_model(file, model); a fit compiles
/// its fit block's model instead.
using ModelCompiler = std::function<std::optional<graph::ModelGraph>(Compilation&)>;

/// Builds the model of a request. Returns kExitOk, or the exit code after printing why not.
/// `given` (when not null) receives the flat names the parameter file gave and --set did
/// not override (the derived parameters among them are not rebuilt).
int setup_model(const ModelRequest& request, ModelSetup& setup, const ModelCompiler& compile = {},
                std::set<std::string>* given = nullptr);

/// Prints an error of the model or data: as a diagnostic with the source line when the
/// error has a range, else as `cvm: error: ...`.
void report_error(const Compilation& c, const std::string& code, SourceRange range, const std::string& message);

/// Runs `body`, turning exceptions into printed errors and exit codes (1 for model and
/// data errors, 3 for internal ones).
int guarded(const Compilation* c, const std::function<int()>& body);

}  // namespace cvm::interp
