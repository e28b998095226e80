// Kernel builders of convis.numerical_filters: temporal exponential low-pass and high-pass
// kernels and the spatial gaussian, built exactly as convis builds them (same support
// truncation at `epsilon`, same sample positions), so convolving with them reproduces
// convis's Conv3d.exponential / highpass_exponential / gaussian layers. Also the Deriche
// coefficients of convis's recursive spatial filter and convis.kernels.ExponentialKernel.
//
// numerical_filters is numpy code: computed here in double, in numpy's order of operations,
// and returned as float32 (equal to the reference file's float32 kernels bit for bit).
// ExponentialKernel is torch code and is computed in float32 with the same torch operations.
// Times are in seconds, sigmas in degrees; the resolution (steps per second, pixels per
// degree) is passed explicitly instead of convis's global default_resolution. The returned
// kernels are impulse responses (not flipped); Conv3d in convis flips them before storing
// its weight.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include <torch/torch.h>

namespace cvm::kernels {

/// convis exponential_filter_1d. n = 0: a = amplification / tau_steps, length
/// L = min(max(int(-tau_steps ln(epsilon / a)) + 1, min_steps), max_length), samples
/// k[i] = a exp(-(0.4 + i) / tau_steps) (without the factor a if !normalize). n > 0: the
/// gamma-like cascade kernel of length n * L. `even` forces an even/odd length. A kernel of
/// length <= 1 is [1]. Returns a 1-d float32 tensor.
at::Tensor exponential_filter_1d(double tau, int n = 0, bool normalize = true,
                                 double steps_per_second = 1000, double amplification = 1.0,
                                 int max_length = 1000, int min_steps = 10,
                                 std::optional<bool> even = {}, double epsilon = 0.001);

/// convis exponential_highpass_filter_1d called WITH a resolution:
/// [1, -exponential_filter_1d(tau, amplification = relative_weight, normalize, max_length,
/// min_steps)]. (convis without a resolution returns the identity [1]; callers who want that
/// bug pass nothing here.)
at::Tensor exponential_highpass_filter_1d(double tau, double relative_weight,
                                          double steps_per_second, bool normalize = true,
                                          int max_length = 1000, int min_steps = 10,
                                          double epsilon = 0.001);

/// convis gauss_filter_2d: the outer product of two truncated, unnormalised, [0, 1]-clipped
/// 1-d gaussians with sigmas in degrees. Shape [len_y, len_x] (numpy meshgrid order), odd
/// side lengths 2m - 1 or, with `even`, 2m. A sigma of 0 gives [[1]].
at::Tensor gauss_filter_2d(double x_sigma_deg, double y_sigma_deg, double pixels_per_degree = 10,
                           bool even = false, double border_factor = 1.0,
                           double epsilon = 0.001);

/// convis deriche_coefficients(density) in the order A1, A2, A3, A4, B1, B2 (the order the
/// reference file stores): alpha = 1.695 density, e = exp(-alpha),
/// k = (1 - e)^2 / (1 + 2 alpha e - e^2), A1 = k, A2 = k e (alpha - 1), A3 = k e (alpha + 1),
/// A4 = -k e^2, B1 = 2 e, B2 = -e^2.
std::array<double, 6> deriche_coefficients(double density);

/// convis.kernels.ExponentialKernel(tau, n, amplification, length)() in float32 torch
/// arithmetic. n = 0: amplification / tau_steps * exp(-linspace(0.4, length - 0.6, length) /
/// tau_steps). n > 0 raises NameError in convis (its module lacks `np`); here it gives the
/// formula convis meant, the exponential_filter_1d cascade kernel over n * length samples.
at::Tensor exponential_kernel(double tau, int n = 0, double amplification = 1.0,
                              int64_t length = 100, double steps_per_second = 1000);

}  // namespace cvm::kernels
