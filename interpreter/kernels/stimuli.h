// Generated stimuli (convis.samples and the reference file's impulse) as frame sources: any
// frame range is computed on demand, so a run can stream a stimulus of any length in chunks
// without ever holding all of it.
#pragma once

#include <array>
#include <cstdint>

#include "interpreter/io/frame_source.h"

namespace cvm::kernels {

/// convis.samples.moving_grating: sin(vt T + vx X + vy Y) with T = linspace(0, t, t) (so the
/// time step is t / (t - 1), not 1), X = linspace(-1, 1, x), Y = linspace(-1, 1, y), in
/// numpy's float64 arithmetic. Shape [1, 1, t, x, y].
class MovingGrating : public io::FrameSource {
 public:
  MovingGrating(int64_t t = 2000, int64_t x = 20, int64_t y = 20, double vt = 1.0 / 200,
                double vx = 3.0, double vy = 2.0);
  std::array<int64_t, 5> shape() const override;
  io::Array read(int64_t t0, int64_t n) override;

 private:
  int64_t t_, x_, y_;
  double vt_, vx_, vy_;
};

/// A single impulse: zero everywhere except `amplitude` at frame `at`, pixel (x / 2, y / 2)
/// (the reference file's "impulse" input). Shape [1, 1, t, x, y].
class Impulse : public io::FrameSource {
 public:
  Impulse(int64_t t = 100, int64_t x = 9, int64_t y = 9, int64_t at = 10,
          double amplitude = 1.0);
  std::array<int64_t, 5> shape() const override;
  io::Array read(int64_t t0, int64_t n) override;

 private:
  int64_t t_, x_, y_, at_;
  double amplitude_;
};

}  // namespace cvm::kernels
