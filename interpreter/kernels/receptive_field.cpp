#include "interpreter/kernels/receptive_field.h"

#include <algorithm>
#include <stdexcept>

namespace cvm::kernels {

at::Tensor receptive_field(const at::Tensor& x, const at::Tensor& weight,
                           const c10::optional<at::Tensor>& bias, TimeHistory& history) {
  if (x.dim() != 5 || weight.dim() != 5)
    throw std::invalid_argument("receptive_field: the input and the weight must be 5-d");
  const int64_t kx = weight.size(3), ky = weight.size(4);
  const int64_t keep_x = std::min(x.size(3), kx), keep_y = std::min(x.size(4), ky);
  at::Tensor window = x.narrow(3, 0, keep_x).narrow(4, 0, keep_y);
  if (keep_x < kx || keep_y < ky)
    window = at::constant_pad_nd(window, {0, ky - keep_y, 0, kx - keep_x}, 0.0);
  return causal_conv3d(window, weight, bias, history, ConvPadding{true, false});
}

}  // namespace cvm::kernels
