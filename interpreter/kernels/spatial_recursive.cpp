#include "interpreter/kernels/spatial_recursive.h"

#include <ATen/Parallel.h>
#include <torch/csrc/autograd/custom_function.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <vector>

#include "interpreter/kernels/autograd_support.h"
#include "interpreter/kernels/filter_kernels.h"

namespace cvm::kernels {

namespace {

/// Deriche's coefficients by name.
struct Coefficients {
  explicit Coefficients(const std::array<double, 6>& c)
      : a1(c[0]), a2(c[1]), a3(c[2]), a4(c[3]), b1(c[4]), b2(c[5]) {}
  double a1, a2, a3, a4, b1, b2;
};

/// Samples per parallel task: below this, threads cost more than they save.
constexpr int64_t kGrainSamples = 1 << 15;

/// Where the samples of one pass lie in a plane: `lanes` lines of `n` samples, sample i of
/// lane l at i * step + l * lane_step.
struct Lines {
  int64_t n, step, lanes, lane_step;
  int64_t at(int64_t i, int64_t l) const { return i * step + l * lane_step; }
};

/// The pass along x (lines are columns, lanes the contiguous y index) and along y (lines
/// are rows, lanes the rows) of an nx x ny plane.
Lines along_x(int64_t nx, int64_t ny) { return {nx, ny, ny, 1}; }
Lines along_y(int64_t nx, int64_t ny) { return {ny, 1, nx, ny}; }

/// Scratch for filter_lines, sized for lines of up to `samples` samples in total.
struct Scratch {
  explicit Scratch(int64_t samples, int64_t lanes)
      : causal(static_cast<size_t>(samples)), zeros(static_cast<size_t>(lanes), 0.0),
        later(static_cast<size_t>(lanes)), latest(static_cast<size_t>(lanes)) {}
  std::vector<double> causal;  ///< y+ of every sample
  std::vector<double> zeros;   ///< y+_{-1}, y+_{-2}
  std::vector<double> later;   ///< y-_{i+2} of every lane
  std::vector<double> latest;  ///< y-_{i+1} of every lane
};

/// Filters the lines `g` of `in` into `out` (same layout). Lanes are the inner loop, so
/// with lane_step 1 (the pass along x) the loops vectorise. T is float in runs.
template <typename T>
void filter_lines(const T* __restrict in, T* __restrict out, Lines g, const Coefficients& c, Scratch& s) {
  const int64_t n = g.n, step = g.step, lanes = g.lanes, lane_step = g.lane_step;
  double* __restrict causal = s.causal.data();
  for (int64_t i = 0; i < n; ++i) {
    const T* x0 = in + i * step;
    const T* x1 = in + std::max<int64_t>(i - 1, 0) * step;  // x_{-1} := x_0
    const double* y1 = i >= 1 ? causal + (i - 1) * lanes : s.zeros.data();
    const double* y2 = i >= 2 ? causal + (i - 2) * lanes : s.zeros.data();
    double* y = causal + i * lanes;
    for (int64_t l = 0; l < lanes; ++l)
      y[l] = c.a1 * x0[l * lane_step] + c.a2 * x1[l * lane_step] + c.b1 * y1[l] + c.b2 * y2[l];
  }
  // Anti-causal pass, backwards. Past the end, x_N := x_0 (convis's wrap-around) and
  // x_{N+1} := 0 (a zero coefficient on any valid row).
  double* __restrict later = s.later.data();
  double* __restrict latest = s.latest.data();
  std::fill(later, later + lanes, 0.0);
  std::fill(latest, latest + lanes, 0.0);
  for (int64_t i = n - 1; i >= 0; --i) {
    const T* xa = i + 1 < n ? in + (i + 1) * step : in;
    const T* xb = i + 2 < n ? in + (i + 2) * step : in;
    const double a4 = i + 2 <= n ? c.a4 : 0.0;
    const double* y = causal + i * lanes;
    T* o = out + i * step;
    for (int64_t l = 0; l < lanes; ++l) {
      const double v = c.a3 * xa[l * lane_step] + a4 * xb[l * lane_step] + c.b1 * latest[l] +
                       c.b2 * later[l];
      later[l] = latest[l];
      latest[l] = v;
      o[l * lane_step] = static_cast<T>(y[l] + v);
    }
  }
}

/// Both passes over every plane of the contiguous input into out.
template <typename T>
void filter_planes(const at::Tensor& input, at::Tensor& out, const Coefficients& c) {
  const int64_t nx = input.size(3), ny = input.size(4), pixels = nx * ny;
  const int64_t planes = input.numel() / std::max<int64_t>(pixels, 1);
  if (pixels == 0 || planes == 0) return;
  const T* src = input.data_ptr<T>();
  T* dst = out.data_ptr<T>();
  const int64_t grain = std::max<int64_t>(1, kGrainSamples / pixels);
  at::parallel_for(0, planes, grain, [&](int64_t begin, int64_t end) {
    std::vector<T> along(static_cast<size_t>(pixels));
    Scratch scratch(pixels, std::max(nx, ny));
    for (int64_t p = begin; p < end; ++p) {
      filter_lines(src + p * pixels, along.data(), along_x(nx, ny), c, scratch);
      filter_lines(along.data(), dst + p * pixels, along_y(nx, ny), c, scratch);
    }
  });
}

/// The adjoint of filter_lines: given the input `in` of the pass and the gradient of its
/// output `out_grad`, sets `in_grad` (same layout, double) and adds the gradients of
/// A1..A4, B1, B2 to `coefficient_grad`. With lambda = dL/dy+ and mu = dL/dy-:
///   lambda_i = out_grad_i + B1 lambda_{i+1} + B2 lambda_{i+2}   (reverse),
///   mu_i = out_grad_i + B1 mu_{i-1} + B2 mu_{i-2}                 (forward),
///   in_grad_i = A1 lambda_i + A2 lambda_{i+1} + A3 mu_{i-1} + A4 mu_{i-2}, with the
///   boundary uses x_{-1} := x_0 (A2 lambda_0) and x_N := x_0 (A3 mu_{N-1} + A4 mu_{N-2})
///   added to in_grad_0.
template <typename T>
void adjoint_lines(const T* in, const double* out_grad, double* in_grad, Lines g, const Coefficients& c,
                   std::array<double, 6>& coefficient_grad) {
  const int64_t n = g.n, lanes = g.lanes;
  // Forward values of y+ and y- (the coefficient gradients need them), index i * lanes + l.
  std::vector<double> x(static_cast<size_t>(n * lanes)), yp(x.size()), ym(x.size());
  std::vector<double> lambda(x.size()), mu(x.size()), gin(x.size(), 0.0), gout(x.size());
  for (int64_t i = 0; i < n; ++i)
    for (int64_t l = 0; l < lanes; ++l) {
      x[i * lanes + l] = static_cast<double>(in[g.at(i, l)]);
      gout[i * lanes + l] = out_grad[g.at(i, l)];
    }
  auto X = [&](int64_t i, int64_t l) { return x[i * lanes + l]; };
  // x as the causal pass sees it (x_{-1} := x_0), and as the anti-causal pass sees it
  // (x_N := x_0, x_{N+1} := 0).
  auto x_causal = [&](int64_t i, int64_t l) { return X(std::max<int64_t>(i, 0), l); };
  auto x_anti = [&](int64_t i, int64_t l) { return i < n ? X(i, l) : (i == n ? X(0, l) : 0.0); };
  auto value = [&](const std::vector<double>& v, int64_t i, int64_t l) {
    return i >= 0 && i < n ? v[i * lanes + l] : 0.0;
  };
  for (int64_t i = 0; i < n; ++i)
    for (int64_t l = 0; l < lanes; ++l)
      yp[i * lanes + l] = c.a1 * X(i, l) + c.a2 * x_causal(i - 1, l) + c.b1 * value(yp, i - 1, l) +
                          c.b2 * value(yp, i - 2, l);
  for (int64_t i = n - 1; i >= 0; --i)
    for (int64_t l = 0; l < lanes; ++l)
      ym[i * lanes + l] = c.a3 * x_anti(i + 1, l) + c.a4 * x_anti(i + 2, l) + c.b1 * value(ym, i + 1, l) +
                          c.b2 * value(ym, i + 2, l);
  std::array<double, 6> cg{};
  // Causal adjoint, reverse.
  for (int64_t i = n - 1; i >= 0; --i)
    for (int64_t l = 0; l < lanes; ++l) {
      const double lam = gout[i * lanes + l] + c.b1 * value(lambda, i + 1, l) + c.b2 * value(lambda, i + 2, l);
      lambda[i * lanes + l] = lam;
      gin[i * lanes + l] += c.a1 * lam;
      gin[std::max<int64_t>(i - 1, 0) * lanes + l] += c.a2 * lam;
      cg[0] += lam * X(i, l);
      cg[1] += lam * x_causal(i - 1, l);
      cg[4] += lam * value(yp, i - 1, l);
      cg[5] += lam * value(yp, i - 2, l);
    }
  // Anti-causal adjoint, forward.
  for (int64_t i = 0; i < n; ++i)
    for (int64_t l = 0; l < lanes; ++l) {
      const double m = gout[i * lanes + l] + c.b1 * value(mu, i - 1, l) + c.b2 * value(mu, i - 2, l);
      mu[i * lanes + l] = m;
      const int64_t ia = i + 1 < n ? i + 1 : 0;  // x_N := x_0
      gin[ia * lanes + l] += c.a3 * m;
      if (i + 2 <= n) gin[(i + 2 < n ? i + 2 : 0) * lanes + l] += c.a4 * m;  // x_{N+1} := 0
      cg[2] += m * x_anti(i + 1, l);
      cg[3] += m * x_anti(i + 2, l);
      cg[4] += m * value(ym, i + 1, l);
      cg[5] += m * value(ym, i + 2, l);
    }
  for (int64_t i = 0; i < n; ++i)
    for (int64_t l = 0; l < lanes; ++l) in_grad[g.at(i, l)] = gin[i * lanes + l];
  for (size_t k = 0; k < 6; ++k) coefficient_grad[k] += cg[k];
}

std::array<double, 6> coefficient_values(const at::Tensor& coefficients) {
  const at::Tensor c = coefficients.to(at::kDouble).contiguous();
  std::array<double, 6> v{};
  std::copy(c.data_ptr<double>(), c.data_ptr<double>() + 6, v.begin());
  return v;
}

/// The 2-d filter as an autograd Function of x and the six coefficients: the backward
/// runs the adjoint of the y pass, then of the x pass (recomputing the x pass's output).
struct DericheFunction : public torch::autograd::Function<DericheFunction> {
  static at::Tensor forward(torch::autograd::AutogradContext* ctx, const at::Tensor& x,
                            const at::Tensor& coefficients) {
    const at::Tensor input = x.contiguous();
    at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
    const Coefficients c(coefficient_values(coefficients));
    AT_DISPATCH_FLOATING_TYPES(input.scalar_type(), "spatial_recursive_gaussian",
                               [&] { filter_planes<scalar_t>(input, out, c); });
    ctx->save_for_backward({input, coefficients});
    return out;
  }

