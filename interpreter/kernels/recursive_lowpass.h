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
/// shape, a non-float input, or a state of another shape.
at::Tensor recursive_lowpass(const at::Tensor& x, double tau_seconds, double steps_per_second,
                             LowPassState& state);

}  // namespace cvm::kernels
