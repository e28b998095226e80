#include "interpreter/kernels/stimuli.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

#include "interpreter/kernels/numpy_compat.h"
#include "interpreter/kernels/stimulus_support.h"

namespace cvm::kernels {

using numpy::linspace_at;
using stimulus::check_size;
using stimulus::clip_range;
using stimulus::empty_frames;

MovingGrating::MovingGrating(int64_t t, int64_t x, int64_t y, double vt, double vx, double vy)
    : t_(t), x_(x), y_(y), vt_(vt), vx_(vx), vy_(vy) {
  check_size(t, x, y, "MovingGrating");
}

std::array<int64_t, 5> MovingGrating::shape() const { return {1, 1, t_, x_, y_}; }

io::Array MovingGrating::read(int64_t t0, int64_t n) {
  n = clip_range(t0, n, t_);
  io::Array a = empty_frames(n, x_, y_);
  float* out = a.data.data();
  for (int64_t t = t0; t < t0 + n; ++t) {
    const double phase_t = vt_ * linspace_at(0.0, static_cast<double>(t_), t_, t);
    for (int64_t i = 0; i < x_; ++i) {
      const double phase_tx = phase_t + vx_ * linspace_at(-1.0, 1.0, x_, i);
      for (int64_t j = 0; j < y_; ++j)
        *out++ = static_cast<float>(std::sin(phase_tx + vy_ * linspace_at(-1.0, 1.0, y_, j)));
    }
  }
  return a;
}

Impulse::Impulse(int64_t t, int64_t x, int64_t y, int64_t at, double amplitude)
    : t_(t), x_(x), y_(y), at_(at), amplitude_(amplitude) {
  check_size(t, x, y, "Impulse");
}

std::array<int64_t, 5> Impulse::shape() const { return {1, 1, t_, x_, y_}; }

io::Array Impulse::read(int64_t t0, int64_t n) {
  n = clip_range(t0, n, t_);
  io::Array a = empty_frames(n, x_, y_);
  if (at_ >= t0 && at_ < t0 + n && x_ > 0 && y_ > 0)
    a.data[static_cast<size_t>(((at_ - t0) * x_ + x_ / 2) * y_ + y_ / 2)] =
        static_cast<float>(amplitude_);
  return a;
}

namespace {

/// numpy's pairwise summation (np.sum of a contiguous float64 array), in its exact order.
double pairwise_sum(const double* a, int64_t n) {
  if (n < 8) {
    double sum = 0.;
    for (int64_t i = 0; i < n; ++i) sum += a[i];
    return sum;
  }
  if (n <= 128) {
    double r[8];
    for (int k = 0; k < 8; ++k) r[k] = a[k];
    int64_t i = 8;
    for (; i < n - (n % 8); i += 8)
      for (int k = 0; k < 8; ++k) r[k] += a[i + k];
    double sum = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; ++i) sum += a[i];
    return sum;
  }
  int64_t half = n / 2;
  half -= half % 8;
  return pairwise_sum(a, half) + pairwise_sum(a + half, n - half);
}

/// scipy.ndimage's 'reflect' border: index p of a signal of length n, extended as
/// (d c b a | a b c d | d c b a) periodically.
int64_t reflect_index(int64_t p, int64_t n) {
  const int64_t period = 2 * n;
  int64_t m = p % period;
  if (m < 0) m += period;
  return m < n ? m : period - 1 - m;
}

}  // namespace

MovingBar::MovingBar(int64_t t, int64_t x, int64_t y, double bar_pos, double bar_direction,
                     double bar_width, double bar_v, bool sharp, double temporal_smoothing)
    : t_(t),
      x_(x),
      y_(y),
      bar_pos_(bar_pos),
      sin_direction_(std::sin(bar_direction)),
      cos_direction_(std::cos(bar_direction)),
      bar_width_(bar_width / static_cast<double>(x)),
      bar_v_(bar_v) {
  check_size(t, x, y, "MovingBar");
  if (sharp || !(temporal_smoothing > 0)) return;
  // scipy's _gaussian_kernel1d(sigma, 0, radius): exp(-0.5 / sigma^2 * k^2) / sum.
  const double sigma = temporal_smoothing;
  const auto radius = static_cast<int64_t>(4.0 * sigma + 0.5);
  std::vector<double> phi(static_cast<size_t>(2 * radius + 1));
  const double factor = -0.5 / (sigma * sigma);
  for (int64_t k = -radius; k <= radius; ++k)
    phi[static_cast<size_t>(k + radius)] = std::exp(factor * static_cast<double>(k * k));
  const double sum = pairwise_sum(phi.data(), static_cast<int64_t>(phi.size()));
  for (int64_t k = 0; k <= radius; ++k) weights_.push_back(phi[static_cast<size_t>(radius + k)] / sum);
}

std::array<int64_t, 5> MovingBar::shape() const { return {1, 1, t_, x_, y_}; }

void MovingBar::sharp_frame(int64_t t, double* out) const {
  const double T = linspace_at(0.0, static_cast<double>(t_), t_, t);
  const double width = 2.0 + 0.5 * bar_width_;
  const double shift = width * (numpy::python_mod(T * bar_v_, 2.0) - 1.0);
  for (int64_t i = 0; i < x_; ++i) {
    const double along_x = linspace_at(-1.0, 1.0, x_, i) * sin_direction_;
    for (int64_t j = 0; j < y_; ++j) {
      const double across = along_x - linspace_at(-1.0, 1.0, y_, j) * cos_direction_;
      const double dist = std::abs(across - bar_pos_ + shift + 0.005);
      *out++ = dist <= bar_width_ ? 1.0 : 0.0;
    }
  }
}

