// The frontend's entry points, in pass order: load (parse + imports) -> elaborate each
// model (names, units, shapes) -> check fit blocks. `cvm check`, `cvm graph`, `cvm fit`
// and the interpreter all go through here.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "frontend/graph/fit_spec.h"
#include "frontend/graph/model_graph.h"
#include "frontend/semantic/program.h"

namespace cvm {

/// Everything one compilation owns: sources, diagnostics, loaded files.
struct Compilation {
  SourceManager sources;
  DiagnosticSink sink;
  Program program{sources};
  std::optional<FileId> entry;
};

/// Loads `path` and checks every model in it that needs no arguments, and every fit
/// block. Returns false when errors were reported.
bool check_file(Compilation& c, const std::string& path);

/// Loads `path` and builds the graph of model `model` (or of the file's only model when
/// `model` is empty).
std::optional<graph::ModelGraph> compile_model(Compilation& c, const std::string& path,
                                               const std::string& model);

/// A fit block, checked, with the graph of the model it fits.
struct CompiledFit {
  graph::ModelGraph graph;
  graph::FitSpec spec;
};

/// Loads `path` and compiles its fit `fit` (chosen by `as NAME`, else by the model's name;
/// empty: the file's only fit): builds the model's graph, applies `sets` (`PATH=VALUE`, as
/// `--set` does) and checks the fit. Returns nullopt when errors were reported.
std::optional<CompiledFit> compile_fit(Compilation& c, const std::string& path, const std::string& fit,
                                       const std::vector<std::string>& sets = {});

}  // namespace cvm
