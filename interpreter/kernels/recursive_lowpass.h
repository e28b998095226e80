// convis's recursive temporal low-pass filter (TemporalLowPassFilterRecursive) as one fused
// loop over the frames, instead of convis's few tensor operations per frame.
//
// With e = exp(-dt / tau) and dt = 1 / steps_per_second:
//   y_t = e * y_{t-1} + (1 + e) * x_t,   out_t = y_t * dt / (2 tau),   y_{-1} = 0.
// The (1 + e) dt / (2 tau) normalisation is convis's (its DC gain is slightly above 1), not
// VirtualRetina's (1 - e). Arithmetic is float32 in convis's order, so results match convis
// to float rounding. The state carries y across calls: any chunking gives the whole-run
// result exactly.
#pragma once

#include <torch/torch.h>

namespace cvm::kernels {

/// What the filter remembers between calls.
struct LowPassState {
  /// y of the last frame seen, float32 [B, C, 1, X, Y]; undefined before the first call
  /// (then y starts at 0).
  at::Tensor last_y;
};

/// Filters x (float32 [B, C, T, X, Y]) along time; returns a new tensor of the same shape
/// and updates `state`. tau_seconds must be > 0. Throws std::invalid_argument for a bad
/// shape, a non-float input, or a state of another shape. The run path: no autograd.
at::Tensor recursive_lowpass(const at::Tensor& x, double tau_seconds, double steps_per_second,
                             LowPassState& state);

// --- Differentiable form (fitting) -------------------------------------------------------

/// The filter's coefficients as 0-d tensors of the signal's dtype.
struct LowPassCoefficients {
  at::Tensor e;     ///< exp(-dt / tau)
  at::Tensor norm;  ///< 2 tau / dt; the output is y / norm
};

/// The coefficients for tau (a 0-d or 1-element tensor, seconds, > 0) in `dtype` (float32
/// for runs and fits, float64 for gradient checks). Their values are bitwise those of the
/// run path (computed as scalars of `dtype` in convis's order); when tau requires a gradient
/// they carry d/dtau through torch ops (value trick, autograd_support.h), so autograd chains
/// tau itself. Throws std::invalid_argument unless tau > 0 and steps_per_second > 0.
LowPassCoefficients lowpass_coefficients(const at::Tensor& tau, double steps_per_second,
                                         at::ScalarType dtype = at::kFloat);

/// The filtered chunk and the state after it.
struct LowPassOutput {
  at::Tensor out;     ///< [B, C, T, X, Y]
  at::Tensor last_y;  ///< y of the last frame, [B, C, 1, X, Y] (initial_y when T = 0)
};

/// Filters x ([B, C, T, X, Y], float32 or float64) from the state initial_y ([B, C, 1, X, Y]
/// of x's dtype; undefined = zeros, the start of a run) with coefficients of x's dtype.
/// Differentiable w.r.t. x, initial_y, c.e and c.norm (a torch::autograd::Function with the
/// reverse-time adjoint: lambda_t = out_grad_t / norm + e lambda_{t+1}); when nothing
/// requires a gradient (or GradMode is off) it runs the fused loop with no graph and no
/// saving, with the run path's numbers. Throws std::invalid_argument for a bad shape or
/// dtype.
LowPassOutput recursive_lowpass(const at::Tensor& x, const at::Tensor& initial_y,
                                const LowPassCoefficients& c);

}  // namespace cvm::kernels
