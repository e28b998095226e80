#include "interpreter/kernels/filter_kernels.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "interpreter/kernels/numpy_compat.h"

namespace cvm::kernels {

namespace {

using numpy::arange;
using numpy::linspace;

at::Tensor to_float_tensor(const std::vector<double>& v) {
  return at::tensor(at::ArrayRef<double>(v), at::kDouble).to(at::kFloat);
}

at::Tensor ones_1d(int64_t n) { return at::ones({n}, at::kFloat); }

/// convis's `even` handling: grow the length by one to reach the requested parity.
double apply_parity(double length, std::optional<bool> even) {
  const bool is_odd = std::fmod(length, 2.0) == 1.0;
  if (even.has_value() && !*even && !is_odd) return length + 1;
  if (even.has_value() && *even && is_odd) return length + 1;
  return length;
}

/// One axis of gauss_filter_2d: sigma in pixels.
std::vector<double> gauss_1d(double sigma_px, bool even, double border_factor, double epsilon) {
  const double pi = std::acos(-1.0);
  const double a = 1.0 / (sigma_px * std::sqrt(2.0 * pi));
  const double m =
      border_factor * std::ceil(std::sqrt(-2.0 * sigma_px * sigma_px * std::log(epsilon / a)));
  if (m < 1.0) return std::vector<double>(even ? 2 : 1, 1.0);
  const double shift = even ? 0.5 : 0.0;
  std::vector<double> g = arange(1.0 - m - shift, m + shift);
  for (double& v : g)
    v = std::clamp(a * std::exp(-0.5 * (v * v) / (sigma_px * sigma_px)), 0.0, 1.0);
  return g;
}

}  // namespace

at::Tensor exponential_filter_1d(double tau, int n, bool normalize, double steps_per_second,
                                 double amplification, int max_length, int min_steps,
                                 std::optional<bool> even, double epsilon) {
  const double tau_steps = tau * steps_per_second;
  std::vector<double> kernel;
  if (n == 0) {
    const double a = amplification / tau_steps;
    const double raw = std::trunc(-tau_steps * std::log(epsilon / a)) + 1.0;
    double length = std::min(std::max(raw, static_cast<double>(min_steps)),
                             static_cast<double>(max_length));
    if (!(length > 1)) return ones_1d(1);
    length = apply_parity(length, even);
    const auto num = static_cast<int64_t>(length);
    kernel = linspace(0.4, length - 0.6, num);
    for (double& v : kernel) {
      v = std::exp(-v / tau_steps);
      if (normalize) v *= a;
    }
  } else {
    double length = std::trunc(-tau_steps * std::log(epsilon / amplification)) - n;
    length = std::min(length, static_cast<double>(max_length));
    if (!(length > 1)) return ones_1d(1);
    length = apply_parity(length, even);
    const auto num = static_cast<int64_t>(n * length);
    double factorial = 1;
    for (int i = 2; i < n; ++i) factorial *= i;
    kernel = linspace(1.0, static_cast<double>(num), num);
    for (double& t : kernel) {
      t = amplification * std::pow(n * t, n) * std::exp(-n * t / tau_steps) /
          (factorial * std::pow(tau_steps, n + 1));
    }
  }
  if (kernel.empty()) return ones_1d(1);
  return to_float_tensor(kernel);
}

at::Tensor exponential_highpass_filter_1d(double tau, double relative_weight,
                                          double steps_per_second, bool normalize,
                                          int max_length, int min_steps, double epsilon) {
  at::Tensor low = exponential_filter_1d(tau, 0, normalize, steps_per_second, relative_weight,
                                         max_length, min_steps, std::nullopt, epsilon);
  return at::cat({ones_1d(1), -low});
}

at::Tensor gauss_filter_2d(double x_sigma_deg, double y_sigma_deg, double pixels_per_degree,
                           bool even, double border_factor, double epsilon) {
  if (x_sigma_deg == 0 || y_sigma_deg == 0) return at::ones({1, 1}, at::kFloat);
  const std::vector<double> gx =
      gauss_1d(x_sigma_deg * pixels_per_degree, even, border_factor, epsilon);
  const std::vector<double> gy =
      gauss_1d(y_sigma_deg * pixels_per_degree, even, border_factor, epsilon);
  if (gx.empty() || gy.empty()) return at::ones({1, 1}, at::kFloat);
  // np.prod(np.meshgrid(gx, gy), 0): shape (len gy, len gx), k[i][j] = gx[j] * gy[i].
  std::vector<double> k(gy.size() * gx.size());
  for (size_t i = 0; i < gy.size(); ++i)
    for (size_t j = 0; j < gx.size(); ++j) k[i * gx.size() + j] = gx[j] * gy[i];
  return to_float_tensor(k).reshape({static_cast<int64_t>(gy.size()),
                                     static_cast<int64_t>(gx.size())});
}

std::array<double, 6> deriche_coefficients(double density) {
  const double alpha = 1.695 * density;
  const double ema = std::exp(-alpha);
  const double k = (1.0 - ema) * (1.0 - ema) / (1.0 + 2.0 * alpha * ema - ema * ema);
  return {k, k * ema * (alpha - 1.0), k * ema * (alpha + 1.0), -k * ema * ema, 2.0 * ema,
          -ema * ema};
}

at::Tensor exponential_kernel(double tau, int n, double amplification, int64_t length,
                              double steps_per_second) {
  // convis's Parameters are float32 tensors of shape [1]; the arithmetic below is the same
  // sequence of float32 torch operations as ExponentialKernel.forward().
  const at::Tensor tau_steps = at::full({1}, tau, at::kFloat) * steps_per_second;
  const at::Tensor amp = at::full({1}, amplification, at::kFloat);
  if (n == 0) {
    const at::Tensor x = at::linspace(0.4, static_cast<double>(length) - 0.6, length, at::kFloat);
    return at::exp(-x / tau_steps) * (amp / tau_steps);
  }
  double factorial = 1;
  for (int i = 2; i < n; ++i) factorial *= i;
  const at::Tensor t = at::linspace(1.0, static_cast<double>(n * length), n * length, at::kFloat);
  return amp * at::pow(n * t, n) * at::exp(-n * t / tau_steps) /
         (factorial * at::pow(tau_steps, n + 1));
}

}  // namespace cvm::kernels
