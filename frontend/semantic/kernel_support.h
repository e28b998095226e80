// Natural support sizes of convis's derived kernels (numerical_filters' gauss_filter_2d,
// exponential_filter_1d and exponential_highpass_filter_1d): the number of samples convis
// keeps after truncating the kernel where it falls below `epsilon`, at a given resolution.
// A declared kernel shape smaller than this loses values; the runtime reports it, and
// `cvm import virtualretina` uses these sizes for the kernel-size formals. Torch-free: the
// same arithmetic as interpreter/kernels/filter_kernels.cpp, without building the kernel.
#pragma once

#include <optional>

namespace cvm {

/// Side length of gauss_filter_2d(sigma, sigma) at `pixels_per_degree`: with
/// sp = sigma_deg * pixels_per_degree, a = 1 / (sp sqrt(2 pi)) and
/// m = ceil(sqrt(-2 sp^2 ln(epsilon / a))), 2m - 1 (2m if `even`); 1 (2 if `even`) when
/// m < 1, and 1 for sigma 0.  E.g. at 10 px/deg: 0.05 deg -> 3, 0.1 -> 7, 0.15 -> 11, 0.2 -> 13.
int gaussian_support(double sigma_deg, double pixels_per_degree, bool even = false,
                     double epsilon = 0.001);

/// Length of exponential_filter_1d(tau, n, amplification) at `steps_per_second`: with
/// ts = tau_s * steps_per_second, n = 0: min(max(int(-ts ln(epsilon ts / amplification)) + 1,
/// min_steps), max_length); n > 0: n * min(int(-ts ln(epsilon / amplification)) - n,
/// max_length). `even` grows it by one to that parity; 1 when the length is not > 1.
int exponential_support(double tau_s, double steps_per_second, int n = 0, double amplification = 1.0,
                        std::optional<bool> even = {}, int max_length = 1000, int min_steps = 10,
                        double epsilon = 0.001);

/// Length of exponential_highpass_filter_1d(tau, relative_weight): 1 +
/// exponential_support(tau_s, steps_per_second, 0, relative_weight). E.g. 20 ms, 0.7 at
/// 1000 steps/s -> 73.
int highpass_exponential_support(double tau_s, double relative_weight, double steps_per_second,
                                 int max_length = 1000, int min_steps = 10, double epsilon = 0.001);

}  // namespace cvm
