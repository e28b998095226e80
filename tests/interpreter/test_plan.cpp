// The execution plan: chunk invariance of whole models (every stateful layer of the
// example: Conv3d history, recursive low-pass), state reset and push/pop.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>

#include "frontend/semantic/compile.h"
#include "interpreter/kernels/stimuli.h"
#include "interpreter/runtime/parameters.h"
#include "interpreter/runtime/plan.h"
#include "interpreter/runtime/tensor_array.h"
#include "tests/support/temp_dir.h"

using namespace cvm;

namespace {

graph::ModelGraph compile_text(Compilation& c, const std::string& source) {
  test::TempDir dir("cvm_test_plan");
  std::string path = dir / "model.cvm";
  {
    std::ofstream f(path);
    f << source;
  }
  auto g = compile_model(c, path, "");
  if (!g) FAIL("model did not compile");
  return *g;
}

at::Tensor run_in_chunks(interp::ExecutionPlan& plan, const at::Tensor& x, const std::vector<int64_t>& sizes) {
  std::vector<at::Tensor> parts;
  int64_t t = 0;
  size_t k = 0;
  while (t < x.size(2)) {
    int64_t n = std::min(sizes[k++ % sizes.size()], x.size(2) - t);
    parts.push_back(plan.run_chunk({x.narrow(2, t, n)})[0]);
    t += n;
  }
  return at::cat(parts, 2);
}

const char* kModel = R"(
import std.convis
model Chain {
  input s
  layer conv = Conv3d(kernel_size = [12, 3, 3]) { weight = random(seed = 3, scale = 0.1) }
  layer lp = TemporalLowPassFilterRecursive(tau = 15 ms)
  layer nl = NLRectifyScale(scale = 2, bias = 0.1)
  s -> conv -> lp -> nl
  output out = nl
}
)";

}  // namespace

TEST_CASE("any chunking of a model with stateful layers equals the whole run", "[plan][chunking]") {
  at::NoGradGuard guard;
  Compilation c;
  auto g = compile_text(c, kModel);
  auto params = interp::materialise_params(g, ".");
  interp::ExecutionPlan plan(g, params, {g.resolution});
  kernels::MovingGrating grating(240, 9, 11);
  at::Tensor x = interp::tensor_from_array(grating.read(0, 240)) + 0.3 * at::randn({1, 1, 240, 9, 11});
  at::Tensor whole = plan.run_chunk({x})[0];
  std::mt19937 rng(7);
  for (int trial = 0; trial < 10; ++trial) {
    std::vector<int64_t> sizes;
    for (int i = 0; i < 20; ++i) sizes.push_back(1 + static_cast<int64_t>(rng() % 37));
    plan.reset_state();
    at::Tensor chunked = run_in_chunks(plan, x, sizes);
    double err = (chunked - whole).abs().max().item<double>() / whole.abs().max().item<double>();
    CHECK(err < 1e-6);
  }
}

TEST_CASE("push and pop restore the state of every layer", "[plan][state]") {
  at::NoGradGuard guard;
  Compilation c;
  auto g = compile_text(c, kModel);
  interp::ExecutionPlan plan(g, interp::materialise_params(g, "."), {g.resolution});
  at::Tensor x = at::randn({1, 1, 60, 5, 5});
  plan.run_chunk({x.narrow(2, 0, 30)});
  plan.push_state();
  at::Tensor first = plan.run_chunk({x.narrow(2, 30, 30)})[0];
  plan.pop_state();
  at::Tensor again = plan.run_chunk({x.narrow(2, 30, 30)})[0];
  CHECK(at::equal(first, again));
  plan.reset_state();
  at::Tensor from_start = plan.run_chunk({x.narrow(2, 0, 30)})[0];
  plan.reset_state();
  CHECK(at::equal(from_start, plan.run_chunk({x.narrow(2, 0, 30)})[0]));
}

TEST_CASE("a tied parameter shares its target's tensor", "[plan][params]") {
  Compilation c;
  auto g = compile_text(c, R"(
import std.convis
model M {
  input s
  param gain: real = 3
  layer nl = NLRectifyScale(scale = gain)
  s -> nl
  output o = nl
})");
  auto params = interp::materialise_params(g, ".");
  int gain = g.find_param("gain"), scale = g.find_param("nl.scale");
  REQUIRE(gain >= 0);
  REQUIRE(scale >= 0);
  params[static_cast<size_t>(gain)].fill_(5.0);
  CHECK(params[static_cast<size_t>(scale)].item<double>() == 5.0);
}
