// convis's OPL layers (stdlib/convis/retina_opl.cvm) and the replicate-padded blur under
// them: the blur against at::conv2d on a replicate-padded input (separable and direct paths,
// float and double, frames smaller than the kernel) and its adjoint (<A x, y> == <x, A^T y>,
// and the weight gradient against the linearity in the weight); the OPL filters' grad-mode
// forward against their fused forward, and their gradients against central finite
// differences in double precision, run in two chunks through an execution plan.
#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <memory>
#include <vector>

#include <torch/torch.h>

#include "frontend/semantic/compile.h"
#include "interpreter/kernels/filter_kernels.h"
#include "interpreter/kernels/replicate_blur.h"
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

double relative_error(const at::Tensor& got, const at::Tensor& ref) {
  REQUIRE(got.sizes() == ref.sizes());
  const double scale = std::max(ref.abs().max().item<double>(), 1e-30);
  return (got.to(at::kDouble) - ref.to(at::kDouble)).abs().max().item<double>() / scale;
}

/// convis's blur: replicate pad floor(K/2) before and K - floor(K/2) - 1 after, then conv2d
/// (a correlation with the stored weight). frames: [F, X, Y]; weight: [kx, ky].
at::Tensor blur_with_aten(const at::Tensor& frames, const at::Tensor& weight) {
  const int64_t kx = weight.size(0), ky = weight.size(1);
  const at::Tensor padded = at::replication_pad2d(
      frames.unsqueeze(1), {ky / 2, ky - ky / 2 - 1, kx / 2, kx - kx / 2 - 1});
  return at::conv2d(padded, weight.view({1, 1, kx, ky})).squeeze(1);
}

template <typename T>
at::Tensor blur_with_kernel(const k::BlurKernel<T>& kernel, const at::Tensor& frames) {
  const at::Tensor in = frames.contiguous();
  at::Tensor out = at::empty_like(in);
  k::replicate_blur<T>(kernel, in.data_ptr<T>(), out.data_ptr<T>(), in.size(0), in.size(1),
                       in.size(2));
  return out;
}

template <typename T>
k::BlurKernel<T> kernel_of(const at::Tensor& weight, bool force_direct = false) {
  const at::Tensor w = weight.contiguous();
  const int kx = static_cast<int>(w.size(0)), ky = static_cast<int>(w.size(1));
  return force_direct ? k::BlurKernel<T>::direct(w.data_ptr<T>(), kx, ky)
                      : k::BlurKernel<T>::from(w.data_ptr<T>(), kx, ky);
}

/// The adjoint applied to g: (A^T g, grad_w) starting from zeros.
template <typename T>
std::pair<at::Tensor, at::Tensor> adjoint_of(const k::BlurKernel<T>& kernel, const at::Tensor& g,
                                             const at::Tensor& in) {
  at::Tensor grad_in = at::zeros_like(g);
  at::Tensor grad_w = at::zeros({kernel.kx, kernel.ky}, g.options());
  k::replicate_blur_adjoint<T>(kernel, g.data_ptr<T>(), grad_in.data_ptr<T>(),
                               grad_w.data_ptr<T>(), in.data_ptr<T>(), g.size(0), g.size(1),
                               g.size(2));
  return {grad_in, grad_w};
}

at::Tensor noise(at::IntArrayRef shape, uint64_t seed) {
  at::Generator gen = at::make_generator<at::CPUGeneratorImpl>(seed);
  return at::randn(shape, gen, at::kDouble);
}

/// The model's parameters with every floating one a leaf of `dtype` requiring a gradient,
/// listed in `leaves` (when given) by path.
std::vector<at::Tensor> free_params(const CompiledModel& m, at::ScalarType dtype, test::NamedInputs* leaves) {
  std::vector<at::Tensor> params;
  for (size_t i = 0; i < m.params.size(); ++i) {
    at::Tensor p = m.params[i];
    if (at::isFloatingType(p.scalar_type())) {
      p = p.to(dtype).contiguous().detach().clone().requires_grad_(true);
      if (leaves) leaves->emplace_back(m.graph.params[i].path, p);
    }
    params.push_back(p);
  }
  return params;
}