  static torch::autograd::variable_list backward(torch::autograd::AutogradContext* ctx,
                                                 torch::autograd::variable_list grads) {
    const auto saved = ctx->get_saved_variables();
    const at::Tensor& x = saved[0];
    const Coefficients c(coefficient_values(saved[1]));
    const at::Tensor out_grad = grads[0].to(at::kDouble).contiguous();
    at::Tensor x_grad = at::empty(x.sizes(), x.options().dtype(at::kDouble));
    const int64_t nx = x.size(3), ny = x.size(4), pixels = nx * ny;
    const int64_t planes = pixels == 0 ? 0 : x.numel() / pixels;
    std::array<double, 6> coefficient_grad{};
    std::mutex sum;
    AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "spatial_recursive_gaussian_backward", [&] {
      const scalar_t* src = x.data_ptr<scalar_t>();
      const double* gy = out_grad.data_ptr<double>();
      double* gx = x_grad.data_ptr<double>();
      const int64_t grain = std::max<int64_t>(1, kGrainSamples / std::max<int64_t>(pixels, 1));
      at::parallel_for(0, planes, grain, [&](int64_t begin, int64_t end) {
        std::vector<scalar_t> along(static_cast<size_t>(pixels));
        std::vector<double> along_grad(static_cast<size_t>(pixels));
        Scratch scratch(pixels, std::max(nx, ny));
        std::array<double, 6> partial{};
        for (int64_t p = begin; p < end; ++p) {
          filter_lines(src + p * pixels, along.data(), along_x(nx, ny), c, scratch);
          adjoint_lines(along.data(), gy + p * pixels, along_grad.data(), along_y(nx, ny), c, partial);
          adjoint_lines(src + p * pixels, along_grad.data(), gx + p * pixels, along_x(nx, ny), c, partial);
        }
        const std::lock_guard<std::mutex> lock(sum);
        for (size_t k = 0; k < 6; ++k) coefficient_grad[k] += partial[k];
      });
    });
    const at::Tensor cg = at::tensor(std::vector<double>(coefficient_grad.begin(), coefficient_grad.end()),
                                     at::kDouble)
                              .to(saved[1].scalar_type());
    return {x_grad.to(x.scalar_type()), cg};
  }
};

}  // namespace

