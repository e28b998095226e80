#include "interpreter/kernels/nonlinearities.h"

#include "interpreter/kernels/autograd_support.h"

namespace cvm::kernels {

namespace {
constexpr double kUpperClamp = 1e6;  // convis clamps every rectifier at 1e6

/// bias + scale * x, as convis computes it (the product first).
at::Tensor affine(const at::Tensor& x, double scale, double bias) {
  at::Tensor y = at::mul(x, scale);
  return y.add_(bias);
}

/// The same out of place with tensor scale and bias (one element each), for autograd.
at::Tensor affine(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& bias) {
  return at::add(at::mul(x, scale.reshape({}).to(x.scalar_type())), bias.reshape({}).to(x.scalar_type()));
}

/// No gradient wanted: the run path, with the parameters as numbers.
bool plain(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& bias) {
  return !needs_grad({x, scale, bias});
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

at::Tensor nl_rectify_scale(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& bias) {
  if (plain(x, scale, bias)) return nl_rectify_scale(x, scale.item<double>(), bias.item<double>());
  return at::clamp(affine(x, scale, bias), 0.0, kUpperClamp);
}

at::Tensor nl_square(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& bias) {
  if (plain(x, scale, bias)) return nl_square(x, scale.item<double>(), bias.item<double>());
  const at::Tensor y = affine(x, scale, bias);
  return y * y;
}

at::Tensor nl_rectify_square(const at::Tensor& x, const at::Tensor& scale, const at::Tensor& bias) {
  if (plain(x, scale, bias)) return nl_rectify_square(x, scale.item<double>(), bias.item<double>());
  const at::Tensor y = at::clamp(affine(x, scale, bias), 0.0, kUpperClamp);
  return y * y;
}

}  // namespace cvm::kernels
