// Speed of std.convis's fused filter and neuron kernels on one thread against
// straightforward LibTorch code that does what convis does (tensor operations per frame,
// per row or per pixel), on MovingGrating(2000, 50, 50): the recursive high-pass filter,
// the leaky integrate-and-fire neuron and its refractory variant (no noise), Izhikevich,
// the spatial recursive (Deriche) filter, and the fixed and per-pixel delays. The kernels
// run in chunks of 200 frames, carrying their state; each check compares their output
// with the LibTorch version's.
#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <deque>
#include <vector>

#include <torch/torch.h>

#include "interpreter/kernels/counter_rng.h"
#include "interpreter/kernels/delay.h"
#include "interpreter/kernels/filter_kernels.h"
#include "interpreter/kernels/recursive_highpass.h"
#include "interpreter/kernels/spatial_recursive.h"
#include "interpreter/kernels/spiking.h"
#include "interpreter/kernels/spiking_dynamics.h"
#include "interpreter/kernels/stimuli.h"
#include "bench/bench_support.h"

namespace {

namespace k = cvm::kernels;

constexpr double kStepsPerSecond = 1000;

using cvm::bench::best_time;
using cvm::bench::kChunk;
using cvm::bench::stimulus;

/// `kernel(chunk)` on consecutive chunks of x, concatenated along time.
template <typename F>
at::Tensor chunked(const at::Tensor& x, F kernel) {
  std::vector<at::Tensor> parts;
  for (int64_t t = 0; t < x.size(2); t += kChunk) parts.push_back(kernel(x.narrow(2, t, kChunk)));
  return at::cat(parts, 2);
}

// --- recursive high-pass filter (tau 10 ms, k 0.5) ----------------------------------------

constexpr double kHighPassTau = 0.01, kHighPassK = 0.5;

at::Tensor highpass_kernel(const at::Tensor& x) {
  k::HighPassState state;
  return chunked(x, [&](const at::Tensor& c) {
    return k::recursive_highpass(c, kHighPassTau, kHighPassK, kStepsPerSecond, state);
  });
}

/// convis's loop: z = (1 + e) x[t - 1] + e z per frame (x[-1] = x[0]), then
/// x - k z / (2 tau / dt) on all frames.
at::Tensor highpass_per_frame(const at::Tensor& x) {
  const float dt = static_cast<float>(1 / kStepsPerSecond), tau = static_cast<float>(kHighPassTau);
  const float e = std::exp(-(dt / tau)), norm = (2.0f * tau) / dt;
  at::Tensor z = at::zeros({1, 1, 50, 50});
  at::Tensor previous = x.select(2, 0);
  std::vector<at::Tensor> frames;
  for (int64_t t = 0; t < x.size(2); ++t) {
    z = previous * (1.0f + e) + z * e;
    frames.push_back(z);
    previous = x.select(2, t);
  }
  return x - at::stack(frames, 2) * static_cast<float>(kHighPassK) / norm;
}

// --- leaky integrate-and-fire neurons (no noise) ------------------------------------------

/// The LIF parameters of the bench: convis's defaults without membrane noise, and a fixed
/// refractory time (refr_sigma 0) so the per-frame version can match spike for spike.
k::LifParams lif_params() {
  k::LifParams p;
  p.noise_sigma = 0;
  p.tau = static_cast<float>(1 / kStepsPerSecond);
  return p;
}

k::RefractoryParams refractory_params() {
  k::RefractoryParams r;
  r.refr_sigma = 0;
  return r;
}

/// The starting membrane potential of both versions: 0.5 + 0.2 U(0, 1), as convis draws it.
at::Tensor initial_potential() {
  at::manual_seed(1);
  return 0.5f + 0.2f * at::rand({1, 1, 50, 50});
}

/// One Euler step of convis's membrane without noise: V + (I / tau - g_L V) tau.
at::Tensor integrate(const at::Tensor& V, const at::Tensor& I, const k::LifParams& p) {
  return V + (I / p.tau - V * p.g_L) * p.tau;
}

at::Tensor lif_kernel(const at::Tensor& current, const at::Tensor& V0) {
  const k::CounterRng rng(0, k::layer_stream_id("bench"));
  const k::LifParams p = lif_params();
  k::LifState state;
  state.V = V0;
  return chunked(current, [&](const at::Tensor& c) { return k::lif_spikes(c, p, rng, state); });
}

/// convis's LeakyIntegrateAndFireNeuron.forward: per frame, integrate, spike where V > 1,
/// reset there.
at::Tensor lif_per_frame(const at::Tensor& current, const at::Tensor& V0) {
  const k::LifParams p = lif_params();
  at::Tensor V = V0.clone();
  std::vector<at::Tensor> spikes;
  for (int64_t t = 0; t < current.size(2); ++t) {
    V = integrate(V, current.select(2, t), p);
    const at::Tensor spike = V > 1.0f;
    V.masked_fill_(spike, 0.0f);
    spikes.push_back(spike);
  }
  return at::stack(spikes, 2).to(at::kFloat);
}

at::Tensor refractory_kernel(const at::Tensor& current, const at::Tensor& V0, const at::Tensor& refr0) {
  const k::CounterRng rng(0, k::layer_stream_id("bench"));
  const k::LifParams p = lif_params();
  const k::RefractoryParams r = refractory_params();
  k::RefractoryLifState state;
  state.V = V0;
  state.refr = refr0;
  return chunked(current, [&](const at::Tensor& c) { return k::refractory_lif_spikes(c, p, r, rng, state); });
}

/// convis's RefractoryLeakyIntegrateAndFireNeuron.forward with a fixed refractory time:
/// a spike sets refr, refr < 0 becomes 0, refr falls by 1, V is 0 while refr >= 0.5 and
/// where it spiked.
at::Tensor refractory_per_frame(const at::Tensor& current, const at::Tensor& V0, const at::Tensor& refr0) {
  const k::LifParams p = lif_params();
  const k::RefractoryParams r = refractory_params();
  const float refractory_steps = r.steps_per_second * r.refr_mu;
  at::Tensor V = V0.clone(), refr = refr0.clone();
  std::vector<at::Tensor> spikes;
  for (int64_t t = 0; t < current.size(2); ++t) {
    V = integrate(V, current.select(2, t), p);
    const at::Tensor spike = V > 1.0f;
    refr.masked_fill_(spike, refractory_steps);
    refr.masked_fill_(refr < 0.0f, 0.0f);
    refr = refr - 1.0f;
    V.masked_fill_(refr >= 0.5f, 0.0f);
    V.masked_fill_(spike, 0.0f);
    spikes.push_back(spike);
  }
  return at::stack(spikes, 2).to(at::kFloat);
}

// --- Izhikevich (convis's defaults) -------------------------------------------------------

at::Tensor izhikevich_kernel(const at::Tensor& current) {
  const k::IzhikevichParams p;
  k::IzhikevichState state;
  return chunked(current, [&](const at::Tensor& c) { return k::izhikevich_spikes(c, p, state); });
}

/// convis's Izhikevich.forward: two Euler sub-steps of 1/2 per frame, spike where
/// v >= threshold, v = c there and u.masked_scatter_(spike, u + d).
at::Tensor izhikevich_per_frame(const at::Tensor& current) {
  const k::IzhikevichParams p;
  at::Tensor v = at::full({1, 1, 50, 50}, p.c), u = at::full({1, 1, 50, 50}, p.b * p.c);
  std::vector<at::Tensor> spikes;
  for (int64_t t = 0; t < current.size(2); ++t) {
    const at::Tensor I = current.select(2, t);
    for (int sub = 0; sub < 2; ++sub) {
      const at::Tensor dv = (((v * 0.04f * v + v * 5.0f) + 140.0f) - u + I) * 0.5f;
      const at::Tensor du = (v * p.b - u) * (0.5f * p.a);
      v = v + dv;
      u = u + du;
    }
    const at::Tensor spike = v >= p.threshold;
    v.masked_fill_(spike, p.c);
    u.masked_scatter_(spike, u + p.d);
    spikes.push_back(spike);
  }
  return at::stack(spikes, 2).to(at::kFloat);
}

// --- spatial recursive (Deriche) filter ---------------------------------------------------

constexpr double kDensity = 0.5;  // sigma 2 pixels

at::Tensor deriche_kernel(const at::Tensor& x) {
  return chunked(x, [](const at::Tensor& c) { return k::spatial_recursive_gaussian(c, kDensity); });
}

/// convis's smooth_forward: the causal recursion along `dim`, one slice (row or column
/// of every frame) at a time; x[-1] = x[0].
at::Tensor causal_pass(const at::Tensor& x, float a1, float a2, float b1, float b2, int64_t dim) {
  at::Tensor x1 = x.narrow(dim, 0, 1), x2;
  at::Tensor y1 = at::zeros_like(x1), y2 = at::zeros_like(x1);
  std::vector<at::Tensor> out;
  for (int64_t i = 0; i < x.size(dim); ++i) {
    x2 = x1;
    x1 = x.narrow(dim, i, 1);
    const at::Tensor y = x1 * a1 + x2 * a2 + y1 * b1 + y2 * b2;
    y2 = y1;
    y1 = y;
    out.push_back(y);
  }
  return at::cat(out, dim);
}

/// convis's smooth_backward: the anti-causal recursion along `dim`, with its boundary
/// (x[N] = x[0], x[N + 1] = 0).
at::Tensor anticausal_pass(const at::Tensor& x, float a3, float a4, float b1, float b2, int64_t dim) {
  at::Tensor x1 = x.narrow(dim, 0, 1), x2 = at::zeros_like(x1);
  at::Tensor y1 = at::zeros_like(x1), y2 = at::zeros_like(x1);
  std::vector<at::Tensor> out(static_cast<size_t>(x.size(dim)));
  for (int64_t i = x.size(dim) - 1; i >= 0; --i) {
    const at::Tensor y = x1 * a3 + x2 * a4 + y1 * b1 + y2 * b2;
    x2 = x1;
    x1 = x.narrow(dim, i, 1);
    y2 = y1;
    y1 = y;
    out[static_cast<size_t>(i)] = y;
  }
  return at::cat(out, dim);
}

/// convis's SpatialRecursiveFilter.forward on each chunk: causal + anti-causal along x,
/// then along y, with float32 coefficients.
at::Tensor deriche_per_row(const at::Tensor& x) {
  const std::array<double, 6> c = k::deriche_coefficients(kDensity);
  const float a1 = static_cast<float>(c[0]), a2 = static_cast<float>(c[1]), a3 = static_cast<float>(c[2]),
              a4 = static_cast<float>(c[3]), b1 = static_cast<float>(c[4]), b2 = static_cast<float>(c[5]);
  return chunked(x, [&](const at::Tensor& chunk) {
    at::Tensor y = chunk;
    for (int64_t dim : {3, 4})
      y = anticausal_pass(y, a3, a4, b1, b2, dim) + causal_pass(y, a1, a2, b1, b2, dim);
    return y;
  });
}

// --- delays -------------------------------------------------------------------------------

constexpr int64_t kDelay = 30;

/// convis's Delay(delay, length): keeps whole previous chunks (zeros before the start) and
/// returns the `length + T` frames that end `delay` frames before the chunk's end.
struct ListDelay {
  int64_t delay = 0, length = 0;
  std::deque<at::Tensor> saved;

