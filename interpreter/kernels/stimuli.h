// Generated deterministic stimuli (convis.samples and the reference file's impulse) as frame
// sources: any frame range is computed on demand, so a run can stream a stimulus of any
// length in chunks without ever holding all of it. Values are computed in numpy's double
// arithmetic, in convis's order of operations, and returned as float32. Random stimuli are
// in stimuli_random.h.
#pragma once

#include <array>
#include <cstdint>
#include <vector>

#include <torch/torch.h>

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

/// convis.samples.moving_bar: with T, X, Y as for moving_grating, bw = bar_width / x and
/// W = 2 + bw / 2, the bar is dist <= bw where
/// dist = |X sin(direction) - Y cos(direction) - bar_pos + W ((T bar_v) mod 2 - 1) + 0.005|.
/// Unless `sharp`, it is smoothed along time exactly as scipy.ndimage.gaussian_filter1d(bar,
/// temporal_smoothing, axis=0) does (radius int(4 sigma + 0.5), weights normalised with
/// numpy's pairwise sum, 'reflect' borders, scipy's symmetric accumulation order). A
/// temporal_smoothing <= 0 means no smoothing (convis divides by zero there).
class MovingBar : public io::FrameSource {
 public:
  MovingBar(int64_t t = 2000, int64_t x = 20, int64_t y = 20, double bar_pos = -1.0,
            double bar_direction = 0.0, double bar_width = 1.0, double bar_v = 0.01,
            bool sharp = false, double temporal_smoothing = 1.0);
  std::array<int64_t, 5> shape() const override;
  io::Array read(int64_t t0, int64_t n) override;

 private:
  /// The unsmoothed frame t (0 or 1 per pixel) into out[x * y].
  void sharp_frame(int64_t t, double* out) const;

  int64_t t_, x_, y_;
  double bar_pos_, sin_direction_, cos_direction_, bar_width_, bar_v_;
  std::vector<double> weights_;  // gaussian weights, centre first then distance 1, 2, ..
};

/// convis.samples.pulse: 1 in frames where t mod (2 pulse_length) < pulse_length, else 0.
class Pulse : public io::FrameSource {
 public:
  Pulse(int64_t t = 2000, int64_t x = 20, int64_t y = 20, int64_t pulse_length = 100);
  std::array<int64_t, 5> shape() const override;
  io::Array read(int64_t t0, int64_t n) override;

 private:
  int64_t t_, x_, y_, pulse_length_;
};

/// convis.samples.chirp's timing and shape: every frame is uniform in space.
struct ChirpSettings {
  int64_t pulse_on = 500, pulse_off = 1000;  ///< frames of the light step (value 1)
  int64_t amp_on = 1500, amp_off = 2500;     ///< frames of the amplitude ramp
  double amp_freq = 5.0;                     ///< Hz of the amplitude-modulated sine
  double amp_1 = 0.0, amp_2 = 1.0;           ///< amplitude at the start and end of the ramp
  int64_t freq_on = 3000, freq_off = 4000;   ///< frames of the frequency sweep
  double freq_1 = 0.1, freq_2 = 10.0;        ///< Hz at the start and end of the sweep
  int64_t stimulus_off = 4500;               ///< the length the times above refer to
  bool scale = true;  ///< scale every time by t / stimulus_off (truncated to whole frames)
  double frames_per_second = 1000.0;
};

/// convis.samples.chirp: 0, then 1 in [pulse_on, pulse_off), then in [amp_on, amp_off)
/// linspace(amp_1, amp_2, n)[k] sin(2 pi k amp_freq / fps), then in [freq_on, freq_off)
/// sin(2 pi linspace(freq_1, freq_2, n)[k] k / fps) (k counts frames from the segment start;
/// later segments win where they overlap).
class Chirp : public io::FrameSource {
 public:
  Chirp(int64_t t = 2000, int64_t x = 20, int64_t y = 20, const ChirpSettings& settings = {});
  std::array<int64_t, 5> shape() const override;
  io::Array read(int64_t t0, int64_t n) override;

 private:
  double value(int64_t frame) const;

  int64_t t_, x_, y_;
  ChirpSettings s_;  // with the times already scaled
};

/// A 2-d image [x, y] (a mask, gabor_kernel or text_kernel of sample_images.h) as a
/// one-frame stimulus [1, 1, 1, x, y].
class StillImage : public io::FrameSource {
 public:
  explicit StillImage(const at::Tensor& image);
  std::array<int64_t, 5> shape() const override;
  io::Array read(int64_t t0, int64_t n) override;

 private:
  at::Tensor image_;  // float32 [x, y], contiguous
};

}  // namespace cvm::kernels
