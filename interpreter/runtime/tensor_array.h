// Conversions between the I/O layer's host arrays and tensors.
#pragma once

#include "interpreter/io/array.h"

namespace cvm::interp {

/// A float32 tensor holding a copy of the array.
at::Tensor tensor_from_array(const io::Array& a);
/// A host array holding a float32 copy of the tensor.
io::Array array_from_tensor(const at::Tensor& t);

}  // namespace cvm::interp
