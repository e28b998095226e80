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
/// Differentiable as is (at::clamp: the gradient passes at x == 0, as torch.clamp's).
at::Tensor nl_rectify(const at::Tensor& x);

/// convis NLRectifyScale: clamp(bias + scale * x, 0, 1e6), computed in float32.
at::Tensor nl_rectify_scale(const at::Tensor& x, double scale, double bias);

/// convis NLSquare: (bias + scale * x)^2, computed in float32.
at::Tensor nl_square(const at::Tensor& x, double scale, double bias);

/// convis NLRectifySquare: clamp(bias + scale * x, 0, 1e6)^2, computed in float32.
at::Tensor nl_rectify_square(const at::Tensor& x, double scale, double bias);

// The same with scale and bias as one-element tensors (the layers' parameters): when
// nothing requires a gradient they call the forms above (in-place, no graph); otherwise the
// same operations out of place, differentiable w.r.t. x, scale and bias, with the same
// numbers (x of float32 or float64; the result has x's dtype).
at::Tensor nl_rectify_scale(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& bias);
at::Tensor nl_square(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& bias);
at::Tensor nl_rectify_square(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& bias);

}  // namespace cvm::kernels
