// The readout of convis's McIntosh model: a torch.nn.Linear without bias over every channel
// and pixel of a frame, giving out_channels numbers per frame.
//
// Frame t of x [B, C, T, X, Y] is flattened in (C, X, Y) row-major order (index
// (c X + i) Y + j, as McIntosh's split/cat reshaping does) and multiplied by
// weight [O, C X Y]: y[b, 0, t, 0, o] = sum_k weight[o, k] flat[b, t, k]. Stateless.
#pragma once

#include <torch/torch.h>

namespace cvm::kernels {

/// Returns float32 [B, 1, T, 1, O]. Throws std::invalid_argument when the weight does not
/// have C X Y columns.
at::Tensor linear_readout(const at::Tensor& x, const at::Tensor& weight);

}  // namespace cvm::kernels
