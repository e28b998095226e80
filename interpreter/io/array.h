// A float32 host array with a shape: what the data readers and writers exchange.
//
// The I/O layer (HDF5, .npy, .npz) works on plain host memory so it stays independent of
// LibTorch; the runtime wraps an Array into a tensor without copying where it can.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace cvm::io {

/// Row-major (C order) float32 values and their shape.
struct Array {
  std::vector<int64_t> shape;
  std::vector<float> data;

  /// Number of elements the shape describes.
  int64_t numel() const {
    int64_t n = 1;
    for (auto s : shape) n *= s;
    return n;
  }
};

/// A file or its contents cannot be used: missing, unreadable, wrong type or shape.
/// Reported to the user as an error in the data (exit code 1), never as a crash.
class DataError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace cvm::io
