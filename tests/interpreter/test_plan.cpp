// The execution plan: chunk invariance of whole models (every stateful layer of the
// example: Conv3d history, recursive low-pass), state reset and push/pop, which outputs
// each layer is told are read, and records of nodes, ports and composite instances.
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <random>

#include "frontend/semantic/compile.h"
#include "interpreter/kernels/stimuli.h"
#include "interpreter/runtime/layer_registry.h"
#include "interpreter/runtime/parameters.h"
#include "interpreter/runtime/plan.h"
#include "interpreter/runtime/tensor_array.h"
#include "tests/support/temp_dir.h"

using namespace cvm;

namespace {

graph::ModelGraph compile_text(Compilation& c, const std::string& source, const std::string& model = "") {
  test::TempDir dir("cvm_test_plan");
  std::string path = dir / "model.cvm";
  {
    std::ofstream f(path);
    f << source;
  }
  auto g = compile_model(c, path, model);
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

/// A test primitive with two outputs: y = 2 x, extra = x + 1, computed only when needed
/// (an unneeded one is left undefined, as Layer::set_needed_outputs allows). With
/// `lazy = true` it also leaves `y` undefined, which the plan must report.
class TwoPorts : public interp::Layer {
 public:
  explicit TwoPorts(bool lazy) : lazy_(lazy) {}
  std::vector<at::Tensor> forward(const std::vector<at::Tensor>& in) override {
    return {needed_[0] && !lazy_ ? in[0] * 2 : at::Tensor(), needed_[1] ? in[0] + 1 : at::Tensor()};
  }
  void set_needed_outputs(const std::vector<bool>& needed) override {
    needed_ = needed;
    last_needed() = needed;
  }
  static std::vector<bool>& last_needed() {
    static std::vector<bool> v;
    return v;
  }

 private:
  bool lazy_;
  std::vector<bool> needed_{true, true};
};

const bool kTwoPortsRegistered = interp::register_layer("TestTwoPorts", [](const graph::Node& n, const interp::LayerContext&) {
  return std::make_unique<TwoPorts>(interp::arg_bool(n, "lazy"));
});

const char* kTwoPorts = R"(
primitive TestTwoPorts(lazy: bool = false) {
  input x
  output y
  output extra
}
model Inner(lazy: bool = false) {
  input x
  layer t = TestTwoPorts(lazy)
  x -> t.x
  output y = t.y
}
model Both {
  input x
  layer t = TestTwoPorts()
  x -> t.x
  output y = t.y
  output extra = t.extra
}
)";

}  // namespace

TEST_CASE("each layer is told which of its outputs are read, records included", "[plan][needed]") {
  REQUIRE(kTwoPortsRegistered);
  Compilation c;
  auto g = compile_text(c, std::string(kTwoPorts) + "model M { input s; layer opl = Inner(); s -> opl; output o = opl }", "M");
  auto params = interp::materialise_params(g, ".");
  at::Tensor x = at::randn({1, 1, 4, 2, 2});
  {
    interp::ExecutionPlan plan(g, params, {g.resolution});
    CHECK(TwoPorts::last_needed() == std::vector<bool>{true, false});
    CHECK(at::equal(plan.run_chunk({x})[0], x * 2));
  }
  interp::ExecutionPlan plan(g, params, {g.resolution}, {"opl.t.extra", "opl", "opl.y", "opl.t"});
  CHECK(TwoPorts::last_needed() == std::vector<bool>{true, true});
  std::vector<at::Tensor> recorded;
  auto out = plan.run_chunk({x}, &recorded);
  REQUIRE(recorded.size() == 4);
  CHECK(at::equal(recorded[0], x + 1));
  CHECK(at::equal(recorded[1], out[0]));
  CHECK(at::equal(recorded[2], out[0]));
  CHECK(at::equal(recorded[3], out[0]));
}

TEST_CASE("a layer that leaves a needed output undefined is an error naming it", "[plan][needed]") {
  REQUIRE(kTwoPortsRegistered);
  Compilation c;
  auto g = compile_text(c, std::string(kTwoPorts) + "model M { input s; layer opl = Inner(lazy = true); s -> opl; output o = opl }", "M");
  interp::ExecutionPlan plan(g, interp::materialise_params(g, "."), {g.resolution});
  try {
    plan.run_chunk({at::zeros({1, 1, 2, 2, 2})});
    FAIL("no error");
  } catch (const interp::RuntimeError& e) {
    CHECK(std::string(e.what()) == "layer 'opl.t' (TestTwoPorts) computed no value for its output 'y'");
  }
}