/// Every output of the plan for x run in chunks of `chunk` frames, joined along time.
std::vector<at::Tensor> run_chunked(interp::ExecutionPlan& plan, const at::Tensor& x, int64_t chunk) {
  plan.reset_state();
  std::vector<std::vector<at::Tensor>> parts;
  for (int64_t t = 0; t < x.size(2); t += chunk) {
    auto outs = plan.run_chunk({x.narrow(2, t, std::min(chunk, x.size(2) - t))});
    parts.resize(outs.size());
    for (size_t i = 0; i < outs.size(); ++i) parts[i].push_back(outs[i]);
  }
  std::vector<at::Tensor> joined;
  for (const auto& p : parts) joined.push_back(at::cat(p, 2));
  return joined;
}

const char* const kHalfRecursive = "model M = HalfRecursiveOPLFilter(surround_size = 5) { sigma_surround = 0.07 deg }";
const char* const kRecursive = "model M = RecursiveOPLFilter()";

}  // namespace

TEST_CASE("replicate_blur equals conv2d on a replicate-padded input", "[opl][blur]") {
  at::manual_seed(3);
  const at::Tensor gauss3 = k::gauss_filter_2d(0.05, 0.05, 10).flip({0, 1});
  const at::Tensor gauss11 = k::gauss_filter_2d(0.15, 0.15, 10).flip({0, 1});
  REQUIRE(gauss3.size(0) == 3);
  REQUIRE(gauss11.size(0) == 11);
  for (const auto& weight : {gauss3, gauss11}) {
    for (const std::vector<int64_t>& shape :
         std::vector<std::vector<int64_t>>{{4, 20, 17}, {3, 5, 3}, {2, 1, 1}, {1, 13, 2}}) {
      const at::Tensor x = at::randn(shape);
      const auto kernel = kernel_of<float>(weight);
      CHECK(kernel.separable);
      CHECK(relative_error(blur_with_kernel(kernel, x), blur_with_aten(x, weight)) < 1e-6);
      const auto direct = kernel_of<float>(weight, true);
      CHECK(relative_error(blur_with_kernel(direct, x), blur_with_aten(x, weight)) < 1e-6);
      // In double the separable path is exact only to the rank-1 test's tolerance (the
      // float gaussian is rank 1 to float rounding); the direct path is exact.
      const at::Tensor xd = x.to(at::kDouble), wd = weight.to(at::kDouble);
      CHECK(relative_error(blur_with_kernel(kernel_of<double>(wd), xd), blur_with_aten(xd, wd)) <
            1e-6);
      CHECK(relative_error(blur_with_kernel(kernel_of<double>(wd, true), xd),
                           blur_with_aten(xd, wd)) < 1e-12);
    }
  }
}

TEST_CASE("replicate_blur takes the direct path for a kernel of rank > 1, any size", "[opl][blur]") {
  at::manual_seed(4);
  for (const auto& ks : std::vector<std::pair<int64_t, int64_t>>{{5, 4}, {2, 7}, {1, 3}, {6, 6}}) {
    const at::Tensor weight = at::randn({ks.first, ks.second});
    const at::Tensor x = at::randn({3, 9, 8});
    const auto kernel = kernel_of<float>(weight);
    CHECK(kernel.separable == (ks.first == 1 || ks.second == 1));
    CHECK(relative_error(blur_with_kernel(kernel, x), blur_with_aten(x, weight)) < 1e-6);
    const at::Tensor xd = x.to(at::kDouble), wd = weight.to(at::kDouble);
    CHECK(relative_error(blur_with_kernel(kernel_of<double>(wd), xd), blur_with_aten(xd, wd)) <
          1e-12);
  }
  // A rank-1 kernel that is not symmetric, and the zero kernel.
  const at::Tensor outer = at::outer(at::randn({4}), at::randn({5}));
  CHECK(kernel_of<float>(outer).separable);
  const at::Tensor x = at::randn({2, 6, 7});
  CHECK(relative_error(blur_with_kernel(kernel_of<float>(outer), x), blur_with_aten(x, outer)) <
        1e-6);
  const auto zero = kernel_of<float>(at::zeros({3, 3}));
  CHECK(blur_with_kernel(zero, x).abs().max().item<float>() == 0.0f);
}

