// convis's recursive temporal high-pass filter (TemporalHighPassFilterRecursive) as one
// fused loop over the frames: the input minus k times a low-pass of the input delayed by
// one frame.
//
// With e = exp(-dt / tau) and dt = 1 / steps_per_second:
//   z_t = e * z_{t-1} + (1 + e) * x_{t-1},   out_t = x_t - (k * z_t) / (2 tau / dt),
//   z_{-1} = 0 and x_{-1} = x_0.
// Arithmetic is float32 in convis's order. convis sets x_{-1} := x_0 at the start of every
// call, so its chunked runs differ from whole runs; here x_{-1} := x_0 only for the first
// frame of a run and the state carries the previous input frame, so any chunking gives the
// whole-run result exactly (which is convis's result on the whole input in one call).
#pragma once

#include <torch/torch.h>

namespace cvm::kernels {

/// What the filter remembers between calls; both undefined before the first call.
struct HighPassState {
  at::Tensor last_z;  ///< z of the last frame, float32 [B, C, 1, X, Y]
  at::Tensor last_x;  ///< the last input frame, float32 [B, C, 1, X, Y]
};

/// Filters x (float32 [B, C, T, X, Y]) along time; returns a new tensor of the same shape
/// and updates `state`. tau_seconds and steps_per_second must be > 0. Throws
/// std::invalid_argument for a bad shape, a non-float input, or a state of another shape.
/// The run path: no autograd.
at::Tensor recursive_highpass(const at::Tensor& x, double tau_seconds, double k,
                              double steps_per_second, HighPassState& state);

// --- Differentiable form (fitting) -------------------------------------------------------

/// The filter's coefficients as 0-d tensors of the signal's dtype.
struct HighPassCoefficients {
  at::Tensor e;     ///< exp(-dt / tau)
  at::Tensor norm;  ///< 2 tau / dt
  at::Tensor k;     ///< weight of the low-pass branch
};

/// The coefficients for tau (seconds, > 0) and k (0-d or 1-element tensors) in `dtype`:
/// values bitwise those of the run path; when tau or k require a gradient they carry it
/// through torch ops (value trick, autograd_support.h). Throws std::invalid_argument unless
/// tau > 0 and steps_per_second > 0.
HighPassCoefficients highpass_coefficients(const at::Tensor& tau, const at::Tensor& k,
                                           double steps_per_second,
                                           at::ScalarType dtype = at::kFloat);

/// The filtered chunk and the state after it.
struct HighPassOutput {
  at::Tensor out;     ///< [B, C, T, X, Y]
  at::Tensor last_z;  ///< z of the last frame, [B, C, 1, X, Y]
  at::Tensor last_x;  ///< the last input frame, [B, C, 1, X, Y]
};

/// Filters x ([B, C, T, X, Y], float32 or float64) from the state (initial_z, initial_x),
/// both [B, C, 1, X, Y] of x's dtype, or both undefined at the start of a run (z = 0 and
/// x_{-1} := x_0, so the gradient of x_0 includes that use). Differentiable w.r.t. x, the
/// state and c.e, c.norm, c.k (a torch::autograd::Function with the reverse-time adjoint
/// mu_t = -k out_grad_t / norm + e mu_{t+1}); when nothing requires a gradient (or GradMode
/// is off) it runs the fused loop with no graph, with the run path's numbers. Throws
/// std::invalid_argument for a bad shape or dtype.
HighPassOutput recursive_highpass(const at::Tensor& x, const at::Tensor& initial_z,
                                  const at::Tensor& initial_x, const HighPassCoefficients& c);

}  // namespace cvm::kernels
