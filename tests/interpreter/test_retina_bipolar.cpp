// convis's Bipolar layer (kernels/retina_bipolar.h, std.convis Bipolar) and the vectorised
// exp it uses (kernels/vec_math.h): exp within 1 ulp of std::exp; the reference cases'
// outputs; the lambda_amp = 0 shortcut and the gradient path giving bitwise the general
// loop's numbers; chunked runs equal to whole runs; the backward pass against central
// finite differences in double precision.
#include <catch2/catch.hpp>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <functional>
#include <limits>
#include <optional>
#include <vector>

#include "frontend/semantic/compile.h"
#include "interpreter/kernels/retina_bipolar.h"
#include "interpreter/kernels/vec_math.h"
#include "interpreter/runtime/parameters.h"
#include "interpreter/runtime/plan.h"
#include "tests/support/compiled_model.h"
#include "tests/support/reference_file.h"
#include "tests/support/temp_dir.h"

using namespace cvm;
using kernels::BipolarParams;
using kernels::BipolarPath;
using kernels::BipolarState;

namespace {

int64_t ulp_distance(float a, float b) {
  if (std::isnan(a) || std::isnan(b)) return std::isnan(a) && std::isnan(b) ? 0 : std::numeric_limits<int32_t>::max();
  int32_t ia, ib;
  std::memcpy(&ia, &a, 4);
  std::memcpy(&ib, &b, 4);
  // Non-negative results only (exp): the bit patterns are ordered like the values.
  return std::llabs(static_cast<int64_t>(ia) - static_cast<int64_t>(ib));
}

at::Tensor scalar(double v, at::ScalarType dtype = at::kFloat) { return at::scalar_tensor(v, at::TensorOptions().dtype(dtype)); }

/// A 2-d gaussian of sigma pixels on a k x k grid, [1, 1, k, k], as convis builds one.
at::Tensor gaussian_weight(int64_t k, double sigma, at::ScalarType dtype = at::kFloat) {
  const at::Tensor r = at::arange(k, at::kDouble) - static_cast<double>(k / 2);
  const at::Tensor g = at::exp(-(r * r) / (2 * sigma * sigma));
  return (at::outer(g, g) / (2 * M_PI * sigma * sigma)).reshape({1, 1, k, k}).to(dtype);
}

BipolarParams params_of(double lambda_amp, double g_leak, double input_amp, const at::Tensor& weight, double bias,
                        at::ScalarType dtype = at::kFloat) {
  return {scalar(lambda_amp, dtype), scalar(g_leak, dtype), scalar(input_amp, dtype), weight, scalar(bias, dtype)};
}

/// Runs the kernel over x in chunks of the given sizes (cycled) from a fresh state.
at::Tensor run_chunks(const at::Tensor& x, const BipolarParams& p, std::vector<int64_t> sizes,
                      BipolarPath path = BipolarPath::Automatic, BipolarState* final_state = nullptr) {
  BipolarState state;
  std::vector<at::Tensor> parts;
  size_t k = 0;
  for (int64_t t = 0; t < x.size(2);) {
    const int64_t n = std::min(sizes[k++ % sizes.size()], x.size(2) - t);
    parts.push_back(kernels::retina_bipolar(x.narrow(2, t, n), p, state, path));
    t += n;
  }
  if (final_state) *final_state = state;
  return at::cat(parts, 2);
}

bool bitwise_equal(const at::Tensor& a, const at::Tensor& b) {
  return a.sizes() == b.sizes() && a.scalar_type() == b.scalar_type() &&
         std::memcmp(a.contiguous().data_ptr(), b.contiguous().data_ptr(), a.numel() * a.element_size()) == 0;
}

double relative_max_error(const at::Tensor& got, const at::Tensor& ref) {
  return (got.to(at::kDouble) - ref.to(at::kDouble)).abs().max().item<double>() /
         ref.to(at::kDouble).abs().max().item<double>();
}

}  // namespace

