// Gradients of the differentiable kernels and layers (fitting, issue 5) against central
// finite differences in double precision (tests/support/gradcheck.h), and the grad-mode
// forward of a model against its run forward (bitwise equal in float32). Layers are run
// through an ExecutionPlan of a compiled model, in two chunks, so the state carried between
// chunks is differentiated too.
#include <catch2/catch.hpp>

#include <cstdio>
#include <fstream>
#include <memory>
#include <utility>

#include "frontend/semantic/compile.h"
#include "interpreter/kernels/causal_conv3d.h"
#include "interpreter/kernels/delay.h"
#include "interpreter/kernels/recursive_highpass.h"
#include "interpreter/kernels/recursive_lowpass.h"
#include "interpreter/kernels/spatial_recursive.h"
#include "interpreter/runtime/parameters.h"
#include "interpreter/runtime/plan.h"
#include "tests/support/compiled_model.h"
#include "tests/support/gradcheck.h"
#include "tests/support/temp_dir.h"

using namespace cvm;
namespace k = cvm::kernels;

namespace {

using test::CompiledModel;
using test::compile_source;

constexpr double kTolerance = 1e-6;

/// A float64 leaf requiring a gradient.
at::Tensor leaf(const at::Tensor& value) {
  return value.to(at::kDouble).contiguous().detach().clone().requires_grad_(true);
}

at::Tensor noise(at::IntArrayRef shape, uint64_t seed) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return at::randn(shape, gen, at::kDouble);
}

void check(const std::vector<test::GradientError>& errors) {
  for (const auto& e : errors) {
    std::printf("gradcheck %s\n", e.text().c_str());
    INFO(e.text());
    CHECK(e.relative() <= kTolerance);
    CHECK(e.max_gradient > 0);  // the check compared something
  }
}

/// The model's parameters in float64; those named in `free` become leaves requiring grad.
std::vector<at::Tensor> double_params(const CompiledModel& m, const test::NamedInputs& values,
                                      const std::vector<std::string>& free, test::NamedInputs* leaves) {
  std::vector<at::Tensor> params;
  for (size_t i = 0; i < m.params.size(); ++i) {
    at::Tensor p = m.params[i];
    for (const auto& [name, v] : values)
      if (m.graph.params[i].path == name) p = v;
    if (at::isFloatingType(p.scalar_type())) p = p.to(at::kDouble).contiguous().detach().clone();
    for (const auto& name : free)
      if (m.graph.params[i].path == name) {
        p.requires_grad_(true);
        leaves->emplace_back(name, p);
      }
    params.push_back(p);
  }
  return params;
}

/// FD check of a one-input, one-output model: the input x and the parameters `free`
/// (after setting `values`), the input run in two chunks of `first` and the rest frames.
void check_model(const std::string& source, const at::Tensor& x_value, const std::vector<std::string>& free,
                 const test::NamedInputs& values = {}, int64_t first = 3) {
  const auto m = compile_source(source);
  test::NamedInputs inputs;
  const at::Tensor x = leaf(x_value);
  inputs.emplace_back("x", x);
  interp::ExecutionPlan plan(m->graph, double_params(*m, values, free, &inputs), {m->graph.resolution});
  test::WeightedSum weighted;
  auto loss = [&] {
    plan.reset_state();
    const at::Tensor a = plan.run_chunk({x.narrow(2, 0, first)})[0];
    const at::Tensor b = plan.run_chunk({x.narrow(2, first, x.size(2) - first)})[0];
    return weighted({a, b});
  };
  INFO(source);
  check(test::gradcheck(loss, inputs));
}

/// Noise pushed at least `gap` away from `kink` (a nonlinearity's corner at bias + scale x
/// = 0 must not lie within a finite-difference step).
at::Tensor away_from(const at::Tensor& x, double kink, double gap) {
  const at::Tensor d = x - kink;
  return kink + at::where(d >= 0, d + gap, d - gap);
}

}  // namespace

TEST_CASE("the low-pass kernel's gradient w.r.t. x, tau and the initial state", "[gradients][lowpass]") {
  const at::Tensor x = leaf(noise({1, 2, 9, 3, 4}, 1)), tau = leaf(at::scalar_tensor(0.02));
  const at::Tensor y0 = leaf(noise({1, 2, 1, 3, 4}, 2));
  test::WeightedSum weighted;
  auto loss = [&] {
    const auto c = k::lowpass_coefficients(tau, 1000, at::kDouble);
    const auto r1 = k::recursive_lowpass(x.narrow(2, 0, 4), y0, c);
    const auto r2 = k::recursive_lowpass(x.narrow(2, 4, 5), r1.last_y, c);
    return weighted({r1.out, r2.out, r2.last_y});
  };
  check(test::gradcheck(loss, {{"x", x}, {"tau", tau}, {"initial y", y0}}));
  SECTION("from the start of a run") {
    test::WeightedSum weighted_start;
    auto start = [&] {
      return weighted_start({k::recursive_lowpass(x, {}, k::lowpass_coefficients(tau, 1000, at::kDouble)).out});
    };
    check(test::gradcheck(start, {{"x", x}, {"tau", tau}}));
  }
}

