#include "interpreter/kernels/recursive_highpass.h"

#include <cmath>
#include <cstdint>
#include <stdexcept>
#include <vector>

namespace cvm::kernels {

namespace {

/// Pixels updated together; a fixed trip count lets g++ -O2 vectorise the inner loop.
constexpr int64_t kLanes = 16;

struct Coefficients {
  float e;     // exp(-dt / tau)
  float gain;  // 1 + e
  float norm;  // 2 tau / dt
  float k;     // weight of the low-pass branch
};

/// The coefficients as convis computes them: float32 tensors dt, tau and k.
Coefficients coefficients(double tau_seconds, double k, double steps_per_second) {
  const float dt = static_cast<float>(1.0 / steps_per_second);
  const float tau = static_cast<float>(tau_seconds);
  const float e = std::exp(-(dt / tau));
  return {e, 1.0f + e, (2.0f * tau) / dt, static_cast<float>(k)};
}

/// One pixel step: z <- e z + (1 + e) x_prev; returns x - (k z) / norm.
inline float step(float x, float x_prev, float& z, const Coefficients& c) {
  const float v = x_prev * c.gain + z * c.e;
  z = v;
  return x - (c.k * v) / c.norm;
}

/// One (batch, channel) plane: `frames` frames of `pixels` values. z and x_last hold the
/// state of every pixel and are updated in place.
void filter_plane(const float* __restrict x, float* __restrict out, float* __restrict z,
                  float* __restrict x_last, int64_t frames, int64_t pixels, Coefficients c) {
  if (frames == 0) return;
  const int64_t blocked = pixels - pixels % kLanes;
  for (int64_t t = 0; t < frames; ++t) {
    const float* xt = x + t * pixels;
    const float* prev = t == 0 ? x_last : xt - pixels;
    float* ot = out + t * pixels;
    for (int64_t p = 0; p < blocked; p += kLanes) {
      for (int64_t l = 0; l < kLanes; ++l) ot[p + l] = step(xt[p + l], prev[p + l], z[p + l], c);
    }
    for (int64_t p = blocked; p < pixels; ++p) ot[p] = step(xt[p], prev[p], z[p], c);
  }
  const float* last = x + (frames - 1) * pixels;
  for (int64_t p = 0; p < pixels; ++p) x_last[p] = last[p];
}

}  // namespace

at::Tensor recursive_highpass(const at::Tensor& x, double tau_seconds, double k,
                              double steps_per_second, HighPassState& state) {
  if (x.dim() != 5 || x.scalar_type() != at::kFloat)
    throw std::invalid_argument("recursive_highpass: expected a float32 [B, C, T, X, Y] tensor");
  if (!(tau_seconds > 0) || !(steps_per_second > 0))
    throw std::invalid_argument("recursive_highpass: tau and steps_per_second must be > 0");
  const int64_t batch = x.size(0), channels = x.size(1), frames = x.size(2);
  const int64_t pixels = x.size(3) * x.size(4);
  const at::Tensor input = x.contiguous();
  at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
  if (frames == 0) return out;
  const std::vector<int64_t> state_shape{batch, channels, 1, x.size(3), x.size(4)};
  // Work on private copies of the state so an exception leaves `state` untouched.
  at::Tensor z, x_last;
  if (!state.last_z.defined()) {
    z = at::zeros(state_shape, x.options());
    x_last = input.narrow(2, 0, 1).clone();
  } else if (state.last_z.sizes() != state_shape || state.last_x.sizes() != state_shape) {
    throw std::invalid_argument("recursive_highpass: the input's shape changed between calls");
  } else {
    z = state.last_z.contiguous().clone();
    x_last = state.last_x.contiguous().clone();
  }
  const Coefficients c = coefficients(tau_seconds, k, steps_per_second);
  for (int64_t plane = 0; plane < batch * channels; ++plane) {
    filter_plane(input.data_ptr<float>() + plane * frames * pixels,
                 out.data_ptr<float>() + plane * frames * pixels, z.data_ptr<float>() + plane * pixels,
                 x_last.data_ptr<float>() + plane * pixels, frames, pixels, c);
  }
  state.last_z = z;
  state.last_x = x_last;
  return out;
}

}  // namespace cvm::kernels
