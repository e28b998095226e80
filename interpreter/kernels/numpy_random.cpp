#include "interpreter/kernels/numpy_random.h"

#include <cmath>

namespace cvm::kernels {

namespace {
constexpr int kShift = 397;  // MT19937's M
constexpr uint32_t kMatrixA = 0x9908b0dfU;
constexpr uint32_t kUpperMask = 0x80000000U;
constexpr uint32_t kLowerMask = 0x7fffffffU;

uint32_t mix(uint32_t upper, uint32_t lower, uint32_t shifted) {
  const uint32_t y = (upper & kUpperMask) | (lower & kLowerMask);
  return shifted ^ (y >> 1) ^ ((0U - (y & 1U)) & kMatrixA);
}
}  // namespace

void NumpyRandomState::seed_with(uint32_t seed) {
  for (int i = 0; i < kStateLength; ++i) {
    key_[i] = seed;
    seed = 1812433253U * (seed ^ (seed >> 30)) + static_cast<uint32_t>(i + 1);
  }
  pos_ = kStateLength;
  has_gauss_ = false;
  gauss_ = 0;
}

void NumpyRandomState::twist() {
  int i = 0;
  for (; i < kStateLength - kShift; ++i) key_[i] = mix(key_[i], key_[i + 1], key_[i + kShift]);
  for (; i < kStateLength - 1; ++i)
    key_[i] = mix(key_[i], key_[i + 1], key_[i + kShift - kStateLength]);
  key_[kStateLength - 1] = mix(key_[kStateLength - 1], key_[0], key_[kShift - 1]);
  pos_ = 0;
}

uint32_t NumpyRandomState::next_uint32() {
  if (pos_ == kStateLength) twist();
  uint32_t y = key_[pos_++];
  y ^= y >> 11;
  y ^= (y << 7) & 0x9d2c5680U;
  y ^= (y << 15) & 0xefc60000U;
  y ^= y >> 18;
  return y;
}

double NumpyRandomState::random_sample() {
  const auto a = static_cast<int32_t>(next_uint32() >> 5);
  const auto b = static_cast<int32_t>(next_uint32() >> 6);
  return (a * 67108864.0 + b) / 9007199254740992.0;
}

double NumpyRandomState::standard_normal() {
  if (has_gauss_) {
    has_gauss_ = false;
    const double cached = gauss_;
    gauss_ = 0;
    return cached;
  }
  double x1 = 0, x2 = 0, r2 = 0;
  do {
    x1 = 2.0 * random_sample() - 1.0;
    x2 = 2.0 * random_sample() - 1.0;
    r2 = x1 * x1 + x2 * x2;
  } while (r2 >= 1.0 || r2 == 0.0);
  const double f = std::sqrt(-2.0 * std::log(r2) / r2);
  gauss_ = f * x1;
  has_gauss_ = true;
  return f * x2;
}

}  // namespace cvm::kernels
