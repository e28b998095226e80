// What the benchmarks share: best-of-N timing and the stimulus they all run on,
// moving_grating(2000, 50, 50) as one tensor [1, 1, 2000, 50, 50].
#pragma once

#include <algorithm>
#include <chrono>

#include <torch/torch.h>

#include "interpreter/kernels/stimuli.h"

namespace cvm::bench {

/// Frames per chunk when a kernel streams the stimulus.
constexpr int64_t kChunk = 200;

/// Seconds taken by `f`, best of `repeats` runs; `result` keeps the last output.
template <typename F>
double best_time(int repeats, F f, at::Tensor& result) {
  using Clock = std::chrono::steady_clock;
  double best = 1e300;
  for (int r = 0; r < repeats; ++r) {
    const auto start = Clock::now();
    result = f();
    best = std::min(best, std::chrono::duration<double>(Clock::now() - start).count());
  }
  return best;
}

inline at::Tensor stimulus() {
  kernels::MovingGrating grating(2000, 50, 50);
  const auto a = grating.read(0, grating.frames());
  return at::tensor(at::ArrayRef<float>(a.data), at::kFloat).reshape(a.shape);
}

}  // namespace cvm::bench
