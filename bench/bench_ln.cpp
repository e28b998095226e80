// Speed of the numerical kernels on one thread against straightforward per-frame LibTorch
// code: an LN model (20x10x10 kernel, causal_conv3d + nl_rectify, chunks of 200 frames) and
// the recursive low-pass filter (tau 10 ms), both on MovingGrating(2000, 50, 50).
// convis needs 2.9 s for this LN on one thread; the target is at least 3x faster.
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "interpreter/kernels/causal_conv3d.h"
#include "interpreter/kernels/filter_kernels.h"
#include "interpreter/kernels/nonlinearities.h"
#include "interpreter/kernels/recursive_lowpass.h"
#include "interpreter/kernels/stimuli.h"
#include "bench/bench_support.h"

namespace {

namespace k = cvm::kernels;


using cvm::bench::best_time;
using cvm::bench::kChunk;
using cvm::bench::stimulus;

/// A 20x10x10 space-time kernel: a temporal exponential times a spatial gaussian, with a
/// little noise so it is not separable.
at::Tensor ln_kernel() {
  at::manual_seed(0);
  const at::Tensor temporal = k::exponential_filter_1d(0.005, 0, true, 1000, 1.0, 20, 20);
  const at::Tensor spatial = k::gauss_filter_2d(0.3, 0.3, 10, true, 0.5);  // 10x10
  at::Tensor w = temporal.reshape({-1, 1, 1}) * spatial.reshape({1, 10, 10});
  w = w + 0.01 * w.abs().max() * at::randn(w.sizes());
  return w.reshape({1, 1, 20, 10, 10}).contiguous();
}

at::Tensor ln_kernels(const at::Tensor& x, const at::Tensor& w) {
  k::TimeHistory history;
  std::vector<at::Tensor> parts;
  for (int64_t t = 0; t < x.size(2); t += kChunk)
    parts.push_back(k::nl_rectify(k::causal_conv3d(x.narrow(2, t, kChunk), w, {}, history)));
  return at::cat(parts, 2);
}

/// Per output frame: one conv3d over the 20-frame window of the padded input.
at::Tensor ln_per_frame(const at::Tensor& x, const at::Tensor& w) {
  const int64_t kt = w.size(2);
  const at::Tensor padded_t = at::cat({x.narrow(2, 0, 1).expand({1, 1, kt - 1, 50, 50}), x}, 2);
  const at::Tensor padded = at::replication_pad3d(padded_t, {5, 4, 5, 4, 0, 0});
  std::vector<at::Tensor> frames;
  for (int64_t t = 0; t < x.size(2); ++t)
    frames.push_back(at::conv3d(padded.narrow(2, t, kt), w).clamp(0, 1e6));
  return at::cat(frames, 2);
}

at::Tensor lowpass_kernels(const at::Tensor& x) {
  k::LowPassState state;
  std::vector<at::Tensor> parts;
  for (int64_t t = 0; t < x.size(2); t += kChunk)
    parts.push_back(k::recursive_lowpass(x.narrow(2, t, kChunk), 0.01, 1000, state));
  return at::cat(parts, 2);
}

/// convis's loop: y = e y + (1 + e) x[t] with tensor ops, one frame at a time.
at::Tensor lowpass_per_frame(const at::Tensor& x) {
  const float dt = 0.001f, tau = 0.01f;
  const float e = std::exp(-dt / tau);
  at::Tensor y = at::zeros({1, 1, 50, 50});
  std::vector<at::Tensor> frames;
  for (int64_t t = 0; t < x.size(2); ++t) {
    y = x.select(2, t) * (1 + e) + y * e;
    frames.push_back(y);
  }
  return at::stack(frames, 2) / (2 * tau / dt);
}

void row(const char* what, double seconds, double baseline_seconds, int64_t frames) {
  std::printf("%-34s %8.3f %12.0f %8.1fx\n", what, seconds, frames / seconds,
              baseline_seconds / seconds);
}

}  // namespace

int main() {
  at::set_num_threads(1);
  at::NoGradGuard no_grad;
  const at::Tensor x = stimulus();
  const at::Tensor w = ln_kernel();
  const int64_t frames = x.size(2);

  at::Tensor ours, baseline;
  const double t_ln = best_time(3, [&] { return ln_kernels(x, w); }, ours);
  const double t_ln_base = best_time(1, [&] { return ln_per_frame(x, w); }, baseline);
  const double ln_diff = (ours - baseline).abs().max().item<double>() /
                         baseline.abs().max().item<double>();
  const double t_lp = best_time(3, [&] { return lowpass_kernels(x); }, ours);
  const double t_lp_base = best_time(3, [&] { return lowpass_per_frame(x); }, baseline);
  const double lp_diff = (ours - baseline).abs().max().item<double>() /
                         baseline.abs().max().item<double>();

  std::printf("MovingGrating(2000, 50, 50), 1 thread, chunks of %lld frames\n",
              static_cast<long long>(kChunk));
  std::printf("%-34s %8s %12s %9s\n", "what", "seconds", "frames/s", "ratio");
  row("LN 20x10x10: per-frame conv3d", t_ln_base, t_ln_base, frames);
  row("LN 20x10x10: causal_conv3d (fft)", t_ln, t_ln_base, frames);
  row("low-pass 10 ms: per-frame tensors", t_lp_base, t_lp_base, frames);
  row("low-pass 10 ms: recursive_lowpass", t_lp, t_lp_base, frames);
  std::printf("max relative difference to the per-frame versions: LN %.2g, low-pass %.2g\n",
              ln_diff, lp_diff);
  std::printf("(convis, 1 thread: LN 2.9 s)\n");
  return 0;
}
