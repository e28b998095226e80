// Random stimuli of convis.samples (random_checker_stimulus, sparse_input) and the random
// inputs of convis's SampleGenerator, drawn from numpy's legacy RandomState (numpy_random.h)
// so that they equal convis's arrays after np.random.seed(seed).
//
// A stimulus of shape (t, ...) is one numpy call rand(t, ...) or randn(t, ...): frame k holds
// the draws k * n .. (k + 1) * n - 1 of one sequence. Frames are generated in order and the
// generator's position is kept, so streaming reads cost nothing extra; reading an earlier
// frame replays the sequence from its start. Every chunking gives the same frames, and
// memory holds one chunk.
//
// Deviation: convis's random_checker_stimulus ignores its `seed` argument and draws from the
// global numpy state; here `seed` seeds the stimulus, i.e. random_checker_stimulus(..,
// seed = s) equals convis's `np.random.seed(s); random_checker_stimulus(..)`.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include "interpreter/io/frame_source.h"
#include "interpreter/kernels/numpy_random.h"

namespace cvm::kernels {

/// Frame after frame of numpy draws: frame k is values k * n .. (k + 1) * n - 1 of the
/// sequence random_sample() (Uniform, np.random.rand) or standard_normal() (Normal,
/// np.random.randn) started from `start`.
class NumpyFrameDraws {
 public:
  enum class Kind { Uniform, Normal };
  NumpyFrameDraws(const NumpyRandomState& start, int64_t values_per_frame, Kind kind);
  /// Writes frame k's values into out[values_per_frame].
  void frame(int64_t k, double* out);

 private:
  double draw();

  NumpyRandomState start_, rng_;
  int64_t values_per_frame_;
  Kind kind_;
  int64_t next_frame_ = 0;  // the frame rng_ is positioned at
};

/// convis.samples.random_checker_stimulus: rand(t, x // cs + 1, y // cs + 1), every cell
/// repeated checker_size times along x and y, cropped to x by y. Seeded by `seed`.
class RandomChecker : public io::FrameSource {
 public:
  RandomChecker(int64_t t = 2000, int64_t x = 20, int64_t y = 20, int64_t checker_size = 5,
                uint32_t seed = 123);
  std::array<int64_t, 5> shape() const override;
  io::Array read(int64_t t0, int64_t n) override;

 private:
  int64_t t_, x_, y_, checker_size_, cells_x_, cells_y_;
  NumpyFrameDraws draws_;
};

/// convis.samples.sparse_input: 1 where rand(t, x, y) < p, else 0. With one probability per
/// frame (convis's list `p`), the stimulus has as many frames as probabilities.
class SparseInput : public io::FrameSource {
 public:
  SparseInput(int64_t t, int64_t x, int64_t y, double p, uint32_t seed);
  SparseInput(int64_t x, int64_t y, std::vector<double> p_per_frame, uint32_t seed);
  std::array<int64_t, 5> shape() const override;
  io::Array read(int64_t t0, int64_t n) override;

 private:
  int64_t t_, x_, y_;
  std::vector<double> p_;  // one value, or one per frame
  bool per_frame_;
  NumpyFrameDraws draws_;
};

/// The generated inputs of convis's SampleGenerator.generate: randn(t, x, y) (Normal),
/// rand(t, x, y) (Uniform) or 1.0 * (rand(t, x, y) < p) (Sparse), continuing the sequence
/// of `start` (the generator's state after the kernel was drawn).
class NumpyNoise : public io::FrameSource {
 public:
  enum class Kind { Normal, Uniform, Sparse };
  NumpyNoise(int64_t t, int64_t x, int64_t y, Kind kind, const NumpyRandomState& start,
             double p = 0.1);
  std::array<int64_t, 5> shape() const override;
  io::Array read(int64_t t0, int64_t n) override;

 private:
  int64_t t_, x_, y_;
  Kind kind_;
  double p_;
  NumpyFrameDraws draws_;
};

}  // namespace cvm::kernels
