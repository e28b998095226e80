// Helpers shared by the stimulus frame sources (stimuli.cpp, stimuli_random.cpp): size
// checks, clipping a requested frame range, and an all-zero block of frames.
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "interpreter/io/array.h"

namespace cvm::kernels::stimulus {

inline void check_size(int64_t t, int64_t x, int64_t y, const char* what) {
  if (t < 0 || x < 0 || y < 0)
    throw std::invalid_argument(std::string(what) + ": negative stimulus size");
}

/// The frames [t0, t0 + n) clipped to [0, frames): returns the clipped count.
inline int64_t clip_range(int64_t t0, int64_t n, int64_t frames) {
  if (t0 < 0 || n < 0) throw std::out_of_range("stimulus: negative frame range");
  return std::max<int64_t>(0, std::min(n, frames - t0));
}

/// n zero frames of x by y as a 5-d Array [1, 1, n, x, y].
inline io::Array empty_frames(int64_t n, int64_t x, int64_t y) {
  io::Array a;
  a.shape = {1, 1, n, x, y};
  a.data.assign(static_cast<size_t>(n * x * y), 0.0f);
  return a;
}

}  // namespace cvm::kernels::stimulus
