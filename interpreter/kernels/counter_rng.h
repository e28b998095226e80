// Counter-based random numbers for the stochastic layers (spiking noise, Poisson spikes).
//
// Every number is a pure function of (seed, layer, cell, step, draw): the Philox4x32-10
// block cipher (Salmon et al., "Parallel random numbers: as easy as 1, 2, 3", SC 2011)
// encrypts the counter (cell, step, draw) under a key made of the run's seed and a hash of
// the layer's path. Nothing is consumed, so a layer draws the same numbers whatever the
// chunking, the thread count or the order in which cells are visited, and two layers of
// one model never share a stream. This is not torch's generator: seeded spikes are
// reproducible within cvm, not bit-equal to convis's.
//
// Counter layout: cell = flat index over [batch, channel, x, y] (32 bits), step = frames
// since the layer's last reset (64 bits; initial values use step -1), draw = which number
// of that cell and step (e.g. 0 = membrane noise, 1 = refractory time).
#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <string>

namespace cvm::kernels {

/// The Philox4x32-10 bijection of a 128-bit counter under a 64-bit key.
inline std::array<uint32_t, 4> philox4x32_10(std::array<uint32_t, 4> c, std::array<uint32_t, 2> k) {
  for (int round = 0; round < 10; ++round) {
    if (round > 0) {
      k[0] += 0x9E3779B9u;
      k[1] += 0xBB67AE85u;
    }
    const uint64_t p0 = static_cast<uint64_t>(0xD2511F53u) * c[0];
    const uint64_t p1 = static_cast<uint64_t>(0xCD9E8D57u) * c[2];
    c = {static_cast<uint32_t>(p1 >> 32) ^ c[1] ^ k[0], static_cast<uint32_t>(p1),
         static_cast<uint32_t>(p0 >> 32) ^ c[3] ^ k[1], static_cast<uint32_t>(p0)};
  }
  return c;
}

/// 64-bit FNV-1a of a layer's path: the layer's identity in the key.
inline uint64_t layer_stream_id(const std::string& path) {
  uint64_t h = 0xcbf29ce484222325ull;
  for (unsigned char ch : path) {
    h ^= ch;
    h *= 0x100000001b3ull;
  }
  return h;
}

class CounterRng {
 public:
  CounterRng(uint64_t seed, uint64_t stream_id) {
    const uint64_t key = mix(seed ^ mix(stream_id + 0x9e3779b97f4a7c15ull));
    key_ = {static_cast<uint32_t>(key), static_cast<uint32_t>(key >> 32)};
  }

  /// Four independent uniformly distributed 32-bit words.
  std::array<uint32_t, 4> block(uint32_t cell, int64_t step, uint32_t draw) const {
    const uint64_t s = static_cast<uint64_t>(step);
    return philox4x32_10({cell, static_cast<uint32_t>(s), static_cast<uint32_t>(s >> 32), draw}, key_);
  }

  /// Uniform in [0, 1) on a grid of 2^-24, like torch.rand for float32.
  float uniform(uint32_t cell, int64_t step, uint32_t draw) const {
    return static_cast<float>(block(cell, step, draw)[0] >> 8) * 0x1p-24f;
  }

  /// Standard normal by Box-Muller from two 53-bit uniforms (tails reach 8.5 sigma).
  float normal(uint32_t cell, int64_t step, uint32_t draw) const { return normal_pair(cell, step, draw)[0]; }

  /// Two independent standard normals from one block (Box-Muller's cosine and sine).
  std::array<float, 2> normal_pair(uint32_t cell, int64_t step, uint32_t draw) const {
    const std::array<uint32_t, 4> w = block(cell, step, draw);
    const double u1 = static_cast<double>(bits53(w[0], w[1]) + 1) * 0x1p-53;  // (0, 1]
    const double u2 = static_cast<double>(bits53(w[2], w[3])) * 0x1p-53;      // [0, 1)
    constexpr double two_pi = 6.283185307179586476925286766559;
    const double radius = std::sqrt(-2.0 * std::log(u1));
    return {static_cast<float>(radius * std::cos(two_pi * u2)), static_cast<float>(radius * std::sin(two_pi * u2))};
  }

 private:
  /// SplitMix64's finaliser: spreads seed and stream over all key bits.
  static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
  }
  static uint64_t bits53(uint32_t hi, uint32_t lo) {
    return (static_cast<uint64_t>(hi) << 21) | (lo >> 11);
  }

  std::array<uint32_t, 2> key_;
};

}  // namespace cvm::kernels
