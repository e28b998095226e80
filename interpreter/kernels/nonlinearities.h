// Static pointwise nonlinearities of convis (NLRectify, NLRectifyScale, NLSquare,
// NLRectifySquare).
//
// The rectifiers clamp at 1e6 from above, as convis does, so an exploding model saturates
// instead of overflowing. Arithmetic is float32 in convis's order (x * scale, then + bias).
// They are stateless: chunked and whole runs agree exactly.
#pragma once

#include <torch/torch.h>

namespace cvm::kernels {

/// convis NLRectify: clamp(x, 0, 1e6). Returns a new float32 tensor of x's shape.
at::Tensor nl_rectify(const at::Tensor& x);

/// convis NLRectifyScale: clamp(bias + scale * x, 0, 1e6), computed in float32.
at::Tensor nl_rectify_scale(const at::Tensor& x, double scale, double bias);

/// convis NLSquare: (bias + scale * x)^2, computed in float32.
at::Tensor nl_square(const at::Tensor& x, double scale, double bias);

/// convis NLRectifySquare: clamp(bias + scale * x, 0, 1e6)^2, computed in float32.
at::Tensor nl_rectify_square(const at::Tensor& x, double scale, double bias);

}  // namespace cvm::kernels
