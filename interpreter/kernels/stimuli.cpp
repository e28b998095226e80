#include "interpreter/kernels/stimuli.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace cvm::kernels {

namespace {

/// Sample i of numpy.linspace(start, stop, num): start + i * step, exactly stop at the end.
double linspace_at(double start, double stop, int64_t num, int64_t i) {
  if (num <= 1) return start;
  if (i == num - 1) return stop;
  return static_cast<double>(i) * ((stop - start) / static_cast<double>(num - 1)) + start;
}

void check_size(int64_t t, int64_t x, int64_t y, const char* what) {
  if (t < 0 || x < 0 || y < 0)
    throw std::invalid_argument(std::string(what) + ": negative stimulus size");
}

/// The frames [t0, t0 + n) clipped to [0, frames): returns the clipped count.
int64_t clip_range(int64_t t0, int64_t n, int64_t frames) {
  if (t0 < 0 || n < 0) throw std::out_of_range("stimulus: negative frame range");
  return std::max<int64_t>(0, std::min(n, frames - t0));
}

io::Array empty_frames(int64_t n, int64_t x, int64_t y) {
  io::Array a;
  a.shape = {1, 1, n, x, y};
  a.data.assign(static_cast<size_t>(n * x * y), 0.0f);
  return a;
}

}  // namespace

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

}  // namespace cvm::kernels
