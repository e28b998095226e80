#include "interpreter/kernels/retina_opl.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <stdexcept>
#include <vector>

#include "interpreter/kernels/recursive_highpass.h"
#include "interpreter/kernels/recursive_lowpass.h"
#include "interpreter/kernels/spatial_recursive.h"

namespace cvm::kernels {

namespace {

/// Frames per block: the centre and surround stages of a block of 50x50 frames stay in L2.
constexpr int64_t kBlockFrames = 32;

/// The state of one (batch, channel) plane, as raw pointers into the state tensors.
struct PlaneState {
  float* center_y;
  float* undershoot_z;
  float* last_center;
  float* surround_s;
};

/// Pixels updated together: a fixed trip count lets g++ -O2 vectorise the inner loops.
constexpr int64_t kLanes = 16;

/// Pixel-frames below which a block's recursions stay on one thread.
constexpr int64_t kParallelGrain = 1 << 14;

/// Calls step(p) for p < n, in blocks of kLanes.
template <typename Step>
inline void for_pixels(int64_t n, Step step) {
  int64_t p = 0;
  for (; p + kLanes <= n; p += kLanes)
    for (int64_t l = 0; l < kLanes; ++l) step(p + l);
  for (; p < n; ++p) step(p);
}

/// One frame of the centre recursions, in place A -> C, for `pixels` pixels.
inline void center_frame(float* __restrict a, float* __restrict y, float* __restrict z, float* __restrict prev,
                         int64_t pixels, const OplTemporal& c) {
  const float e_c = c.center_e, gain_c = 1.0f + c.center_e, norm_c = c.center_norm;
  const float e_u = c.undershoot_e, gain_u = 1.0f + c.undershoot_e, norm_u = c.undershoot_norm;
  const float k = c.undershoot_k;
  for_pixels(pixels, [&](int64_t p) {
    const float v = a[p] * gain_c + y[p] * e_c;
    y[p] = v;
    const float c1 = v / norm_c;
    const float w = prev[p] * gain_u + z[p] * e_u;
    z[p] = w;
    prev[p] = c1;
    a[p] = c1 - (k * w) / norm_u;
  });
}

/// One frame of the surround recursion, in place B -> S, and out = C - w S.
inline void surround_frame(const float* __restrict center, float* __restrict b, float* __restrict out,
                           float* __restrict s, int64_t pixels, const OplTemporal& c) {
  const float e = c.surround_e, gain = 1.0f + c.surround_e, norm = c.surround_norm, w = c.relative_weight;
  for_pixels(pixels, [&](int64_t p) {
    const float v = b[p] * gain + s[p] * e;
    s[p] = v;
    const float surround = v / norm;
    b[p] = surround;
    out[p] = center[p] - w * surround;
  });
}

/// Centre recursions over `frames` frames of `pixels` values, in place: A -> C, for the
/// pixels [first, last). first_of_run: the first frame has no previous C1 (C1_{-1} := C1_0).
void center_recursions(float* a, int64_t frames, int64_t pixels, int64_t first, int64_t last, const OplTemporal& c,
                       const PlaneState& s, bool first_of_run) {
  if (first_of_run && frames > 0) {
    const float gain_c = 1.0f + c.center_e;
    for (int64_t p = first; p < last; ++p)
      s.last_center[p] = (a[p] * gain_c + s.center_y[p] * c.center_e) / c.center_norm;
  }
  for (int64_t t = 0; t < frames; ++t)
    center_frame(a + t * pixels + first, s.center_y + first, s.undershoot_z + first, s.last_center + first,
                 last - first, c);
}

/// Surround recursion over `frames` frames, in place B -> S, and out = C - w S, for the
/// pixels [first, last).
void surround_recursion(const float* center, float* b, float* out, int64_t frames, int64_t pixels, int64_t first,
                        int64_t last, const OplTemporal& c, const PlaneState& s) {
  for (int64_t t = 0; t < frames; ++t) {
    const int64_t offset = t * pixels + first;
    surround_frame(center + offset, b + offset, out + offset, s.surround_s + first, last - first, c);
  }
}

/// Runs f(first, last) over ranges of [0, pixels), on several threads when each gets at
/// least kParallelGrain pixel-frames: a pixel's recursion does not depend on its neighbours.
template <typename F>
void over_pixels(int64_t pixels, int64_t frames, const F& f) {
  const int64_t grain = std::max<int64_t>(kLanes, kParallelGrain / std::max<int64_t>(frames, 1));
  at::parallel_for(0, pixels, grain, f);
}

at::Tensor state_or_zeros(const at::Tensor& t, const std::vector<int64_t>& shape) {
  if (!t.defined()) return at::zeros(shape, at::kFloat);
  if (t.sizes() != shape) throw std::invalid_argument("opl_filter: the input's shape changed between calls");
  return t.contiguous().clone();
}

}  // namespace

OplSpatialStage blur_stage(BlurKernel<float> kernel, float bias, float gain) {
  return [kernel = std::move(kernel), bias, gain](const float* in, float* out, int64_t frames, int64_t X,
                                                  int64_t Y) {
    replicate_blur(kernel, in, out, frames, X, Y);
    if (bias == 0.0f && gain == 1.0f) return;
    at::parallel_for(0, frames * X * Y, kParallelGrain, [&](int64_t begin, int64_t end) {
      for (int64_t i = begin; i < end; ++i) out[i] = (out[i] + bias) * gain;
    });
  };
}

OplSpatialStage deriche_stage(double density, float gain) {
  return [density, gain](const float* in, float* out, int64_t frames, int64_t X, int64_t Y) {
    const at::Tensor x = at::from_blob(const_cast<float*>(in), {1, 1, frames, X, Y}, at::kFloat);
    const at::Tensor y = spatial_recursive_gaussian(x, density).contiguous();
    const float* src = y.data_ptr<float>();
    const int64_t n = frames * X * Y;
    if (gain == 1.0f) {
      std::copy(src, src + n, out);
    } else {
      for (int64_t i = 0; i < n; ++i) out[i] = src[i] * gain;
    }
  };
}

OplOutputs opl_filter(const at::Tensor& x, const OplSpatialStage& center, const OplSpatialStage& surround,
                      const OplTemporal& c, OplState& state, bool keep_center, bool keep_surround) {
  if (x.dim() != 5 || x.scalar_type() != at::kFloat)
    throw std::invalid_argument("opl_filter: expected a float32 [B, C, T, X, Y] tensor");
  const int64_t planes = x.size(0) * x.size(1), frames = x.size(2), X = x.size(3), Y = x.size(4);
  const int64_t pixels = X * Y;
  const std::vector<int64_t> state_shape{x.size(0), x.size(1), 1, X, Y};
  const bool first_of_run = !state.last_center.defined();
  OplState next{state_or_zeros(state.center_y, state_shape), state_or_zeros(state.undershoot_z, state_shape),
                state_or_zeros(state.last_center, state_shape), state_or_zeros(state.surround_s, state_shape)};
  const at::Tensor input = x.contiguous();
  OplOutputs out;
  out.y = at::empty(input.sizes(), input.options());
  if (keep_center) out.center_signal = at::empty(input.sizes(), input.options());
  if (keep_surround) out.surround_signal = at::empty(input.sizes(), input.options());
  // Blocks of equal size (at most kBlockFrames), so that none is too small to share.
  const int64_t blocks = std::max<int64_t>(1, (frames + kBlockFrames - 1) / kBlockFrames);
  const int64_t block = std::max<int64_t>(1, (frames + blocks - 1) / blocks);
  std::vector<float> center_scratch(keep_center ? 0 : static_cast<size_t>(block * pixels));
  std::vector<float> surround_scratch(keep_surround ? 0 : static_cast<size_t>(block * pixels));
  for (int64_t plane = 0; plane < planes; ++plane) {
    const PlaneState s{next.center_y.data_ptr<float>() + plane * pixels,
                       next.undershoot_z.data_ptr<float>() + plane * pixels,
                       next.last_center.data_ptr<float>() + plane * pixels,
                       next.surround_s.data_ptr<float>() + plane * pixels};
    const int64_t offset = plane * frames * pixels;
    for (int64_t t0 = 0; t0 < frames; t0 += block) {
      const int64_t n = std::min(block, frames - t0);
      const int64_t start = offset + t0 * pixels;
      float* cbuf = keep_center ? out.center_signal.data_ptr<float>() + start : center_scratch.data();
      float* sbuf = keep_surround ? out.surround_signal.data_ptr<float>() + start : surround_scratch.data();
      center(input.data_ptr<float>() + start, cbuf, n, X, Y);
      over_pixels(pixels, n, [&](int64_t first, int64_t last) {
        center_recursions(cbuf, n, pixels, first, last, c, s, first_of_run && t0 == 0);
      });
      surround(cbuf, sbuf, n, X, Y);
      float* y = out.y.data_ptr<float>() + start;
      over_pixels(pixels, n, [&](int64_t first, int64_t last) {
        surround_recursion(cbuf, sbuf, y, n, pixels, first, last, c, s);
      });
    }
  }
  if (frames > 0) state = std::move(next);
  return out;
}

at::Tensor opl_impulse_response(const OplResponseParameters& p, int64_t T, int64_t X, int64_t Y,
                                double steps_per_second, double pixels_per_degree) {
  if (T < 1 || X < 1 || Y < 1) throw std::invalid_argument("opl_impulse_response: the shape must not be empty");
  if (!(p.sigma_center > 0) || !(p.sigma_surround > 0))
    throw std::invalid_argument("opl_impulse_response: sigma_center and sigma_surround must be > 0");
  // The RecursiveOPLFilter layer's parameters are float32: densities, taus and weights.
  auto real = [](double v) { return at::scalar_tensor(v, at::kFloat); };
  auto density = [&](double sigma) {
    return static_cast<double>(static_cast<float>(1.0 / (sigma * pixels_per_degree)));
  };
  const LowPassCoefficients center = lowpass_coefficients(real(p.tau_center), steps_per_second);
  const HighPassCoefficients undershoot = highpass_coefficients(
      real(p.undershoot_tau_center), real(p.undershoot_relative_weight_center), steps_per_second);
  const LowPassCoefficients surround = lowpass_coefficients(real(p.tau_surround), steps_per_second);
  const OplTemporal c{center.e.item<float>(),     center.norm.item<float>(),   undershoot.e.item<float>(),
                      undershoot.norm.item<float>(), undershoot.k.item<float>(), surround.e.item<float>(),
                      surround.norm.item<float>(),   static_cast<float>(p.relative_weight)};
  at::Tensor impulse = at::zeros({1, 1, T, X, Y}, at::kFloat);
  impulse.index_put_({0, 0, 0, X / 2, Y / 2}, 1.0f);
  OplState state;
  const OplOutputs out = opl_filter(impulse, deriche_stage(density(p.sigma_center), static_cast<float>(p.lambda_opl)),
                                    deriche_stage(density(p.sigma_surround)), c, state, false, false);
  return out.y.reshape({T, X, Y});
}

}  // namespace cvm::kernels
