// The fit's parameter space: free parameters through their bounds transforms, derived
// kernels rebuilt from free sources with the numbers `cvm run` builds, and gradients that
// reach the sources (checked against central finite differences of the whole model).
#include <catch2/catch.hpp>
#include <torch/torch.h>

#include <fstream>

#include "frontend/semantic/compile.h"
#include "interpreter/fit/param_space.h"
#include "interpreter/runtime/parameters.h"
#include "interpreter/runtime/plan.h"
#include "tests/support/temp_dir.h"

using namespace cvm;

namespace {

const char* kModel = R"(
import std.convis
model Blur {
  input x
  param sigma: length = 0.1 deg in [0.01 deg, 1 deg]
  param tau: time = 12 ms
  layer g = Conv3d(kernel_size = [1, 7, 7]) { weight = gaussian(sigma = sigma) }
  layer e = Conv3d(kernel_size = [60, 1, 1]) { weight = exponential(tau = tau) }
  x -> g -> e
  output y = e
}
)";

struct Fixture {
  test::TempDir dir{"cvm_param_space"};
  Compilation c;
  graph::ModelGraph g;
  std::vector<at::Tensor> start;
  Fixture() {
    std::string path = (dir.path / "m.cvm").string();
    std::ofstream(path) << kModel;
    auto compiled = compile_model(c, path, "");
    REQUIRE(compiled);
    g = *compiled;
    start = interp::materialise_params(g, dir.path.string());
  }
  std::vector<int> indices(std::initializer_list<const char*> paths) const {
    std::vector<int> out;
    for (const char* p : paths) out.push_back(g.find_param(p));
    return out;
  }
};

double objective(const graph::ModelGraph& g, const std::vector<at::Tensor>& values, const at::Tensor& x,
                 const at::Tensor& probe, at::Tensor* loss = nullptr) {
  interp::ExecutionPlan plan(g, values, {g.resolution, 0});
  at::Tensor l = (plan.run_chunk({x})[0].to(at::kDouble) * probe.to(at::kDouble)).sum();
  if (loss) *loss = l;
  return l.item<double>();
}

}  // namespace

TEST_CASE("parameter space values equal the run's numbers", "[fit]") {
  Fixture f;
  interp::fit::ParamSpace space(f.g, f.dir.path.string(), f.start, f.indices({"sigma", "tau"}), {});
  std::vector<at::Tensor> v = space.values();
  for (size_t i = 0; i < v.size(); ++i) {
    INFO(f.g.params[i].path);
    CHECK(at::allclose(v[i].detach(), f.start[i], 0, 1e-7 * (1 + f.start[i].abs().max().item<double>())));
  }
  CHECK(space.transform(0).name() == "logit");
  CHECK(space.transform(1).name() == "identity");
}

TEST_CASE("gradients reach the sources of derived kernels (finite differences)", "[fit][gradient]") {
  Fixture f;
  at::manual_seed(2);
  at::Tensor x = at::rand({1, 1, 40, 9, 9});
  at::Tensor probe = at::randn({1, 1, 40, 9, 9});
  interp::fit::ParamSpace space(f.g, f.dir.path.string(), f.start, f.indices({"sigma", "tau"}), {});
  at::Tensor loss;
  objective(f.g, space.values(), x, probe, &loss);
  loss.backward();
  // d loss / d value = d loss / d leaf / (d value / d leaf).
  for (size_t k = 0; k < 2; ++k) {
    const int i = space.free()[k];
    at::Tensor leaf = space.leaves()[k].detach().clone().set_requires_grad(true);
    at::Tensor value = space.transform(k).to_value(leaf);
    value.backward();
    double analytic = space.leaves()[k].grad().item<double>() / leaf.grad().item<double>();
    const double x0 = f.start[static_cast<size_t>(i)].item<double>(), h = 1e-3 * x0;
    auto shifted = [&](double v) {
      std::vector<at::Tensor> values;
      for (const auto& t : f.start) values.push_back(t.clone());
      values[static_cast<size_t>(i)] = at::scalar_tensor(v, at::kDouble);
      interp::rebuild_derived(f.g, f.dir.path.string(), values);
      values[static_cast<size_t>(i)] = at::scalar_tensor(v, at::kFloat);
      return objective(f.g, values, x, probe);
    };
    double numeric = (shifted(x0 + h) - shifted(x0 - h)) / (2 * h);
    INFO(f.g.params[static_cast<size_t>(i)].path << ": analytic " << analytic << ", numeric " << numeric);
    CHECK(analytic == Approx(numeric).epsilon(2e-3));
  }
}