TEST_CASE("exp_float is within 1 ulp of std::exp and handles inf, NaN and underflow", "[kernels][vec_math]") {
  int64_t worst = 0;
  float worst_x = 0;
  std::vector<float> xs;
  // Every 61st float between -110 and 90 (a few tens of millions), and the edges.
  for (uint64_t bits = 0; bits < (uint64_t{1} << 32); bits += 61) {
    const auto b = static_cast<uint32_t>(bits);
    float x;
    std::memcpy(&x, &b, 4);
    if (x > -110.0f && x < 90.0f) xs.push_back(x);
  }
  for (float x : {0.0f, -0.0f, 1e-30f, -1e-30f, 88.72283f, 88.72284f, -87.33654f, -103.2789f, -103.9720f, -104.0f})
    xs.push_back(x);
  while (xs.size() % 4) xs.push_back(0.0f);
  int64_t lane_mismatches = 0;
  for (size_t i = 0; i < xs.size(); i += 4) {
    const kernels::Float4 lanes = kernels::exp_float(kernels::load4(&xs[i]));
    for (size_t l = 0; l < 4; ++l) {
      const float x = xs[i + l];
      const float got = kernels::exp_float(x);
      if (ulp_distance(got, lanes[l]) != 0) ++lane_mismatches;
      const int64_t d = ulp_distance(got, std::exp(x));
      if (d > worst) {
        worst = d;
        worst_x = x;
      }
    }
  }
  INFO("worst " << worst << " ulp at x = " << worst_x);
  CHECK(worst <= 1);
  CHECK(lane_mismatches == 0);
  const float inf = std::numeric_limits<float>::infinity();
  CHECK(kernels::exp_float(inf) == inf);
  CHECK(kernels::exp_float(-inf) == 0.0f);
  CHECK(std::isnan(kernels::exp_float(std::numeric_limits<float>::quiet_NaN())));
  CHECK(kernels::exp_float(100.0f) == inf);
  CHECK(kernels::exp_float(-200.0f) == 0.0f);
  CHECK(kernels::exp_float(-103.0f) == std::exp(-103.0f));  // subnormal
  const kernels::Float4 special =
      kernels::exp_float(kernels::Float4{inf, -inf, std::numeric_limits<float>::quiet_NaN(), -100.0f});
  CHECK(special[0] == inf);
  CHECK(special[1] == 0.0f);
  CHECK(std::isnan(special[2]));
  CHECK(special[3] == std::exp(-100.0f));
}

TEST_CASE("Bipolar reproduces convis's reference cases", "[retina][bipolar][reference]") {
  for (const char* name : {"retina_bipolar_default", "retina_bipolar_cgc"}) {
    const std::string c = std::string("/cases/") + name;
    const at::Tensor x = test::load_reference(c + "/input");
    const at::Tensor ref = test::load_reference(c + "/output/output");
    const BipolarParams p{test::load_reference(c + "/params/lambda_amp"), test::load_reference(c + "/params/g_leak"),
                          test::load_reference(c + "/params/input_amp"),
                          test::load_reference(c + "/params/conv2d_weight"),
                          test::load_reference(c + "/params/conv2d_bias")};
    for (const std::vector<int64_t>& chunks : std::vector<std::vector<int64_t>>{{1000}, {50}, {7}, {1, 3}}) {
      const double err = relative_max_error(run_chunks(x, p, chunks), ref);
      INFO(name << ", chunks of " << chunks[0] << ": error " << err << " of max|ref|");
      CHECK(err <= 1e-5);
    }
    // The general loop on the default case (lambda_amp = 0) too.
    CHECK(relative_max_error(run_chunks(x, p, {1000}, BipolarPath::General), ref) <= 1e-5);
  }
}

TEST_CASE("Bipolar: the lambda_amp = 0 shortcut gives bitwise the general loop's numbers", "[retina][bipolar]") {
  at::manual_seed(3);
  const at::Tensor x = at::rand({2, 2, 40, 9, 11}) * 2 - 0.5;
  for (double bias : {0.0, 0.25}) {
    const BipolarParams p = params_of(0.0, 50, 50, gaussian_weight(13, 2.0), bias);
    BipolarState fast_state, general_state;
    const at::Tensor fast = run_chunks(x, p, {40}, BipolarPath::Automatic, &fast_state);
    const at::Tensor general = run_chunks(x, p, {40}, BipolarPath::General, &general_state);
    CHECK(bitwise_equal(fast, general));
    CHECK(bitwise_equal(fast_state.V, general_state.V));
    CHECK(bitwise_equal(fast_state.inhibition, general_state.inhibition));
    CHECK(bitwise_equal(run_chunks(x, p, {7, 1, 13}), fast));
  }
  // A non-uniform inhibition set by a user cannot take the shortcut; the result is the general loop's.
  const BipolarParams p = params_of(0.0, 5, 150, gaussian_weight(5, 1.0), 0.0);
  BipolarState a, b;
  a.inhibition = b.inhibition = at::rand({9, 11}) + 0.5;
  CHECK(bitwise_equal(kernels::retina_bipolar(x, p, a), kernels::retina_bipolar(x, p, b, BipolarPath::General)));
}