TEST_CASE("the high-pass kernel's gradient w.r.t. x, tau, k and the state", "[gradients][highpass]") {
  const at::Tensor x = leaf(noise({1, 2, 8, 3, 4}, 3)), tau = leaf(at::scalar_tensor(0.015));
  const at::Tensor gain = leaf(at::scalar_tensor(0.7));
  const at::Tensor z0 = leaf(noise({1, 2, 1, 3, 4}, 4)), x_prev = leaf(noise({1, 2, 1, 3, 4}, 5));
  test::WeightedSum weighted;
  SECTION("from a state, in two chunks") {
    auto loss = [&] {
      const auto c = k::highpass_coefficients(tau, gain, 1000, at::kDouble);
      const auto r1 = k::recursive_highpass(x.narrow(2, 0, 3), z0, x_prev, c);
      const auto r2 = k::recursive_highpass(x.narrow(2, 3, 5), r1.last_z, r1.last_x, c);
      return weighted({r1.out, r2.out, r2.last_z, r2.last_x});
    };
    check(test::gradcheck(loss, {{"x", x}, {"tau", tau}, {"k", gain}, {"initial z", z0}, {"initial x", x_prev}}));
  }
  SECTION("from the start of a run (x_{-1} := x_0)") {
    auto loss = [&] {
      const auto r = k::recursive_highpass(x, {}, {}, k::highpass_coefficients(tau, gain, 1000, at::kDouble));
      return weighted({r.out, r.last_z});
    };
    check(test::gradcheck(loss, {{"x", x}, {"tau", tau}, {"k", gain}}));
  }
}

TEST_CASE("the Deriche kernel's gradient w.r.t. x and the density", "[gradients][deriche]") {
  const at::Tensor density = leaf(at::scalar_tensor(0.6));
  for (auto shape : {std::vector<int64_t>{1, 2, 2, 5, 7}, {1, 1, 1, 1, 5}, {1, 1, 1, 2, 3}, {1, 1, 1, 4, 1}}) {
    const at::Tensor x = leaf(noise(shape, 6));
    test::WeightedSum weighted;
    auto loss = [&] { return weighted({k::spatial_recursive_gaussian(x, k::deriche_coefficient_tensor(density))}); };
    INFO("shape " << x.sizes());
    check(test::gradcheck(loss, {{"x", x}, {"density", density}}));
  }
}

TEST_CASE("the per-pixel delay's gradient w.r.t. x, across chunks", "[gradients][delay]") {
  const at::Tensor x = leaf(noise({1, 2, 9, 3, 4}, 7));
  const at::Tensor delays = at::tensor({0, 1, 2, 5, 3, 0, 4, 1, 2, 2, 6, 0}, at::kLong).reshape({3, 4});
  test::WeightedSum weighted;
  auto loss = [&] {
    k::DelayState state;
    const at::Tensor a = k::variable_delay(x.narrow(2, 0, 4), delays, state);
    const at::Tensor b = k::variable_delay(x.narrow(2, 4, 5), delays, state);
    return weighted({a, b});
  };
  check(test::gradcheck(loss, {{"x", x}}));
}

TEST_CASE("Conv3d's gradient w.r.t. x, weight and bias on both paths", "[gradients][conv3d]") {
  // On 8x8 frames a 2x3x3 kernel goes to at::conv3d, 5x5x5 to the FFT (checked via the
  // spectrum cache).
  for (const auto& [kt, ks] : std::vector<std::pair<int64_t, int64_t>>{{2, 3}, {5, 5}}) {
    const bool fft = kt == 5;
    const at::Tensor x = leaf(noise({1, 2, 12, 8, 8}, 8));
    const at::Tensor weight = leaf(0.2 * noise({2, 2, kt, ks, ks}, 9)), bias = leaf(noise({2}, 10));
    {
      at::NoGradGuard no_grad;
      k::TimeHistory h;
      k::causal_conv3d(x.detach().to(at::kFloat), weight.detach().to(at::kFloat), bias.detach(), h);
      REQUIRE(h.spectrum.spectrum.defined() == fft);
    }
    test::WeightedSum weighted;
    k::TimeHistory history;
    auto loss = [&] {
      history = {};
      const at::Tensor a = k::causal_conv3d(x.narrow(2, 0, 5), weight, bias, history);
      const at::Tensor b = k::causal_conv3d(x.narrow(2, 5, 7), weight, bias, history);
      return weighted({a, b});
    };
    INFO((fft ? "FFT" : "direct") << " path, kernel " << weight.sizes());
    check(test::gradcheck(loss, {{"x", x}, {"weight", weight}, {"bias", bias}}));
  }
}

