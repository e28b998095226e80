// The difference of consecutive frames, convis's Diff: y[t] = x[t] - x[t-1]. The first
// frame of a run has no predecessor and gives 0 (x[-1] := x[0]); the state carries the
// last frame, so any chunking gives the whole-run result.
#pragma once

#include <torch/torch.h>

namespace cvm::kernels {

/// What the difference remembers between calls.
struct FrameDiffState {
  /// The last input frame, [B, C, 1, X, Y]; undefined before the first call.
  at::Tensor last_frame;
};

/// y[t] = x[t] - x[t-1] for x float [B, C, T, X, Y]; updates `state`. Throws
/// std::invalid_argument for a bad shape or an input whose shape changed between calls.
at::Tensor frame_diff(const at::Tensor& x, FrameDiffState& state);

}  // namespace cvm::kernels
