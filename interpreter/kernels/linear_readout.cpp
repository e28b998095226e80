#include "interpreter/kernels/linear_readout.h"

#include <stdexcept>
#include <string>

namespace cvm::kernels {

at::Tensor linear_readout(const at::Tensor& x, const at::Tensor& weight) {
  if (x.dim() != 5 || weight.dim() != 2)
    throw std::invalid_argument("linear_readout: expected x [B, C, T, X, Y] and weight [O, C*X*Y]");
  const int64_t batch = x.size(0), frames = x.size(2);
  const int64_t features = x.size(1) * x.size(3) * x.size(4);
  if (weight.size(1) != features)
    throw std::invalid_argument(
        "linear_readout: the weight has " + std::to_string(weight.size(1)) +
        " columns but a frame has " + std::to_string(features) + " values (" +
        std::to_string(x.size(1)) + " channels of " + std::to_string(x.size(3)) + "x" +
        std::to_string(x.size(4)) + " pixels)");
  const at::Tensor flat =
      x.to(at::kFloat).permute({0, 2, 1, 3, 4}).reshape({batch * frames, features});
  return at::matmul(flat, weight.to(at::kFloat).t()).reshape({batch, 1, frames, 1, weight.size(0)});
}

}  // namespace cvm::kernels