  int64_t available() const {
    int64_t n = 0;
    for (const at::Tensor& s : saved) n += s.size(2);
    return n;
  }

  at::Tensor operator()(const at::Tensor& x) {
    while (available() < length + delay) saved.push_back(at::zeros_like(x));
    std::vector<at::Tensor> parts(saved.begin(), saved.end());
    parts.push_back(x);
    const at::Tensor padded = at::cat(parts, 2);
    while (available() > length + x.size(2) + delay) saved.pop_front();
    saved.push_back(x);
    return padded.narrow(2, padded.size(2) - (length + x.size(2) + delay), length + x.size(2));
  }
};

at::Tensor delay_kernel(const at::Tensor& x) {
  k::DelayState state;
  return chunked(x, [&](const at::Tensor& c) { return k::delay(c, kDelay, state); });
}

at::Tensor delay_per_chunk(const at::Tensor& x) {
  ListDelay line{kDelay, 0, {}};
  return chunked(x, line);
}

/// 0 to 9 frames, varying along x and y.
at::Tensor pixel_delays() {
  return (at::arange(50, at::kLong).reshape({50, 1}) + 2 * at::arange(50, at::kLong).reshape({1, 50})) % 10;
}

at::Tensor variable_delay_kernel(const at::Tensor& x, const at::Tensor& delays) {
  k::DelayState state;
  return chunked(x, [&](const at::Tensor& c) { return k::variable_delay(c, delays, state); });
}

/// convis's VariableDelay.forward (without its transposition): a Delay by the smallest
/// delay that keeps the spread, then one slice per pixel, concatenated row by row.
at::Tensor variable_delay_per_pixel(const at::Tensor& x, const at::Tensor& delays) {
  const int64_t least = delays.min().item<int64_t>(), most = delays.max().item<int64_t>();
  const auto d = delays.accessor<int64_t, 2>();
  ListDelay line{least, most - least, {}};
  return chunked(x, [&](const at::Tensor& chunk) {
    const at::Tensor delayed = line(chunk);
    const int64_t frames = chunk.size(2);
    std::vector<at::Tensor> rows;
    for (int64_t i = 0; i < chunk.size(3); ++i) {
      std::vector<at::Tensor> pixels;
      for (int64_t j = 0; j < chunk.size(4); ++j)
        pixels.push_back(delayed.narrow(3, i, 1).narrow(4, j, 1).narrow(2, most - d[i][j], frames));
      rows.push_back(at::cat(pixels, 4));
    }
    return at::cat(rows, 3);
  });
}

// --- report -------------------------------------------------------------------------------

void header() { std::printf("%-40s %8s %12s %9s\n", "what", "seconds", "frames/s", "ratio"); }

void row(const char* what, double seconds, double baseline_seconds, int64_t frames) {
  std::printf("%-40s %8.3f %12.0f %8.1fx\n", what, seconds, frames / seconds, baseline_seconds / seconds);
}

/// max |ours - baseline| / max |baseline|.
double relative_difference(const at::Tensor& ours, const at::Tensor& baseline) {
  return (ours - baseline).abs().max().item<double>() / baseline.abs().max().item<double>();
}

/// "max|diff| D, N of S spikes differ" for two spike trains (S: the baseline's spikes).
void print_spike_check(const char* what, const at::Tensor& ours, const at::Tensor& baseline) {
  const at::Tensor differ = ours != baseline;
  std::printf("  %-18s max|diff| %g, %lld of %lld spikes differ (ours: %lld spikes)\n", what,
              (ours - baseline).abs().max().item<double>(), static_cast<long long>(differ.sum().item<int64_t>()),
              static_cast<long long>(baseline.sum().item<double>()),
              static_cast<long long>(ours.sum().item<double>()));
}

}  // namespace