io::Array MovingBar::read(int64_t t0, int64_t n) {
  n = clip_range(t0, n, t_);
  io::Array a = empty_frames(n, x_, y_);
  const int64_t pixels = x_ * y_;
  std::vector<double> frame(static_cast<size_t>(pixels));
  if (weights_.empty()) {
    for (int64_t t = 0; t < n; ++t) {
      sharp_frame(t0 + t, frame.data());
      std::copy(frame.begin(), frame.end(), a.data.begin() + t * pixels);
    }
    return a;
  }
  // The sharp frames t0 - radius .. t0 + n + radius (reflected at the ends), then scipy's
  // symmetric correlation: x[t] w0 + sum over d = radius .. 1 of (x[t - d] + x[t + d]) w_d.
  const auto radius = static_cast<int64_t>(weights_.size()) - 1;
  std::vector<double> bars(static_cast<size_t>((n + 2 * radius) * pixels));
  for (int64_t k = 0; k < n + 2 * radius; ++k)
    sharp_frame(reflect_index(t0 - radius + k, t_), bars.data() + k * pixels);
  for (int64_t t = 0; t < n; ++t) {
    const double* centre = bars.data() + (t + radius) * pixels;
    for (int64_t p = 0; p < pixels; ++p) {
      double v = centre[p] * weights_[0];
      for (int64_t d = radius; d >= 1; --d)
        v += (centre[p - d * pixels] + centre[p + d * pixels]) * weights_[static_cast<size_t>(d)];
      a.data[static_cast<size_t>(t * pixels + p)] = static_cast<float>(v);
    }
  }
  return a;
}

Pulse::Pulse(int64_t t, int64_t x, int64_t y, int64_t pulse_length)
    : t_(t), x_(x), y_(y), pulse_length_(pulse_length) {
  check_size(t, x, y, "Pulse");
  if (pulse_length < 1) throw std::invalid_argument("Pulse: pulse_length must be at least 1");
}

std::array<int64_t, 5> Pulse::shape() const { return {1, 1, t_, x_, y_}; }

io::Array Pulse::read(int64_t t0, int64_t n) {
  n = clip_range(t0, n, t_);
  io::Array a = empty_frames(n, x_, y_);
  const int64_t pixels = x_ * y_;
  for (int64_t t = 0; t < n; ++t) {
    if ((t0 + t) % (2 * pulse_length_) < pulse_length_)
      std::fill(a.data.begin() + t * pixels, a.data.begin() + (t + 1) * pixels, 1.0f);
  }
  return a;
}

Chirp::Chirp(int64_t t, int64_t x, int64_t y, const ChirpSettings& settings)
    : t_(t), x_(x), y_(y), s_(settings) {
  check_size(t, x, y, "Chirp");
  if (s_.scale) {
    if (s_.stimulus_off <= 0) throw std::invalid_argument("Chirp: stimulus_off must be positive");
    const double factor = static_cast<double>(t) / static_cast<double>(s_.stimulus_off);
    for (int64_t* time : {&s_.pulse_on, &s_.pulse_off, &s_.amp_on, &s_.amp_off, &s_.freq_on,
                          &s_.freq_off, &s_.stimulus_off})
      *time = static_cast<int64_t>(static_cast<double>(*time) * factor);
  }
  for (auto [on, off] : {std::pair{s_.pulse_on, s_.pulse_off}, std::pair{s_.amp_on, s_.amp_off},
                         std::pair{s_.freq_on, s_.freq_off}}) {
    if (on < 0 || off < on)
      throw std::invalid_argument("Chirp: every segment needs 0 <= on <= off");
  }
}

std::array<int64_t, 5> Chirp::shape() const { return {1, 1, t_, x_, y_}; }

double Chirp::value(int64_t frame) const {
  const double two_pi = 2.0 * std::acos(-1.0);
  if (frame >= s_.freq_on && frame < s_.freq_off) {
    const int64_t k = frame - s_.freq_on, length = s_.freq_off - s_.freq_on;
    return std::sin(two_pi * linspace_at(s_.freq_1, s_.freq_2, length, k) * static_cast<double>(k) /
                    s_.frames_per_second);
  }
  if (frame >= s_.amp_on && frame < s_.amp_off) {
    const int64_t k = frame - s_.amp_on, length = s_.amp_off - s_.amp_on;
    return linspace_at(s_.amp_1, s_.amp_2, length, k) *
           std::sin(two_pi * static_cast<double>(k) * s_.amp_freq / s_.frames_per_second);
  }
  return frame >= s_.pulse_on && frame < s_.pulse_off ? 1.0 : 0.0;
}

io::Array Chirp::read(int64_t t0, int64_t n) {
  n = clip_range(t0, n, t_);
  io::Array a = empty_frames(n, x_, y_);
  const int64_t pixels = x_ * y_;
  for (int64_t t = 0; t < n; ++t) {
    const auto v = static_cast<float>(value(t0 + t));
    std::fill(a.data.begin() + t * pixels, a.data.begin() + (t + 1) * pixels, v);
  }
  return a;
}

StillImage::StillImage(const at::Tensor& image)
    : image_(image.to(at::kFloat).contiguous()) {
  if (image_.dim() != 2) throw std::invalid_argument("StillImage: the image must be 2-d");
}

std::array<int64_t, 5> StillImage::shape() const { return {1, 1, 1, image_.size(0), image_.size(1)}; }

io::Array StillImage::read(int64_t t0, int64_t n) {
  n = clip_range(t0, n, 1);
  io::Array a = empty_frames(n, image_.size(0), image_.size(1));
  if (n == 1) std::copy_n(image_.data_ptr<float>(), image_.numel(), a.data.begin());
  return a;
}

}  // namespace cvm::kernels
