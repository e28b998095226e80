#include "interpreter/kernels/nonlinearities.h"

namespace cvm::kernels {

namespace {
constexpr double kUpperClamp = 1e6;  // convis clamps every rectifier at 1e6

/// bias + scale * x, as convis computes it (the product first).
at::Tensor affine(const at::Tensor& x, double scale, double bias) {
  at::Tensor y = at::mul(x, scale);
  return y.add_(bias);
}
}  // namespace

at::Tensor nl_rectify(const at::Tensor& x) { return at::clamp(x, 0.0, kUpperClamp); }

at::Tensor nl_rectify_scale(const at::Tensor& x, double scale, double bias) {
  return affine(x, scale, bias).clamp_(0.0, kUpperClamp);
}

at::Tensor nl_square(const at::Tensor& x, double scale, double bias) {
  at::Tensor y = affine(x, scale, bias);
  return y.mul_(y);
}

at::Tensor nl_rectify_square(const at::Tensor& x, double scale, double bias) {
  at::Tensor y = affine(x, scale, bias).clamp_(0.0, kUpperClamp);
  return y.mul_(y);
}

}  // namespace cvm::kernels
