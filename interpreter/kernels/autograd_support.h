// Small helpers shared by the differentiable kernels and layers (fitting, issue 5; the
// retina layers of issue 4 use them too).
//
// A kernel with a hand-written backward (a torch::autograd::Function<F>) takes its
// coefficients as 0-d tensors built by torch ops from the model's parameter tensors, so
// autograd chains the gradient from the coefficients back to the parameters (tau, density).
// To keep a fit's forward numbers bitwise equal to `cvm run`'s, a coefficient is built with
// the value trick:
//     coefficient = run_value + (f(param) - f(param).detach())
// where run_value is exactly what the fast path computes (float32, in convis's order) and
// f is the same formula as torch ops: the value is run_value (f - f.detach() is exactly
// 0), the gradient is f's. Layers take the no-grad fast path (fused loops, no graph, no
// saving) whenever nothing requires a gradient; `cvm run` holds a NoGradGuard, so it never
// builds graphs.
#pragma once

#include <initializer_list>
#include <vector>

#include <torch/torch.h>

namespace cvm::kernels {

/// True when autograd is recording (GradMode on) and at least one of the tensors is
/// defined and requires a gradient: the kernel must then take its differentiable path.
inline bool needs_grad(std::initializer_list<at::Tensor> tensors) {
  if (!at::GradMode::is_enabled()) return false;
  for (const at::Tensor& t : tensors)
    if (t.defined() && t.requires_grad()) return true;
  return false;
}

/// `run_value` with the gradient of `differentiable` (the value trick above). Both are
/// tensors of the same shape; the result has run_value's dtype and bits. When
/// `differentiable` does not need a gradient this is run_value itself (no graph).
inline at::Tensor with_gradient_of(const at::Tensor& run_value, const at::Tensor& differentiable) {
  if (!needs_grad({differentiable})) return run_value;
  const at::Tensor zero_with_gradient = differentiable - differentiable.detach();
  return run_value + zero_with_gradient.to(run_value.scalar_type());
}

/// A 0-d tensor holding `value` with the given dtype (the coefficient of a fused kernel).
inline at::Tensor scalar_coefficient(double value, at::ScalarType dtype) {
  return at::scalar_tensor(value, at::TensorOptions().dtype(dtype));
}

/// t without its autograd history (an undefined t stays undefined). Used to cut the graph
/// between chunks (truncated back-propagation through time) without copying data.
inline at::Tensor detached(const at::Tensor& t) { return t.defined() ? t.detach() : t; }

/// Every tensor of a saved layer state detached (see detached()).
inline std::vector<at::Tensor> detached(const std::vector<at::Tensor>& tensors) {
  std::vector<at::Tensor> out;
  out.reserve(tensors.size());
  for (const at::Tensor& t : tensors) out.push_back(detached(t));
  return out;
}

}  // namespace cvm::kernels