TEST_CASE("Bipolar: chunked runs equal the whole run with gain control on", "[retina][bipolar]") {
  at::manual_seed(4);
  const at::Tensor x = at::rand({1, 3, 60, 8, 8});
  const BipolarParams p = params_of(100, 5, 150, gaussian_weight(13, 2.0), 0.0);
  const at::Tensor whole = run_chunks(x, p, {60});
  CHECK(bitwise_equal(run_chunks(x, p, {7}), whole));
  CHECK(bitwise_equal(run_chunks(x, p, {1, 2, 20}), whole));
  // Every plane runs the same recursion: a plane alone gives its part of the whole run.
  CHECK(bitwise_equal(run_chunks(x.narrow(1, 2, 1), p, {60}), whole.narrow(1, 2, 1)));
}

TEST_CASE("Bipolar: the gradient path's forward is bitwise the fused loop's", "[retina][bipolar][gradients]") {
  at::manual_seed(5);
  const at::Tensor x = at::rand({1, 2, 30, 7, 6});
  for (double lambda_amp : {0.0, 100.0}) {
    const BipolarParams p = params_of(lambda_amp, 5, 150, gaussian_weight(13, 2.0), 0.1);
    BipolarState fused_state, grad_state;
    at::Tensor fused;
    {
      at::NoGradGuard no_grad;
      fused = run_chunks(x, p, {30}, BipolarPath::Automatic, &fused_state);
    }
    BipolarParams q = p;
    q.g_leak = p.g_leak.clone().requires_grad_(true);
    const at::Tensor graded = run_chunks(x, q, {30}, BipolarPath::Automatic, &grad_state);
    REQUIRE(graded.requires_grad());
    CHECK(bitwise_equal(graded.detach(), fused));
    CHECK(bitwise_equal(grad_state.V.detach(), fused_state.V));
    CHECK(bitwise_equal(grad_state.inhibition.detach(), fused_state.inhibition));
  }
}

namespace {

/// Central finite differences of f with respect to every element of t (double), with the
/// fourth-order stencil (f(-2h) - 8 f(-h) + 8 f(h) - f(2h)) / 12h and h relative to the
/// element's size: its truncation error stays far below 1e-6 for steps large enough to keep
/// the rounding of f small (the gain control's feedback makes second-order stencils marginal).
at::Tensor finite_differences(const std::function<double()>& f, at::Tensor& t, double h) {
  at::Tensor grad = at::zeros_like(t);
  auto values = t.accessor<double, 1>();
  auto slopes = grad.accessor<double, 1>();
  for (int64_t i = 0; i < t.numel(); ++i) {
    const double v = values[i];
    const double step = h * std::max(1.0, std::abs(v));
    const auto at_offset = [&](double k) {
      values[i] = v + k * step;
      return f();
    };
    slopes[i] = (at_offset(-2) - 8 * at_offset(-1) + 8 * at_offset(1) - at_offset(2)) / (12 * step);
    values[i] = v;
  }
  return grad;
}

struct GradientCase {
  double lambda_amp, g_leak, input_amp, bias;
  at::Tensor weight;  // [1, 1, k, k], double
  bool check_weight;  // false for a rank-1 weight (its separable path does not follow a single-element change)
  std::vector<int64_t> chunks;
};

/// Compares the backward pass with central differences for a loss that weighs every output
/// frame and the final state with fixed random numbers.
void check_gradients(const GradientCase& gc) {
  at::manual_seed(11);
  const auto dbl = at::TensorOptions().dtype(at::kDouble);
  const int64_t B = 1, C = 2, T = 6, X = 5, Y = 4;
  std::vector<at::Tensor> leaves = {
      at::rand({B * C * T * X * Y}, dbl) * 0.2,               // x
      at::rand({X * Y}, dbl) * 0.05,                          // initial V
      at::rand({X * Y}, dbl) * 0.5 + 0.75,                    // initial inhibition
      at::full({1}, gc.lambda_amp, dbl), at::full({1}, gc.g_leak, dbl), at::full({1}, gc.input_amp, dbl),
      gc.weight.reshape({-1}).clone(), at::full({1}, gc.bias, dbl)};
  const at::Tensor r_out = at::randn({B, C, T, X, Y}, dbl);
  const at::Tensor r_V = at::randn({B, C, X, Y}, dbl), r_H = at::randn({B, C, X, Y}, dbl);
  const auto weight_shape = gc.weight.sizes().vec();
  const auto loss = [&](const std::vector<at::Tensor>& l) {
    const BipolarParams p{l[3], l[4], l[5], l[6].reshape(weight_shape), l[7]};
    BipolarState state{l[1].reshape({X, Y}), l[2].reshape({X, Y})};
    const at::Tensor x = l[0].reshape({B, C, T, X, Y});
    std::vector<at::Tensor> parts;
    size_t k = 0;
    for (int64_t t = 0; t < T;) {
      const int64_t n = std::min(gc.chunks[k++ % gc.chunks.size()], T - t);
      parts.push_back(kernels::retina_bipolar(x.narrow(2, t, n), p, state));
      t += n;
    }
    return (at::cat(parts, 2) * r_out).sum() + (state.V * r_V).sum() + (state.inhibition * r_H).sum();
  };
  std::vector<at::Tensor> graded;
  for (const at::Tensor& l : leaves) graded.push_back(l.clone().requires_grad_(true));
  loss(graded).backward();
  const char* names[] = {"x", "V", "inhibition", "lambda_amp", "g_leak", "input_amp", "conv2d_weight", "conv2d_bias"};
  for (size_t i = 0; i < leaves.size(); ++i) {
    if (i == 6 && !gc.check_weight) continue;
    at::NoGradGuard no_grad;
    const at::Tensor fd = finite_differences([&] { return loss(leaves).item<double>(); }, leaves[i], 1e-4);
    REQUIRE(graded[i].grad().defined());
    const double scale = fd.abs().max().item<double>();
    const double err = (graded[i].grad() - fd).abs().max().item<double>() / scale;
    INFO("lambda_amp = " << gc.lambda_amp << ", d loss / d " << names[i] << ": relative error " << err
                         << " (max |gradient| " << scale << ")");
    CHECK(scale > 0);
    CHECK(err <= 1e-6);
  }
}

}  // namespace