TEST_CASE("replicate_blur_adjoint is the adjoint, and gives the weight gradient", "[opl][blur]") {
  at::manual_seed(5);
  const at::TensorOptions f64 = at::TensorOptions().dtype(at::kDouble);
  // A gaussian of rank 1 in double (the float gaussian is rank 1 only to float rounding).
  const at::Tensor profile = at::exp(-at::square(at::arange(-5, 6, f64)) / 4.5);
  const at::Tensor gauss = at::outer(profile, profile);
  for (const auto& weight : {gauss, at::randn({5, 4}, f64), at::randn({3, 1}, f64)}) {
    for (bool force_direct : {false, true}) {
      const auto kernel = kernel_of<double>(weight, force_direct);
      const at::Tensor x = at::randn({3, 7, 6}, f64);
      const at::Tensor g = at::randn({3, 7, 6}, f64);
      const auto [grad_in, grad_w] = adjoint_of(kernel, g, x);
      const double lhs = (blur_with_kernel(kernel, x) * g).sum().item<double>();
      CHECK(lhs == Approx((x * grad_in).sum().item<double>()).epsilon(1e-12));
      // <A(W) x, g> is linear in W: it equals <W, grad_w>.
      CHECK(lhs == Approx((weight * grad_w).sum().item<double>()).epsilon(1e-12));
      // Accumulation: a second call adds the same amounts again.
      at::Tensor twice_in = grad_in.clone(), twice_w = grad_w.clone();
      k::replicate_blur_adjoint<double>(kernel, g.data_ptr<double>(), twice_in.data_ptr<double>(),
                                        twice_w.data_ptr<double>(), x.data_ptr<double>(), 3, 7, 6);
      CHECK(relative_error(twice_in, 2 * grad_in) < 1e-14);
      CHECK(relative_error(twice_w, 2 * grad_w) < 1e-14);
    }
  }
}

TEST_CASE("the OPL filters' grad-mode forward equals their fused forward", "[opl][gradients]") {
  for (const char* source : {kHalfRecursive, kRecursive}) {
    INFO(source);
    const auto m = compile_source(source);
    const at::Tensor x = noise({1, 1, 30, 9, 8}, 21).to(at::kFloat);
    std::vector<at::Tensor> plain;
    {
      at::NoGradGuard no_grad;
      interp::ExecutionPlan plan(m->graph, m->params, {m->graph.resolution});
      plain = run_chunked(plan, x, 11);
    }
    interp::ExecutionPlan plan(m->graph, free_params(*m, at::kFloat, nullptr), {m->graph.resolution});
    const std::vector<at::Tensor> fitted = run_chunked(plan, x, 11);
    REQUIRE(fitted.size() == 3);
    REQUIRE(fitted[0].requires_grad());
    for (size_t i = 0; i < 3; ++i) {
      INFO("output " << i);
      CHECK(at::equal(fitted[i].detach(), plain[i]));
    }
    CHECK(plain[0].abs().max().item<double>() > 0);
  }
}

TEST_CASE("the OPL filters' gradients match finite differences", "[opl][gradients]") {
  for (const char* source : {kHalfRecursive, kRecursive}) {
    INFO(source);
    const auto m = compile_source(source);
    test::NamedInputs inputs;
    const at::Tensor x = noise({1, 1, 7, 6, 5}, 22).requires_grad_(true);
    inputs.emplace_back("x", x);
    std::vector<at::Tensor> params = free_params(*m, at::kDouble, &inputs);
    // Biases away from 0 (gradcheck's step is relative to the value).
    for (const auto& [name, t] : inputs)
      if (name.find("_bias") != std::string::npos) t.detach().fill_(name == "center_G_bias" ? 0.3 : -0.2);
    // Not used by the filter (sources of derived values): their gradient is zero.
    test::NamedInputs used;
    for (const auto& [name, t] : inputs)
      if (name.find("sigma") == std::string::npos && name.find("tau_center") != 0 && name != "tau_surround" &&
          name.find("undershoot_") != 0 && name != "n_center")
        used.emplace_back(name, t);
    interp::ExecutionPlan plan(m->graph, params, {m->graph.resolution});
    test::WeightedSum weighted;
    auto loss = [&] { return weighted(run_chunked(plan, x, 4)); };
    for (const auto& e : test::gradcheck(loss, used)) {
      std::printf("gradcheck %s\n", e.text().c_str());
      INFO(e.text());
      CHECK(e.relative() <= 1e-6);
      CHECK(e.max_gradient > 0);
    }
  }
}
