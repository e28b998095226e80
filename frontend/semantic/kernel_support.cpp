#include "frontend/semantic/kernel_support.h"

#include <algorithm>
#include <cmath>

namespace cvm {
namespace {

/// convis's `even` handling: grow the length by one to reach the requested parity.
double apply_parity(double length, std::optional<bool> even) {
  const bool is_odd = std::fmod(length, 2.0) == 1.0;
  if (even.has_value() && *even == is_odd) return length + 1;
  return length;
}

}  // namespace

int gaussian_support(double sigma_deg, double pixels_per_degree, bool even, double epsilon) {
  if (sigma_deg == 0) return 1;
  const double sigma_px = sigma_deg * pixels_per_degree;
  const double pi = std::acos(-1.0);
  const double a = 1.0 / (sigma_px * std::sqrt(2.0 * pi));
  const double m = std::ceil(std::sqrt(-2.0 * sigma_px * sigma_px * std::log(epsilon / a)));
  if (m < 1.0) return even ? 2 : 1;
  return static_cast<int>(even ? 2 * m : 2 * m - 1);
}

int exponential_support(double tau_s, double steps_per_second, int n, double amplification,
                        std::optional<bool> even, int max_length, int min_steps, double epsilon) {
  const double tau_steps = tau_s * steps_per_second;
  double length = 0;
  if (n == 0) {
    const double raw = std::trunc(-tau_steps * std::log(epsilon / (amplification / tau_steps))) + 1.0;
    length = std::min(std::max(raw, static_cast<double>(min_steps)), static_cast<double>(max_length));
  } else {
    length = std::min(std::trunc(-tau_steps * std::log(epsilon / amplification)) - n,
                      static_cast<double>(max_length));
  }
  if (!(length > 1)) return 1;
  length = apply_parity(length, even);
  return static_cast<int>(n == 0 ? length : n * length);
}

int highpass_exponential_support(double tau_s, double relative_weight, double steps_per_second,
                                 int max_length, int min_steps, double epsilon) {
  return 1 + exponential_support(tau_s, steps_per_second, 0, relative_weight, std::nullopt, max_length,
                                 min_steps, epsilon);
}

}  // namespace cvm