TEST_CASE("layers differentiate through an execution plan", "[gradients][layers]") {
  SECTION("TemporalLowPassFilterRecursive") {
    check_model("model M = TemporalLowPassFilterRecursive(tau = 20 ms)", noise({1, 1, 8, 3, 4}, 11), {"tau"});
  }
  SECTION("TemporalHighPassFilterRecursive") {
    check_model("model M = TemporalHighPassFilterRecursive(tau = 12 ms, k = 0.6)", noise({1, 1, 8, 3, 4}, 12),
                {"tau", "k"});
  }
  SECTION("SpatialRecursiveFilter") {
    check_model("model M = SpatialRecursiveFilter(density = 0.5)", noise({1, 1, 4, 6, 5}, 13), {"density"});
  }
  SECTION("nonlinearities") {
    // bias + scale x stays >= 0.05 away from 0 (the rectifiers' corner).
    const at::Tensor x = away_from(noise({1, 1, 6, 3, 4}, 14), -0.1 / 1.5, 0.05);
    check_model("model M = NLRectify()", away_from(noise({1, 1, 6, 3, 4}, 15), 0, 0.05), {});
    for (const char* nl : {"NLRectifyScale", "NLSquare", "NLRectifySquare"})
      check_model(std::string("model M = ") + nl + "(scale = 1.5, bias = 0.1)", x, {"scale", "bias"});
  }
  SECTION("Conv3d, direct and FFT") {
    // The same sizes as the kernel test above: at::conv3d, then the FFT.
    for (const auto& [kt, ks] : std::vector<std::pair<int64_t, int64_t>>{{2, 3}, {5, 5}}) {
      const std::string source = "model M = Conv3d(in_channels = 2, out_channels = 2, kernel_size = [" +
                                 std::to_string(kt) + ", " + std::to_string(ks) + ", " + std::to_string(ks) + "])";
      check_model(source, noise({1, 2, 12, 8, 8}, 16), {"weight", "bias"},
                  {{"weight", 0.2 * noise({2, 2, kt, ks, ks}, 17)}, {"bias", noise({2}, 18)}}, 5);
    }
  }
  SECTION("VariableDelay") {
    check_model("model M = VariableDelay(shape = [3, 4])", noise({1, 1, 9, 3, 4}, 19), {},
                {{"delays", at::tensor({0., 1., 2., 5., 3., 0., 4., 1., 2., 2., 6., 0.}).reshape({3, 4})}}, 4);
  }
}

TEST_CASE("the grad-mode forward equals the run forward bitwise", "[gradients][bitwise]") {
  const auto m = compile_source(R"(
model Chain {
  input s
  layer fft = Conv3d(kernel_size = [6, 5, 5]) { weight = random(seed = 3, scale = 0.1) }
  layer direct = Conv3d(kernel_size = [2, 3, 3]) { weight = random(seed = 4, scale = 0.3) }
  layer lp = TemporalLowPassFilterRecursive(tau = 15 ms)
  layer hp = TemporalHighPassFilterRecursive(tau = 30 ms, k = 0.4)
  layer sr = SpatialRecursiveFilter(density = 0.7)
  layer nl = NLRectifySquare(scale = 2, bias = 0.1)
  layer delay = VariableDelay(shape = [16, 16])
  s -> fft -> direct -> lp -> hp -> sr -> nl -> delay
  output out = delay
}
)");
  const int di = m->param_index("delay.delays");
  m->params[static_cast<size_t>(di)] = (at::arange(256, at::kFloat) % 7).reshape({16, 16});
  const at::Tensor x = noise({1, 1, 60, 16, 16}, 20).to(at::kFloat);
  auto run = [&](const std::vector<at::Tensor>& params) {
    interp::ExecutionPlan plan(m->graph, params, {m->graph.resolution});
    std::vector<at::Tensor> parts;
    for (int64_t t = 0; t < x.size(2); t += 20) parts.push_back(plan.run_chunk({x.narrow(2, t, 20)})[0]);
    return at::cat(parts, 2);
  };
  at::Tensor plain;
  {
    at::NoGradGuard no_grad;
    plain = run(m->params);
  }
  std::vector<at::Tensor> free;
  for (size_t i = 0; i < m->params.size(); ++i) {
    at::Tensor p = m->params[i].detach().clone();
    if (static_cast<int>(i) != di) p.requires_grad_(true);
    free.push_back(p);
  }
  const at::Tensor fitted = run(free);
  REQUIRE(fitted.requires_grad());
  CHECK(at::equal(fitted.detach(), plain));
  CHECK(plain.abs().max().item<double>() > 0);
  fitted.sum().backward();
  for (size_t i = 0; i < free.size(); ++i) {
    if (static_cast<int>(i) == di) continue;
    INFO(m->graph.params[i].path);
    CHECK(free[i].grad().defined());
  }
}
