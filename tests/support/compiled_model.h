// A model compiled from a line or two of source in tests: `import std.convis` plus the
// source, written to a temporary file and compiled (the file's only model), with its
// default parameters materialised. The Compilation is kept alive with the graph, since
// plans and diagnostics refer to it. A model that does not compile fails the test.
#pragma once

#include <catch2/catch.hpp>

#include <fstream>
#include <memory>
#include <string>
#include <vector>

#include "frontend/semantic/compile.h"
#include "interpreter/runtime/parameters.h"
#include "interpreter/runtime/plan.h"
#include "tests/support/temp_dir.h"

namespace cvm::test {

struct CompiledModel {
  Compilation compilation;
  graph::ModelGraph graph;
  std::vector<at::Tensor> params;  // materialised, float32

  int param_index(const std::string& path) const {
    const int i = graph.find_param(path);
    if (i < 0) FAIL("no parameter " << path);
    return i;
  }
  /// A fresh plan over the default parameters.
  std::unique_ptr<interp::ExecutionPlan> plan() const {
    return std::make_unique<interp::ExecutionPlan>(graph, params, interp::LayerContext{graph.resolution});
  }
};

inline std::unique_ptr<CompiledModel> compile_source(const std::string& source) {
  auto m = std::make_unique<CompiledModel>();
  TempDir dir("cvm_test_model");
  const std::string path = dir / "model.cvm";
  std::ofstream(path) << "import std.convis\n" << source << "\n";
  auto g = compile_model(m->compilation, path, "");
  if (!g) FAIL("model did not compile: " << source);
  m->graph = *g;
  m->params = interp::materialise_params(m->graph, ".");
  return m;
}

}  // namespace cvm::test