TEST_CASE("Bipolar's backward matches central finite differences", "[retina][bipolar][gradients]") {
  at::manual_seed(12);
  const at::Tensor random_weight = at::rand({1, 1, 3, 3}, at::kDouble) * 0.3 + 0.05;
  SECTION("gain control on, a random (non-separable) kernel, two chunks") {
    check_gradients({100, 5, 150, 0.1, random_weight, true, {4, 2}});
  }
  SECTION("gain control on, a gaussian kernel (separable path), one chunk") {
    check_gradients({40, 20, 50, 0.0, gaussian_weight(5, 1.0, at::kDouble), false, {6}});
  }
  SECTION("no gain control (lambda_amp = 0), chunks of 1 frame") {
    check_gradients({0, 50, 50, 0.0, random_weight, true, {1}});
  }
}

TEST_CASE("std.convis Bipolar: defaults, state, enabled = false", "[retina][bipolar]") {
  at::NoGradGuard no_grad;
  at::manual_seed(6);
  const at::Tensor x = at::rand({1, 1, 20, 6, 6});
  const auto m = test::compile_source("model B = Bipolar()");
  // convis's constructor defaults: lambda_amp 0, g_leak 50, input_amp 50, a 13x13 gaussian of 0.2 deg.
  const BipolarParams p = params_of(0, 50, 50, gaussian_weight(13, 2.0), 0);
  auto plan = m->plan();
  const at::Tensor got = plan->run_chunk({x})[0];
  CHECK(relative_max_error(got, run_chunks(x, p, {20})) <= 1e-6);

  // The declared states can be set: V for every plane, and the inhibition.
  auto fresh = m->plan();
  const at::Tensor V = at::rand({6, 6}), inhibition = at::rand({6, 6}) + 0.5;
  fresh->set_states({{"V", V}, {"inhibition", inhibition}});
  BipolarState state{V, inhibition};
  CHECK(relative_max_error(fresh->run_chunk({x})[0], kernels::retina_bipolar(x, p, state)) <= 1e-6);

  const auto off = test::compile_source("model B = Bipolar(enabled = false)");
  CHECK(off->params.empty());
  CHECK(bitwise_equal(off->plan()->run_chunk({x})[0], x));
}

TEST_CASE("Bipolar speed, 2000 x 50 x 50, one thread", "[.][bench][bipolar]") {
  at::NoGradGuard no_grad;
  at::set_num_threads(1);
  const at::Tensor x = at::rand({1, 1, 2000, 50, 50});
  for (double lambda_amp : {0.0, 100.0}) {
    const BipolarParams p = params_of(lambda_amp, 5, 150, gaussian_weight(13, 2.0), 0);
    double best = 1e9;
    for (int rep = 0; rep < 3; ++rep) {
      const auto start = std::chrono::steady_clock::now();
      (void)run_chunks(x, p, {200});
      best = std::min(best, std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    WARN("lambda_amp " << lambda_amp << ": " << best << " ms (best of 3, chunks of 200)");
  }
}
