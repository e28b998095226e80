// convis's SpatialRecursiveFilter: Deriche's recursive approximation of a spatial gaussian,
// run along x and then along y of every frame, as fused loops over the pixels instead of
// convis's Python loop over rows and columns.
//
// With the coefficients A1..A4, B1, B2 of deriche_coefficients(density) (filter_kernels.h):
// Along one line x_0 .. x_{N-1}:
//   causal       y+_n = A1 x_n + A2 x_{n-1} + B1 y+_{n-1} + B2 y+_{n-2}
//                with x_{-1} := x_0 and y+_{-1} = y+_{-2} = 0,
//   anti-causal  y-_n = A3 x_{n+1} + A4 x_{n+2} + B1 y-_{n+1} + B2 y-_{n+2}
//                with y-_N = y-_{N+1} = 0 and convis's boundary quirk x_N := x_0 (the line
//                wraps around to its first sample) and x_{N+1} := 0,
//   output       y+_n + y-_n.
// The x pass filters the input; the y pass filters the x pass's output. density is
// 1 / sigma in pixels (convis's gaussian(sigma) sets density = 1 / (sigma ppd)). Arithmetic
// is double, the result float32 (convis computes in float32: the two agree to ~1e-7
// relative). The filter is stateless: chunked and whole runs agree exactly.
#pragma once

#include <torch/torch.h>

namespace cvm::kernels {

/// Filters every frame of x (float [B, C, T, X, Y]) along x, then along y. Returns a new
/// float32 tensor of x's shape. Throws std::invalid_argument for a tensor that is not 5-d
/// float. The run path: no autograd.
at::Tensor spatial_recursive_gaussian(const at::Tensor& x, double density);

// --- Differentiable form (fitting) -------------------------------------------------------

/// A1..A4, B1, B2 as a float64 [6] tensor for a density tensor (one element, 1 / pixels):
/// values bitwise deriche_coefficients(density); when the density requires a gradient they
/// carry d/ddensity through torch ops (value trick, autograd_support.h).
at::Tensor deriche_coefficient_tensor(const at::Tensor& density);

/// The same filter with the coefficients as a float64 [6] tensor (deriche_coefficient_tensor),
/// on x of float32 or float64 [B, C, T, X, Y]; returns x's dtype (float32 x gives the run
/// path's numbers bitwise). Differentiable w.r.t. x and the coefficients (a
/// torch::autograd::Function: the adjoint of the y pass, then of the x pass, with convis's
/// boundary rules; see adjoint_lines in the .cpp); without gradients it runs the fused
/// loops only. Throws std::invalid_argument for a bad shape or dtype.
at::Tensor spatial_recursive_gaussian(const at::Tensor& x, const at::Tensor& coefficients);

}  // namespace cvm::kernels
