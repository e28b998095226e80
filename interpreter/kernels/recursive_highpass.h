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
at::Tensor recursive_highpass(const at::Tensor& x, double tau_seconds, double k,
                              double steps_per_second, HighPassState& state);

}  // namespace cvm::kernels