int main() {
  at::set_num_threads(1);
  at::NoGradGuard no_grad;
  const at::Tensor x = stimulus();
  const int64_t frames = x.size(2);
  const at::Tensor lif_current = 0.05f * (x + 1);  // per-step drive: V settles at 20 I without spikes
  const at::Tensor izhikevich_current = 10.0f * (x + 1);
  const at::Tensor V0 = initial_potential();
  const at::Tensor refr0 = at::zeros({1, 1, 50, 50});
  const at::Tensor delays = pixel_delays();

  at::Tensor ours, baseline;
  const double t_hp = best_time(3, [&] { return highpass_kernel(x); }, ours);
  const double t_hp_base = best_time(3, [&] { return highpass_per_frame(x); }, baseline);
  const double hp_diff = relative_difference(ours, baseline);

  const double t_lif = best_time(3, [&] { return lif_kernel(lif_current, V0); }, ours);
  const double t_lif_base = best_time(3, [&] { return lif_per_frame(lif_current, V0); }, baseline);
  const at::Tensor lif_ours = ours, lif_base = baseline;

  const double t_rlif = best_time(3, [&] { return refractory_kernel(lif_current, V0, refr0); }, ours);
  const double t_rlif_base = best_time(3, [&] { return refractory_per_frame(lif_current, V0, refr0); }, baseline);
  const at::Tensor rlif_ours = ours, rlif_base = baseline;

  const double t_izh = best_time(3, [&] { return izhikevich_kernel(izhikevich_current); }, ours);
  const double t_izh_base = best_time(3, [&] { return izhikevich_per_frame(izhikevich_current); }, baseline);
  const at::Tensor izh_ours = ours, izh_base = baseline;

  const double t_sr = best_time(3, [&] { return deriche_kernel(x); }, ours);
  const double t_sr_base = best_time(3, [&] { return deriche_per_row(x); }, baseline);
  const double sr_diff = relative_difference(ours, baseline);

  const double t_d = best_time(3, [&] { return delay_kernel(x); }, ours);
  const double t_d_base = best_time(3, [&] { return delay_per_chunk(x); }, baseline);
  const double d_diff = relative_difference(ours, baseline);

  const double t_vd = best_time(3, [&] { return variable_delay_kernel(x, delays); }, ours);
  const double t_vd_base = best_time(3, [&] { return variable_delay_per_pixel(x, delays); }, baseline);
  const double vd_diff = relative_difference(ours, baseline);

  std::printf("MovingGrating(2000, 50, 50), 1 thread, kernels in chunks of %lld frames\n",
              static_cast<long long>(kChunk));
  header();
  row("high-pass 10 ms: per-frame tensors", t_hp_base, t_hp_base, frames);
  row("high-pass 10 ms: recursive_highpass", t_hp, t_hp_base, frames);
  row("LIF: per-frame tensors", t_lif_base, t_lif_base, frames);
  row("LIF: lif_spikes", t_lif, t_lif_base, frames);
  row("refractory LIF: per-frame tensors", t_rlif_base, t_rlif_base, frames);
  row("refractory LIF: refractory_lif_spikes", t_rlif, t_rlif_base, frames);
  row("Izhikevich: per-frame tensors", t_izh_base, t_izh_base, frames);
  row("Izhikevich: izhikevich_spikes", t_izh, t_izh_base, frames);
  row("Deriche sigma 2 px: per-row tensors", t_sr_base, t_sr_base, frames);
  row("Deriche sigma 2 px: spatial_recursive", t_sr, t_sr_base, frames);
  row("delay 30: list of chunks (convis)", t_d_base, t_d_base, frames);
  row("delay 30: delay", t_d, t_d_base, frames);
  row("delay 0-9 per pixel: per-pixel slices", t_vd_base, t_vd_base, frames);
  row("delay 0-9 per pixel: variable_delay", t_vd, t_vd_base, frames);
  std::printf("max relative difference to the LibTorch versions: high-pass %.2g, Deriche %.2g, delay %.2g, "
              "variable delay %.2g\n",
              hp_diff, sr_diff, d_diff, vd_diff);
  std::printf("spikes against the per-frame versions (%lld cell-frames):\n", static_cast<long long>(x.numel()));
  print_spike_check("LIF", lif_ours, lif_base);
  print_spike_check("refractory LIF", rlif_ours, rlif_base);
  print_spike_check("Izhikevich", izh_ours, izh_base);
  return 0;
}
