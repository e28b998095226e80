#include "interpreter/kernels/recursive_lowpass.h"

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
  float norm;  // 2 tau / dt; the output is y / norm
};

/// The coefficients as convis computes them: float32 tensors dt and tau.
Coefficients coefficients(double tau_seconds, double steps_per_second) {
  const float dt = static_cast<float>(1.0 / steps_per_second);
  const float tau = static_cast<float>(tau_seconds);
  const float e = std::exp(-(dt / tau));
  return {e, 1.0f + e, (2.0f * tau) / dt};
}

/// One (batch, channel) plane: `frames` frames of `pixels` values; y holds the running
/// state of every pixel and is updated in place.
void filter_plane(const float* __restrict x, float* __restrict out, float* __restrict y,
                  int64_t frames, int64_t pixels, Coefficients c) {
  const int64_t blocked = pixels - pixels % kLanes;
  for (int64_t t = 0; t < frames; ++t) {
    const float* xt = x + t * pixels;
    float* ot = out + t * pixels;
    for (int64_t p = 0; p < blocked; p += kLanes) {
      for (int64_t l = 0; l < kLanes; ++l) {
        const float v = xt[p + l] * c.gain + y[p + l] * c.e;
        y[p + l] = v;
        ot[p + l] = v / c.norm;
      }
    }
    for (int64_t p = blocked; p < pixels; ++p) {
      const float v = xt[p] * c.gain + y[p] * c.e;
      y[p] = v;
      ot[p] = v / c.norm;
    }
  }
}

}  // namespace

at::Tensor recursive_lowpass(const at::Tensor& x, double tau_seconds, double steps_per_second,
                             LowPassState& state) {
  if (x.dim() != 5 || x.scalar_type() != at::kFloat)
    throw std::invalid_argument("recursive_lowpass: expected a float32 [B, C, T, X, Y] tensor");
  if (!(tau_seconds > 0) || !(steps_per_second > 0))
    throw std::invalid_argument("recursive_lowpass: tau and steps_per_second must be > 0");
  const int64_t batch = x.size(0), channels = x.size(1), frames = x.size(2);
  const int64_t pixels = x.size(3) * x.size(4);
  const std::vector<int64_t> state_shape{batch, channels, 1, x.size(3), x.size(4)};
  if (!state.last_y.defined()) {
    state.last_y = at::zeros(state_shape, x.options());
  } else if (state.last_y.sizes() != state_shape) {
    throw std::invalid_argument("recursive_lowpass: the input's shape changed between calls");
  }
  const at::Tensor input = x.contiguous();
  at::Tensor out = at::empty_like(input, at::MemoryFormat::Contiguous);
  // Work on a private copy of the state so an exception leaves `state` untouched.
  at::Tensor y = state.last_y.contiguous().clone();
  const Coefficients c = coefficients(tau_seconds, steps_per_second);
  for (int64_t plane = 0; plane < batch * channels; ++plane) {
    filter_plane(input.data_ptr<float>() + plane * frames * pixels,
                 out.data_ptr<float>() + plane * frames * pixels,
                 y.data_ptr<float>() + plane * pixels, frames, pixels, c);
  }
  state.last_y = y;
  return out;
}

}  // namespace cvm::kernels