at::Tensor spatial_recursive_gaussian(const at::Tensor& x, double density) {
  if (x.dim() != 5 || !at::isFloatingType(x.scalar_type()))
    throw std::invalid_argument("spatial_recursive_gaussian: expected a float [B, C, T, X, Y] tensor");
  const at::Tensor input = x.to(at::kFloat).contiguous();
  at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
  filter_planes<float>(input, out, Coefficients(deriche_coefficients(density)));
  return out;
}

at::Tensor deriche_coefficient_tensor(const at::Tensor& density) {
  if (density.numel() != 1)
    throw std::invalid_argument("deriche_coefficient_tensor: the density must have one element");
  const std::array<double, 6> run = deriche_coefficients(density.item<double>());
  const at::Tensor values = at::tensor(std::vector<double>(run.begin(), run.end()), at::kDouble);
  if (!needs_grad({density})) return values;
  const at::Tensor alpha = 1.695 * density.reshape({}).to(at::kDouble);
  const at::Tensor ema = at::exp(-alpha);
  const at::Tensor k = (1.0 - ema) * (1.0 - ema) / (1.0 + 2.0 * alpha * ema - ema * ema);
  const at::Tensor formula =
      at::stack({k, k * ema * (alpha - 1.0), k * ema * (alpha + 1.0), -k * ema * ema, 2.0 * ema, -ema * ema});
  return with_gradient_of(values, formula);
}

at::Tensor spatial_recursive_gaussian(const at::Tensor& x, const at::Tensor& coefficients) {
  if (x.dim() != 5 || (x.scalar_type() != at::kFloat && x.scalar_type() != at::kDouble))
    throw std::invalid_argument("spatial_recursive_gaussian: expected a float32 or float64 [B, C, T, X, Y] tensor");
  if (coefficients.numel() != 6 || coefficients.scalar_type() != at::kDouble)
    throw std::invalid_argument("spatial_recursive_gaussian: expected 6 float64 coefficients");
  if (needs_grad({x, coefficients})) return DericheFunction::apply(x, coefficients);
  const at::Tensor input = x.contiguous();
  at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
  const Coefficients c(coefficient_values(coefficients));
  AT_DISPATCH_FLOATING_TYPES(x.scalar_type(), "spatial_recursive_gaussian",
                             [&] { filter_planes<scalar_t>(input, out, c); });
  return out;
}

}  // namespace cvm::kernels
