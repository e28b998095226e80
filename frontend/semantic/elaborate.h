// Elaboration: instantiates a model (and, recursively, the models and primitives it
// uses) into a flat, checked ModelGraph. Names, argument types and units, parameter
// bindings, overrides, connections, channel counts and kernel ranks are checked here.
#pragma once

#include <optional>

#include "frontend/graph/model_graph.h"
#include "frontend/semantic/program.h"

namespace cvm {

/// Builds the graph of `model`, declared in `file`, at the resolution of `entry` (the file
/// the user named). Returns nullopt when errors were reported.
std::optional<graph::ModelGraph> elaborate(const Program& program, FileId entry, FileId file,
                                           const ast::ModelDecl& model, DiagnosticSink& sink);

}  // namespace cvm
