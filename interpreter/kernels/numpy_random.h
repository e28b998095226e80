// numpy's legacy random generator (numpy.random.RandomState, the one behind np.random.seed /
// np.random.rand / np.random.randn), reimplemented to the bit so that seeded stimuli and
// sample data equal what convis produces after `np.random.seed(s)`.
//
// The core is the 32-bit Mersenne Twister MT19937. np.random.seed(s) with an integer s
// seeds it with the Knuth recurrence of the MT reference code (init_genrand; numpy's
// `mt19937_seed`), not with init_by_array. random_sample() builds a 53-bit double from two
// 32-bit draws, (a >> 5) * 2^26 + (b >> 6), divided by 2^53. standard_normal() is numpy's
// legacy polar Box-Muller: it draws pairs and keeps the second value for the next call
// (that cache is part of the state, as in numpy).
#pragma once

#include <array>
#include <cstdint>

namespace cvm::kernels {

class NumpyRandomState {
 public:
  /// np.random.seed(seed) (numpy accepts exactly the seeds 0 .. 2^32 - 1).
  explicit NumpyRandomState(uint32_t seed = 0) { seed_with(seed); }

  /// Re-seeds as np.random.seed(seed) does (also drops the cached normal value).
  void seed_with(uint32_t seed);

  /// One 32-bit output of MT19937 (numpy's random_uint32 / genrand_int32).
  uint32_t next_uint32();

  /// np.random.random_sample(): a double in [0, 1) with 53 random bits.
  double random_sample();

  /// np.random.standard_normal() of the legacy RandomState (polar method with a cache).
  double standard_normal();

 private:
  static constexpr int kStateLength = 624;
  void twist();

  std::array<uint32_t, kStateLength> key_{};
  int pos_ = kStateLength;
  bool has_gauss_ = false;
  double gauss_ = 0;
};

}  // namespace cvm::kernels
