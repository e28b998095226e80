#include "interpreter/kernels/frame_diff.h"

#include <stdexcept>

namespace cvm::kernels {

at::Tensor frame_diff(const at::Tensor& x, FrameDiffState& state) {
  if (x.dim() != 5 || !at::isFloatingType(x.scalar_type()))
    throw std::invalid_argument("frame_diff: expected a float [B, C, T, X, Y] tensor");
  const int64_t frames = x.size(2);
  if (frames == 0) return x.clone();
  at::Tensor before = state.last_frame.defined() ? state.last_frame : x.narrow(2, 0, 1);
  if (before.size(0) != x.size(0) || before.size(1) != x.size(1) || before.size(3) != x.size(3) ||
      before.size(4) != x.size(4))
    throw std::invalid_argument("frame_diff: the input's shape changed between calls");
  const at::Tensor previous = at::cat({before, x.narrow(2, 0, frames - 1)}, 2);
  state.last_frame = x.narrow(2, frames - 1, 1).clone();
  return x - previous;
}

}  // namespace cvm::kernels
