// Static pointwise nonlinearities of convis (NLRectify, NLRectifyScale).
//
// Both clamp at 1e6 from above, as convis does, so an exploding model saturates instead of
// overflowing. They are stateless: chunked and whole runs agree exactly.
#pragma once

#include <torch/torch.h>

namespace cvm::kernels {

/// convis NLRectify: clamp(x, 0, 1e6). Returns a new float32 tensor of x's shape.
at::Tensor nl_rectify(const at::Tensor& x);

/// convis NLRectifyScale: clamp(bias + scale * x, 0, 1e6), computed in float32.
at::Tensor nl_rectify_scale(const at::Tensor& x, double scale, double bias);

}  // namespace cvm::kernels
