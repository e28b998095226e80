#include "interpreter/kernels/nonlinearities.h"

namespace cvm::kernels {

namespace {
constexpr double kUpperClamp = 1e6;  // convis clamps every rectifier at 1e6
}  // namespace

at::Tensor nl_rectify(const at::Tensor& x) { return at::clamp(x, 0.0, kUpperClamp); }

at::Tensor nl_rectify_scale(const at::Tensor& x, double scale, double bias) {
  at::Tensor y = at::mul(x, scale);
  y.add_(bias);
  return y.clamp_(0.0, kUpperClamp);
}

}  // namespace cvm::kernels
