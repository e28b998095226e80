#include "interpreter/kernels/retina_ganglion.h"

#include <ATen/Parallel.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <stdexcept>
#include <string>

#include "interpreter/kernels/filter_kernels.h"
#include "interpreter/kernels/replicate_blur.h"
#include "interpreter/kernels/vec_math.h"

namespace cvm::kernels {

namespace {

constexpr const char* kName = "GanglionInput";

/// Output frames of the general FIR computed together: each tap is one multiply-add over
/// kBlockFrames contiguous frames.
constexpr int64_t kBlockFrames = 16;

// The hot loops below take __restrict pointers (lambdas would lose them). Gains are computed
// four at a time (vec_math.h's Float4); the rest run in blocks of kLanes values, a fixed trip
// count that g++ vectorises.

/// Values computed together by the scalar-typed loops.
constexpr int64_t kLanes = 16;

/// The gain function N(y) of convis, in its float32 order. The lower branch's two divisions
/// are most of its cost; four values whose y are all above v_0 skip them.
struct Gain {
  float sign, bias, i_0, v_0, lambda_G;
  float operator()(float filtered) const {
    const float y = sign * (filtered + bias);
    const float d = y - v_0;
    if (y > v_0) return i_0 + lambda_G * d;
    return i_0 / (1.0f - lambda_G * (d < 0.0f ? d : 0.0f) / i_0);
  }
  /// The same numbers as the scalar version, lane by lane.
  Float4 operator()(Float4 filtered) const {
    const Float4 y = sign * (filtered + bias);
    const Float4 d = y - v_0;
    const Float4 above = i_0 + lambda_G * d;
    const Int4 is_above = y > v_0;
    if (is_above[0] && is_above[1] && is_above[2] && is_above[3]) return above;
    // min(d, 0) as the scalar version computes it (+0 unless d < 0): the lower branch is
    // finite in every lane, also where the upper one is chosen.
    const Float4 negative = reinterpret_cast<Float4>(reinterpret_cast<Int4>(d) & (d < 0.0f));
    const Float4 below = i_0 / (1.0f - lambda_G * negative / i_0);
    return is_above ? above : below;
  }
};

/// acc[i] += h src[i], i < count.
void multiply_add(float* __restrict acc, const float* __restrict src, float h, int64_t count) {
  const int64_t blocked = count - count % kLanes;
  for (int64_t b = 0; b < blocked; b += kLanes) {
    for (int64_t l = 0; l < kLanes; ++l) acc[b + l] += h * src[b + l];
  }
  for (int64_t i = blocked; i < count; ++i) acc[i] += h * src[i];
}

/// v[i] = gain(v[i]), i < count.
void apply_gain(float* __restrict v, int64_t count, const Gain gain) {
  int64_t i = 0;
  for (; i + 4 <= count; i += 4) store4(v + i, gain(load4(v + i)));
  for (; i < count; ++i) v[i] = gain(v[i]);
}

/// One frame of the exponential recursion for `count` pixels: S = r S + V_{t-1} - r^L V_{t-1-L}
/// (skipped when v1 is null: the first frame of a call, whose S comes from the history),
/// out = gain(V_t + c0 S).
void exponential_frame(double* __restrict S, const float* __restrict v, const float* __restrict v1,
                       const float* __restrict vL, float* __restrict out, int64_t count, double r, double rL,
                       double c0, const Gain gain) {
  typedef double Double4 __attribute__((vector_size(32)));
  int64_t p = 0;
  for (; p + 4 <= count; p += 4) {
    Double4 sum;
    std::memcpy(&sum, S + p, sizeof sum);
    if (v1) {
      sum = r * sum + __builtin_convertvector(load4(v1 + p), Double4) -
            rL * __builtin_convertvector(load4(vL + p), Double4);
      std::memcpy(S + p, &sum, sizeof sum);
    }
    const Double4 filtered = __builtin_convertvector(load4(v + p), Double4) + c0 * sum;
    store4(out + p, gain(__builtin_convertvector(filtered, Float4)));
  }
  for (; p < count; ++p) {
    if (v1) S[p] = r * S[p] + static_cast<double>(v1[p]) - rL * static_cast<double>(vL[p]);
    out[p] = gain(static_cast<float>(v[p] + c0 * S[p]));
  }
}

/// S = r S + v for `count` pixels (Horner's scheme over history frames).
void horner_step(double* __restrict S, const float* __restrict v, int64_t count, double r) {
  const int64_t blocked = count - count % kLanes;
  for (int64_t b = 0; b < blocked; b += kLanes) {
    for (int64_t l = 0; l < kLanes; ++l) S[b + l] = r * S[b + l] + static_cast<double>(v[b + l]);
  }
  for (int64_t p = blocked; p < count; ++p) S[p] = r * S[p] + static_cast<double>(v[p]);
}

struct Sizes {
  int64_t planes, frames, x, y, pixels, history;
};

Sizes sizes_of(const at::Tensor& x, int64_t taps) {
  if (x.dim() != 5 || x.scalar_type() != at::kFloat) {
    throw std::invalid_argument(std::string(kName) + ": expected a float32 [B, C, T, X, Y] tensor, got " +
                                c10::str(x.sizes()) + " " + std::string(c10::toString(x.scalar_type())));
  }
  return {x.size(0) * x.size(1), x.size(2), x.size(3), x.size(4), x.size(3) * x.size(4), taps - 1};
}

/// The state's L history frames as a contiguous float32 [B, C, L, X, Y] tensor (zeros before
/// the first call).
at::Tensor history_frames(const at::Tensor& x, const at::Tensor& history, int64_t L) {
  std::vector<int64_t> shape = x.sizes().vec();
  shape[2] = L;
  if (!history.defined()) return at::zeros(shape, x.options());
  if (history.sizes().vec() != shape) {
    throw std::invalid_argument(std::string(kName) + ": the history has shape " + c10::str(history.sizes()) +
                                " but this input needs " + c10::str(at::IntArrayRef(shape)));
  }
  return history.to(at::kFloat).contiguous();
}

/// The general path: buf holds [L history; T] frames per plane; n gets N(y) per frame.
void transient_fir(const float* buf, float* n, const std::vector<float>& h, const Sizes& s, const Gain& gain) {
  const int64_t blocks = (s.frames + kBlockFrames - 1) / kBlockFrames;
  const int64_t P = s.pixels, L = s.history, K = static_cast<int64_t>(h.size());
  at::parallel_for(0, s.planes * blocks, 1, [&](int64_t begin, int64_t end) {
    for (int64_t job = begin; job < end; ++job) {
      const int64_t plane = job / blocks, t0 = (job % blocks) * kBlockFrames;
      const int64_t count = std::min(kBlockFrames, s.frames - t0) * P;
      const float* in = buf + plane * (L + s.frames) * P;
      float* acc = n + (plane * s.frames + t0) * P;
      std::fill(acc, acc + count, 0.0f);
      for (int64_t k = 0; k < K; ++k) {
        multiply_add(acc, in + (L + t0 - k) * P, h[static_cast<size_t>(k)], count);
      }
      apply_gain(acc, count, gain);
    }
  });
}

/// The exponential path (S2), pixels [first, last) of one plane; hist holds its L history
/// frames, x its T input frames.
void transient_exponential_run(const float* hist, const float* x, float* n, const Sizes& s, int64_t first,
                               int64_t last, const ExponentialTransient& e, const Gain& gain) {
  const int64_t P = s.pixels, L = s.history, Le = e.length;
  auto frame = [&](int64_t t) { return (t < 0 ? hist + (L + t) * P : x + t * P) + first; };
  const int64_t width = last - first;
  std::vector<double> sum(static_cast<size_t>(width), 0.0);
  double* S = sum.data();
  const double rL = std::pow(e.r, static_cast<double>(Le));
  // S_0 = sum_{i<Le} r^i V_{-1-i}, by Horner's scheme over the history.
  for (int64_t t = -Le; t < 0; ++t) horner_step(S, frame(t), width, e.r);
  for (int64_t t = 0; t < s.frames; ++t) {
    const bool update = t > 0 && Le > 0;
    exponential_frame(S, frame(t), update ? frame(t - 1) : nullptr, update ? frame(t - 1 - Le) : nullptr,
                      n + t * P + first, width, e.r, rL, e.c0, gain);
  }
}

void transient_exponential(const float* hist, const float* x, float* n, const Sizes& s,
                           const ExponentialTransient& e, const Gain& gain) {
  const int64_t P = s.pixels, L = s.history;
  const int64_t grain = std::max<int64_t>(64, 32768 / std::max<int64_t>(s.frames, 1));
  at::parallel_for(0, s.planes * P, grain, [&](int64_t begin, int64_t end) {
    for (int64_t cell = begin; cell < end;) {
      const int64_t plane = cell / P, first = cell % P, last = std::min(P, first + (end - cell));
      transient_exponential_run(hist + plane * L * P, x + plane * s.frames * P, n + plane * s.frames * P, s, first,
                                last, e, gain);
      cell += last - first;
    }
  });
}

/// convis's valid correlation (no padding) of every frame with w [kx, ky].
void pool_valid(const float* in, float* out, const float* w, int64_t kx, int64_t ky, float bias, int64_t frames,
                int64_t X, int64_t Y) {
  const int64_t OX = X - kx + 1, OY = Y - ky + 1;
  at::parallel_for(0, frames, 1, [&](int64_t begin, int64_t end) {
    for (int64_t f = begin; f < end; ++f) {
      const float* src = in + f * X * Y;
      float* dst = out + f * OX * OY;
      for (int64_t ox = 0; ox < OX; ++ox) {
        float* row = dst + ox * OY;
        std::fill(row, row + OY, 0.0f);
        for (int64_t i = 0; i < kx; ++i) {
          for (int64_t j = 0; j < ky; ++j) {
            const float wij = w[i * ky + j];
            const float* s = src + (ox + i) * Y + j;
            for (int64_t oy = 0; oy < OY; ++oy) row[oy] += wij * s[oy];
          }
        }
        for (int64_t oy = 0; oy < OY; ++oy) row[oy] += bias;
      }
    }
  });
}

/// The double nearest to the shortest decimal that rounds to v (convis's 0.02 for the float
/// 0.02f, which is 0.0199999995529651 as a double).
double shortest_decimal(float v) {
  char text[32];
  for (int digits = 1; digits <= 9; ++digits) {
    std::snprintf(text, sizeof text, "%.*g", digits, static_cast<double>(v));
    if (std::strtof(text, nullptr) == v) break;
  }
  return std::strtod(text, nullptr);
}

at::Tensor pool(const at::Tensor& n, const GanglionInputParams& p, const Sizes& s) {
  const at::Tensor w = p.pooling_weight.to(at::kFloat).contiguous();
  if (w.dim() < 2) throw std::invalid_argument(std::string(kName) + ": the pooling weight must be [.., kx, ky]");
  const int64_t kx = w.size(-2), ky = w.size(-1);
  if (w.numel() != kx * ky) {
    throw std::invalid_argument(std::string(kName) + ": the pooling weight must be one [kx, ky] kernel, got " +
                                c10::str(w.sizes()));
  }
  const float* wp = w.data_ptr<float>();
  if (kx == 1 && ky == 1 && wp[0] == 1.0f && p.pooling_bias == 0.0f) return n;  // S3
  const int64_t frames = s.planes * s.frames;
  if (p.crop) {
    if (s.x < kx || s.y < ky) {
      throw std::invalid_argument(std::string(kName) + ": a " + std::to_string(s.x) + "x" + std::to_string(s.y) +
                                  " frame is smaller than the " + std::to_string(kx) + "x" + std::to_string(ky) +
                                  " pooling kernel (crop = true)");
    }
    std::vector<int64_t> shape = n.sizes().vec();
    shape[3] = s.x - kx + 1;
    shape[4] = s.y - ky + 1;
    at::Tensor out = at::empty(shape, n.options());
    pool_valid(n.data_ptr<float>(), out.data_ptr<float>(), wp, kx, ky, p.pooling_bias, frames, s.x, s.y);
    return out;
  }
  at::Tensor out = at::empty_like(n);
  const auto kernel = BlurKernel<float>::from(wp, static_cast<int>(kx), static_cast<int>(ky));
  replicate_blur(kernel, n.data_ptr<float>(), out.data_ptr<float>(), frames, s.x, s.y);
  if (p.pooling_bias != 0.0f) out.add_(p.pooling_bias);
  return out;
}

}  // namespace

std::optional<ExponentialTransient> exponential_transient(const at::Tensor& weight, double tau_seconds,
                                                          double relative_weight, double steps_per_second) {
  const double ts = tau_seconds * steps_per_second;
  if (!(ts > 0) || !std::isfinite(ts) || !std::isfinite(relative_weight)) return std::nullopt;
  const int64_t K = weight.numel();
  if (K < 1 || weight.dim() != 5 || weight.size(2) != K) return std::nullopt;
  const at::Tensor natural = exponential_highpass_filter_1d(tau_seconds, relative_weight, steps_per_second);
  const int64_t N = natural.numel();
  // cvm's initialiser: the first K taps (zero-padded), stored reversed.
  at::Tensor placed = at::zeros({K}, at::kFloat);
  placed.narrow(0, 0, std::min(K, N)).copy_(natural.narrow(0, 0, std::min(K, N)));
  const at::Tensor stored = weight.to(at::kFloat).contiguous().reshape({K});
  if (std::memcmp(placed.flip({0}).contiguous().data_ptr<float>(), stored.data_ptr<float>(),
                  static_cast<size_t>(K) * sizeof(float)) != 0) {
    return std::nullopt;
  }
  ExponentialTransient e;
  e.r = std::exp(-1.0 / ts);
  e.c0 = -((relative_weight / ts) * std::exp(-0.4 / ts));
  e.length = std::min(K, N) - 1;
  return e;
}

std::optional<ExponentialTransient> exponential_transient(const at::Tensor& weight, float tau_seconds,
                                                          float relative_weight, double steps_per_second) {
  if (auto e = exponential_transient(weight, static_cast<double>(tau_seconds), static_cast<double>(relative_weight),
                                     steps_per_second)) {
    return e;
  }
  return exponential_transient(weight, shortest_decimal(tau_seconds), shortest_decimal(relative_weight),
                               steps_per_second);
}

at::Tensor ganglion_input(const at::Tensor& x, const GanglionInputParams& p, GanglionInputState& state) {
  const at::Tensor w = p.transient_weight.to(at::kFloat).contiguous();
  const int64_t K = w.numel();
  if (K < 1 || w.dim() != 5 || w.size(2) != K) {
    throw std::invalid_argument(std::string(kName) + ": the transient weight must be [1, 1, K, 1, 1], got " +
                                c10::str(w.sizes()));
  }
  const Sizes s = sizes_of(x, K);
  if (p.exponential && p.exponential->length > s.history) {
    throw std::invalid_argument(std::string(kName) + ": the exponential transient is longer than the weight");
  }
  const at::Tensor input = x.contiguous();
  const at::Tensor past = history_frames(input, state.history, s.history);
  at::Tensor n = at::empty(x.sizes(), x.options().memory_format(at::MemoryFormat::Contiguous));
  const Gain gain{p.sign, p.transient_bias, p.i_0, p.v_0, p.lambda_G};
  if (p.exponential) {
    transient_exponential(past.data_ptr<float>(), input.data_ptr<float>(), n.data_ptr<float>(), s, *p.exponential,
                          gain);
  } else {
    std::vector<float> h(static_cast<size_t>(K));
    const float* wp = w.data_ptr<float>();
    for (int64_t k = 0; k < K; ++k) h[static_cast<size_t>(k)] = wp[K - 1 - k];
    const at::Tensor buf = s.history > 0 ? at::cat({past, input}, 2) : input;
    transient_fir(buf.data_ptr<float>(), n.data_ptr<float>(), h, s, gain);
  }
  at::Tensor out = pool(n, p, s);
  if (s.history > 0) {
    state.history = s.frames >= s.history
                        ? input.narrow(2, s.frames - s.history, s.history).clone()
                        : at::cat({past.narrow(2, s.frames, s.history - s.frames), input}, 2);
  }
  return out;
}

std::vector<at::Tensor> ganglion_input_differentiable(const at::Tensor& x, const at::Tensor& history,
                                                      const at::Tensor& transient_weight,
                                                      const at::Tensor& transient_bias, const at::Tensor& sign,
                                                      const at::Tensor& i_0, const at::Tensor& v_0,
                                                      const at::Tensor& lambda_G, const at::Tensor& pooling_weight,
                                                      const at::Tensor& pooling_bias, bool crop) {
  if (x.dim() != 5) throw std::invalid_argument(std::string(kName) + ": expected a [B, C, T, X, Y] tensor");
  const int64_t B = x.size(0), C = x.size(1), T = x.size(2), X = x.size(3), Y = x.size(4);
  const int64_t K = transient_weight.numel(), L = K - 1;
  const auto opts = x.options();
  const at::Tensor planes = x.reshape({B * C, 1, T, X, Y});
  at::Tensor past = history.defined() ? history.to(x.scalar_type()).reshape({B * C, 1, L, X, Y})
                                      : at::zeros({B * C, 1, L, X, Y}, opts);
  const at::Tensor padded = at::cat({past, planes}, 2);
  const at::Tensor filtered = at::conv3d(padded, transient_weight.reshape({1, 1, K, 1, 1}).to(opts.dtype()),
                                         transient_bias.reshape({1}).to(opts.dtype()));
  const at::Tensor y = sign.reshape({}) * filtered;
  const at::Tensor i0 = i_0.reshape({}), v0 = v_0.reshape({}), lambda = lambda_G.reshape({});
  const at::Tensor above = y > v0;
  // The branch not taken is evaluated at y = v0, where it is finite, so its gradient is 0, not NaN.
  const at::Tensor below_offset = at::where(above, at::zeros_like(y), y - v0);
  const at::Tensor below = i0 / (1 - lambda * below_offset / i0);
  const at::Tensor n = at::where(above, i0 + lambda * (y - v0), below);
  const int64_t kx = pooling_weight.size(-2), ky = pooling_weight.size(-1);
  const at::Tensor pw = pooling_weight.reshape({1, 1, 1, kx, ky}).to(opts.dtype());
  at::Tensor pooled;
  if (crop) {
    pooled = at::conv3d(n, pw, pooling_bias.reshape({1}).to(opts.dtype()));
  } else {
    const int64_t px = kx / 2, py = ky / 2;
    pooled = at::conv3d(at::replication_pad3d(n, {py, ky - py - 1, px, kx - px - 1, 0, 0}), pw,
                        pooling_bias.reshape({1}).to(opts.dtype()));
  }
  at::Tensor next_history = padded.narrow(2, padded.size(2) - L, L).detach().reshape({B, C, L, X, Y});
  return {pooled.reshape({B, C, T, pooled.size(3), pooled.size(4)}), next_history};
}

}  // namespace cvm::kernels
