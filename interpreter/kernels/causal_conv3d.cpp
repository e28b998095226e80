#include "interpreter/kernels/causal_conv3d.h"

#include <algorithm>
#include <stdexcept>
#include <string>

#include "interpreter/kernels/autograd_support.h"

namespace cvm::kernels {

namespace {

/// Real samples per FFT block: bounds memory (~16 bytes per sample and channel in flight)
/// for large frames.
constexpr int64_t kBlockSamples = int64_t{1} << 22;
/// Frames per FFT block when frames are small; longer blocks only thrash the cache.
constexpr int64_t kBlockFrames = 256;

/// The smallest n' >= n whose only prime factors are 2, 3 and 5 (fast FFT lengths).
int64_t fft_length(int64_t n) {
  for (;; ++n) {
    int64_t m = n;
    for (int64_t p : {2, 3, 5})
      while (m % p == 0) m /= p;
    if (m == 1) return n;
  }
}

std::string shape_text(at::IntArrayRef s) {
  std::string t = "[";
  for (size_t i = 0; i < s.size(); ++i) t += (i ? ", " : "") + std::to_string(s[i]);
  return t + "]";
}

void check_arguments(const at::Tensor& x, const at::Tensor& weight,
                     const c10::optional<at::Tensor>& bias) {
  if (x.dim() != 5 || !at::isFloatingType(x.scalar_type()))
    throw std::invalid_argument("causal_conv3d: input must be a 5-d float tensor [B, C, T, X, Y]"
                                ", got " + shape_text(x.sizes()));
  if (weight.dim() != 5 || !at::isFloatingType(weight.scalar_type()))
    throw std::invalid_argument("causal_conv3d: weight must be a 5-d float tensor [out, in, "
                                "Kt, Kx, Ky], got " + shape_text(weight.sizes()));
  if (weight.size(1) != x.size(1))
    throw std::invalid_argument("causal_conv3d: the weight has " +
                                std::to_string(weight.size(1)) +
                                " input channels but the input has " +
                                std::to_string(x.size(1)));
  if (weight.size(2) < 1 || weight.size(3) < 1 || weight.size(4) < 1)
    throw std::invalid_argument("causal_conv3d: empty weight " + shape_text(weight.sizes()));
  if (bias.has_value() && bias->defined() && bias->numel() != weight.size(0))
    throw std::invalid_argument("causal_conv3d: bias has " + std::to_string(bias->numel()) +
                                " values for " + std::to_string(weight.size(0)) +
                                " output channels");
}

/// conj(rfftn(weight)) for the given FFT sizes, from the cache when it still fits. A weight
/// that requires a gradient bypasses the cache: its spectrum is part of this call's graph
/// (a cached one would keep a graph alive and be back-propagated through twice).
at::Tensor kernel_spectrum(const at::Tensor& weight, const std::vector<int64_t>& sizes,
                           const std::vector<int64_t>& dims, KernelSpectrumCache& cache) {
  if (needs_grad({weight})) return at::fft_rfftn(weight.to(at::kDouble), sizes, dims).conj().resolve_conj();
  const bool hit = cache.spectrum.defined() && cache.fft_sizes == sizes &&
                   cache.fft_dims == dims && cache.weight.sizes() == weight.sizes() &&
                   cache.weight.scalar_type() == weight.scalar_type() &&
                   at::equal(cache.weight, weight);
  if (!hit) {
    cache.spectrum = at::fft_rfftn(weight.to(at::kDouble), sizes, dims).conj().resolve_conj();
    cache.weight = weight.clone();
    cache.fft_sizes = sizes;
    cache.fft_dims = dims;
  }
  return cache.spectrum;
}

/// How the FFT path transforms the padded input: the transformed axes and their lengths,
/// and the output frames per block (overlap-save along time).
struct FftPlan {
  std::vector<int64_t> dims, sizes;
  int64_t block = 0;    ///< output frames per block
  int64_t samples = 0;  ///< real samples transformed per input plane, over all blocks
};

FftPlan plan_fft(const at::Tensor& xp, const at::Tensor& weight, int64_t frames) {
  FftPlan plan;
  const int64_t kt = weight.size(2);
  int64_t frame_samples = 1;
  for (int64_t d = 3; d <= 4; ++d) {
    const int64_t n = weight.size(d) > 1 ? fft_length(xp.size(d)) : xp.size(d);
    if (weight.size(d) > 1) {
      plan.dims.push_back(d);
      plan.sizes.push_back(n);
    }
    frame_samples *= n;
  }
  // Blocks of about kBlockFrames frames (fewer for large frames), each yielding at least as
  // many valid frames as it needs history frames.
  const int64_t target = std::clamp(kBlockSamples / frame_samples, int64_t{1}, kBlockFrames);
  const int64_t per_block = std::max(target - (kt - 1), kt);
  const int64_t blocks = std::max<int64_t>(1, frames / per_block);
  plan.block = (frames + blocks - 1) / blocks;
  int64_t block_frames = plan.block;
  if (kt > 1) {
    block_frames = fft_length(plan.block + kt - 1);
    plan.block = std::min(frames, block_frames - kt + 1);
    plan.dims.insert(plan.dims.begin(), 2);
    plan.sizes.insert(plan.sizes.begin(), block_frames);
  }
  plan.samples = (frames + plan.block - 1) / plan.block * block_frames * frame_samples;
  return plan;
}

/// [NOTE: direct or fft] Estimated single-thread cost in ns, from timings of both paths on
/// 9x9 and 50x50 frames with kernels 1x3x3 .. 73x1x1 .. 20x10x10 and chunks of 1 .. 200
/// frames. at::conv3d (oneDNN) wins for short chunks with long temporal kernels and for tiny
/// kernels; the FFT wins by up to 10x for everything larger.
double direct_cost(const at::Tensor& out, const at::Tensor& weight) {
  constexpr double kPerMac = 1.5, kPerCall = 5e3;
  return kPerCall + kPerMac * static_cast<double>(out.numel() * weight.numel() / out.size(1));
}

double fft_cost(const FftPlan& plan, const at::Tensor& out, const at::Tensor& weight) {
  constexpr double kPerSample = 15.0, kPerCall = 2e4;  // per sample and plane, one way
  const double planes = static_cast<double>(out.size(0) * (weight.size(0) + weight.size(1)));
  return kPerCall + kPerSample * planes * static_cast<double>(plan.samples);
}

/// "Valid" cross-correlation of the padded input xp [B, Cin, T+Kt-1, X+Kx-1, Y+Ky-1] with
/// weight [Cout, Cin, Kt, Kx, Ky] into out [B, Cout, T, X, Y], see [NOTE: fft convolution].
void correlate_fft(const at::Tensor& xp, const at::Tensor& weight, const FftPlan& plan,
                   at::Tensor& out, KernelSpectrumCache& cache) {
  const int64_t kt = weight.size(2), frames = out.size(2);
  const at::Tensor w_hat = kernel_spectrum(weight, plan.sizes, plan.dims, cache);
  const bool single_channel = weight.size(0) == 1 && weight.size(1) == 1;
  for (int64_t t0 = 0; t0 < frames; t0 += plan.block) {
    const int64_t b = std::min(plan.block, frames - t0);
    const at::Tensor x_hat =
        at::fft_rfftn(xp.narrow(2, t0, b + kt - 1).to(at::kDouble), plan.sizes, plan.dims);
    const at::Tensor product = single_channel
                                   ? x_hat * w_hat
                                   : (x_hat.unsqueeze(1) * w_hat.unsqueeze(0)).sum(2);
    const at::Tensor y = at::fft_irfftn(product, plan.sizes, plan.dims);
    out.narrow(2, t0, b).copy_(
        y.narrow(2, 0, b).narrow(3, 0, out.size(3)).narrow(4, 0, out.size(4)));
  }
}

}  // namespace

at::Tensor causal_conv3d(const at::Tensor& x, const at::Tensor& weight,
                         const c10::optional<at::Tensor>& bias, TimeHistory& history,
                         const ConvPadding& padding) {
  check_arguments(x, weight, bias);
  const int64_t batch = x.size(0), channels = x.size(1), frames = x.size(2);
  const int64_t kt = weight.size(2), kx = weight.size(3), ky = weight.size(4);
  if (!padding.space && (kx > x.size(3) || ky > x.size(4)))
    throw std::invalid_argument("causal_conv3d: the kernel " + shape_text(weight.sizes()) +
                                " is larger than the frames of the input " +
                                shape_text(x.sizes()) + " (no spatial padding)");

  // Time: prepend the history (first call with time padding: copies of the first frame).
  // float32 (runs and fits), or float64 when x is (gradient checks).
  const at::ScalarType dtype = x.scalar_type() == at::kDouble ? at::kDouble : at::kFloat;
  at::Tensor input = x.to(dtype).contiguous();
  at::Tensor next_history = history.frames;
  if (kt > 1 && frames > 0) {
    at::Tensor past = history.frames;
    if (past.defined()) {
      const bool fits = past.size(0) == batch && past.size(1) == channels &&
                        past.size(3) == x.size(3) && past.size(4) == x.size(4);
      if (!fits)
        throw std::invalid_argument("causal_conv3d: the input's shape changed between calls (" +
                                    shape_text(past.sizes()) + " of history, input " +
                                    shape_text(x.sizes()) + ")");
    } else if (padding.time) {
      past = input.narrow(2, 0, 1).expand({batch, channels, kt - 1, x.size(3), x.size(4)});
    }
    if (past.defined()) input = at::cat({past, input}, 2);
    const int64_t kept = std::min(kt - 1, input.size(2));
    next_history = input.narrow(2, input.size(2) - kept, kept).clone();
  }
  const int64_t out_frames = std::max<int64_t>(0, input.size(2) - (kt - 1));
  const int64_t out_x = padding.space ? x.size(3) : x.size(3) - kx + 1;
  const int64_t out_y = padding.space ? x.size(4) : x.size(4) - ky + 1;
  at::Tensor out = at::empty({batch, weight.size(0), out_frames, out_x, out_y},
                             x.options().dtype(dtype));
  if (out_frames == 0) {
    history.frames = next_history;
    return out;
  }

  // Space: replicate padding, floor(K/2) before and K - floor(K/2) - 1 after.
  at::Tensor padded = input;
  if (padding.space && (kx > 1 || ky > 1))
    padded = at::replication_pad3d(input, {ky / 2, ky - ky / 2 - 1, kx / 2, kx - kx / 2 - 1,
                                           0, 0});

  const FftPlan plan = plan_fft(padded, weight, out_frames);
  if (plan.dims.empty() || direct_cost(out, weight) < fft_cost(plan, out, weight))
    out.copy_(at::conv3d(padded, weight.to(dtype)));
  else
    correlate_fft(padded, weight, plan, out, history.spectrum);
  if (bias.has_value() && bias->defined())
    out.add_(bias->to(dtype).reshape({1, weight.size(0), 1, 1, 1}));
  history.frames = next_history;
  return out;
}

}  // namespace cvm::kernels