TEST_CASE("a composite instance is recorded by its path, or by path.output when it has several", "[plan][record]") {
  REQUIRE(kTwoPortsRegistered);
  Compilation c;
  auto g = compile_text(c, std::string(kTwoPorts) +
                               "model M { input s; layer b = Both(); s -> b.x; output o = b.y; output e = b.extra }", "M");
  REQUIRE(g.instances.size() == 1);
  CHECK(g.instances[0].path == "b");
  CHECK(g.instances[0].type == "Both");
  REQUIRE(g.instances[0].outputs.size() == 2);
  CHECK(g.instances[0].outputs[1].first == "extra");
  auto params = interp::materialise_params(g, ".");
  interp::ExecutionPlan plan(g, params, {g.resolution}, {"b.extra"});
  at::Tensor x = at::randn({1, 1, 3, 2, 2});
  std::vector<at::Tensor> recorded;
  plan.run_chunk({x}, &recorded);
  CHECK(at::equal(recorded.at(0), x + 1));
  auto message = [&](const std::string& path) {
    try {
      interp::ExecutionPlan p(g, params, {g.resolution}, {path});
    } catch (const interp::RuntimeError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(message("b") == "--record: layer 'b' (Both) has several outputs; name one: y, extra");
  CHECK(message("b.z") == "--record: layer 'b' (Both) has no output 'z' (its outputs: y, extra)");
  CHECK(message("b.t.z") == "--record: layer 'b.t' has no output 'z' (its outputs: y, extra)");
  CHECK(message("nope") == "--record: model 'M' has no layer 'nope' (its layers: b, b.t)");
}

TEST_CASE("nested composite instances keep their paths after the nodes are reordered", "[plan][record]") {
  REQUIRE(kTwoPortsRegistered);
  Compilation c;
  auto g = compile_text(c, std::string(kTwoPorts) +
                               "model Outer { input x; layer i = Inner(); layer j = Inner(); x -> j; j -> i; output y = i }\n"
                               "model M { input s; layer o = Outer(); s -> o; output out = o }", "M");
  std::vector<std::string> paths;
  for (const auto& inst : g.instances) paths.push_back(inst.path);
  CHECK(paths == std::vector<std::string>{"o.i", "o.j", "o"});
  interp::ExecutionPlan plan(g, interp::materialise_params(g, "."), {g.resolution}, {"o.j", "o.i", "o"});
  at::Tensor x = at::randn({1, 1, 3, 2, 2});
  std::vector<at::Tensor> recorded;
  auto out = plan.run_chunk({x}, &recorded);
  CHECK(at::equal(recorded.at(0), x * 2));
  CHECK(at::equal(recorded.at(1), x * 4));
  CHECK(at::equal(recorded.at(2), out[0]));
}

TEST_CASE("set_params rebinds the layers' parameters; save and restore every state", "[plan][params]") {
  at::NoGradGuard guard;
  Compilation c;
  auto g = compile_text(c, kModel);
  auto params = interp::materialise_params(g, ".");
  interp::ExecutionPlan plan(g, params, {g.resolution});
  at::Tensor x = at::randn({1, 1, 20, 5, 5});
  at::Tensor before = plan.run_chunk({x})[0];
  auto states = plan.save_states();
  std::vector<at::Tensor> doubled;
  for (const auto& p : params) doubled.push_back(p.clone());
  doubled[static_cast<size_t>(g.find_param("nl.scale"))].fill_(4.0);
  plan.set_params(doubled);
  at::Tensor after = plan.run_chunk({x})[0];
  plan.restore_states(states);
  CHECK(at::allclose(plan.run_chunk({x})[0], after));
  plan.set_params(params);
  plan.reset_state();
  CHECK(at::equal(plan.run_chunk({x})[0], before));
  plan.push_state();
  plan.discard_pushed();
  CHECK_THROWS_AS(plan.pop_state(), std::logic_error);
}

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
