#include "interpreter/kernels/stimuli_random.h"

#include <stdexcept>
#include <utility>

#include "interpreter/kernels/stimulus_support.h"

namespace cvm::kernels {

using stimulus::check_size;
using stimulus::clip_range;
using stimulus::empty_frames;

NumpyFrameDraws::NumpyFrameDraws(const NumpyRandomState& start, int64_t values_per_frame,
                                 Kind kind)
    : start_(start), rng_(start), values_per_frame_(values_per_frame), kind_(kind) {}

double NumpyFrameDraws::draw() {
  return kind_ == Kind::Uniform ? rng_.random_sample() : rng_.standard_normal();
}

void NumpyFrameDraws::frame(int64_t k, double* out) {
  if (k < next_frame_) {
    rng_ = start_;
    next_frame_ = 0;
  }
  for (; next_frame_ < k; ++next_frame_) {
    if (kind_ == Kind::Uniform) {
      // Two 32-bit outputs per random_sample(), whatever their values.
      for (int64_t i = 0; i < 2 * values_per_frame_; ++i) rng_.next_uint32();
    } else {
      for (int64_t i = 0; i < values_per_frame_; ++i) rng_.standard_normal();
    }
  }
  for (int64_t i = 0; i < values_per_frame_; ++i) out[i] = draw();
  ++next_frame_;
}

RandomChecker::RandomChecker(int64_t t, int64_t x, int64_t y, int64_t checker_size,
                             uint32_t seed)
    : t_(t),
      x_(x),
      y_(y),
      checker_size_(checker_size),
      cells_x_(checker_size > 0 ? x / checker_size + 1 : 0),
      cells_y_(checker_size > 0 ? y / checker_size + 1 : 0),
      draws_(NumpyRandomState(seed), cells_x_ * cells_y_, NumpyFrameDraws::Kind::Uniform) {
  check_size(t, x, y, "RandomChecker");
  if (checker_size < 1) throw std::invalid_argument("RandomChecker: checker_size must be at least 1");
}

std::array<int64_t, 5> RandomChecker::shape() const { return {1, 1, t_, x_, y_}; }

io::Array RandomChecker::read(int64_t t0, int64_t n) {
  n = clip_range(t0, n, t_);
  io::Array a = empty_frames(n, x_, y_);
  std::vector<double> cells(static_cast<size_t>(cells_x_ * cells_y_));
  float* out = a.data.data();
  for (int64_t t = t0; t < t0 + n; ++t) {
    draws_.frame(t, cells.data());
    for (int64_t i = 0; i < x_; ++i)
      for (int64_t j = 0; j < y_; ++j)
        *out++ = static_cast<float>(cells[static_cast<size_t>((i / checker_size_) * cells_y_ + j / checker_size_)]);
  }
  return a;
}

SparseInput::SparseInput(int64_t t, int64_t x, int64_t y, double p, uint32_t seed)
    : t_(t),
      x_(x),
      y_(y),
      p_{p},
      per_frame_(false),
      draws_(NumpyRandomState(seed), x * y, NumpyFrameDraws::Kind::Uniform) {
  check_size(t, x, y, "SparseInput");
}

SparseInput::SparseInput(int64_t x, int64_t y, std::vector<double> p_per_frame, uint32_t seed)
    : t_(static_cast<int64_t>(p_per_frame.size())),
      x_(x),
      y_(y),
      p_(std::move(p_per_frame)),
      per_frame_(true),
      draws_(NumpyRandomState(seed), x * y, NumpyFrameDraws::Kind::Uniform) {
  check_size(t_, x, y, "SparseInput");
}

std::array<int64_t, 5> SparseInput::shape() const { return {1, 1, t_, x_, y_}; }

io::Array SparseInput::read(int64_t t0, int64_t n) {
  n = clip_range(t0, n, t_);
  io::Array a = empty_frames(n, x_, y_);
  const int64_t pixels = x_ * y_;
  std::vector<double> u(static_cast<size_t>(pixels));
  for (int64_t t = 0; t < n; ++t) {
    draws_.frame(t0 + t, u.data());
    const double p = per_frame_ ? p_[static_cast<size_t>(t0 + t)] : p_[0];
    for (int64_t i = 0; i < pixels; ++i) a.data[static_cast<size_t>(t * pixels + i)] = u[i] < p ? 1.0f : 0.0f;
  }
  return a;
}

NumpyNoise::NumpyNoise(int64_t t, int64_t x, int64_t y, Kind kind, const NumpyRandomState& start,
                       double p)
    : t_(t),
      x_(x),
      y_(y),
      kind_(kind),
      p_(p),
      draws_(start, x * y,
             kind == Kind::Normal ? NumpyFrameDraws::Kind::Normal : NumpyFrameDraws::Kind::Uniform) {
  check_size(t, x, y, "NumpyNoise");
}

std::array<int64_t, 5> NumpyNoise::shape() const { return {1, 1, t_, x_, y_}; }

io::Array NumpyNoise::read(int64_t t0, int64_t n) {
  n = clip_range(t0, n, t_);
  io::Array a = empty_frames(n, x_, y_);
  const int64_t pixels = x_ * y_;
  std::vector<double> v(static_cast<size_t>(pixels));
  for (int64_t t = 0; t < n; ++t) {
    draws_.frame(t0 + t, v.data());
    float* out = a.data.data() + t * pixels;
    for (int64_t i = 0; i < pixels; ++i)
      out[i] = kind_ == Kind::Sparse ? (v[i] < p_ ? 1.0f : 0.0f) : static_cast<float>(v[i]);
  }
  return a;
}

}  // namespace cvm::kernels
