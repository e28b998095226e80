// A source of input frames read chunk by chunk: a dataset in an HDF5 file, a .npy file or
// a generated stimulus. Runs pull frames from it so memory never grows with video length.
#pragma once

#include <array>
#include <cstdint>

#include "interpreter/io/array.h"

namespace cvm::io {

class FrameSource {
 public:
  virtual ~FrameSource() = default;
  /// [batch, channel, time, x, y] of the whole signal (3-d sources report batch = channel = 1).
  virtual std::array<int64_t, 5> shape() const = 0;
  /// Frames [t0, t0 + n) as a 5-d Array [batch, channel, n, x, y]; n is clipped at the end.
  virtual Array read(int64_t t0, int64_t n) = 0;
  int64_t frames() const { return shape()[2]; }
};

}  // namespace cvm::io
