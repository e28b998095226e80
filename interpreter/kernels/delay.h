// A delay line in time, as convis's Delay (one delay for every pixel) and VariableDelay
// (a delay per pixel): y[t] = x[t - d], with zeros before the first frame of a run.
// The state holds the last input frames, so any chunking gives the whole-run result.
#pragma once

#include <cstdint>

#include <torch/torch.h>

namespace cvm::kernels {

/// What a delay line remembers between calls.
struct DelayState {
  /// The last input frames, float32 [B, C, D, X, Y] with D >= the largest delay used so
  /// far; undefined before the first call (the past is then zero).
  at::Tensor frames;
};

/// Delays x (float32 or float64 [B, C, T, X, Y]) by `delay` >= 0 frames; updates `state`.
/// Differentiable (ATen ops).
/// Throws std::invalid_argument for a bad shape, a negative delay, or an input whose
/// batch, channel or frame size changed between calls.
at::Tensor delay(const at::Tensor& x, int64_t delay, DelayState& state);

/// Delays each pixel of x by its own number of frames: `delays` is int64 [X, Y], >= 0;
/// y[b, c, t, i, j] = x[b, c, t - delays[i, j], i, j]. Updates `state`; throws as delay().
/// When x or the state requires a gradient (or x is float64) the copy is an at::gather
/// along time, differentiable w.r.t. x and the state; otherwise a fused loop.
at::Tensor variable_delay(const at::Tensor& x, const at::Tensor& delays, DelayState& state);

}  // namespace cvm::kernels
