#include "interpreter/runtime/tensor_array.h"

namespace cvm::interp {

at::Tensor tensor_from_array(const io::Array& a) {
  return at::from_blob(const_cast<float*>(a.data.data()), a.shape, at::kFloat).clone();
}

io::Array array_from_tensor(const at::Tensor& t) {
  at::Tensor c = t.detach().to(at::kFloat).contiguous();
  io::Array a;
  a.shape.assign(c.sizes().begin(), c.sizes().end());
  a.data.assign(c.data_ptr<float>(), c.data_ptr<float>() + c.numel());
  return a;
}

}  // namespace cvm::interp
