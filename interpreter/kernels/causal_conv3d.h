// convis's Conv3d: a causal 3-d convolution computed chunk by chunk with the history carried
// across calls. The same kernel serves Conv2d (a 1-frame kernel) and RF (valid in space).
//
// Time, with time padding (convis's time_pad=True): each output frame t sees input frames
// t-K_t+1 .. t; before the first frame the history is K_t-1 copies of the first frame
// (convis's "first_frame" padding), so every call returns as many frames as it gets. Without
// time padding (time_pad=False) the first K_t-1 frames of a run produce no output: convis
// returns T-K_t+1 frames from every call; here only the first frames of the run are lost
// (the first call returns T-K_t+1 frames, or none while fewer than K_t frames have been
// seen, later calls return T), so chunked runs equal whole runs. Unlike convis, later calls
// always use the real previous frames, so every chunking (even 1-frame chunks) gives exactly
// the whole-run result; convis's short-chunk bug (chunks shorter than K_t-1) is deliberately
// not reproduced.
//
// Space, with spatial padding (autopad=True): replicate padding with floor(K/2) samples
// before and K-floor(K/2)-1 after, on x and y, so the output has the input's size and the
// kernel centre is at index ceil(K/2)-1. Without (autopad=False): a valid correlation, the
// output smaller by K_x-1 and K_y-1.
//
// [NOTE: fft convolution] Large correlations are computed with real FFTs in double
// precision over blocks of frames (overlap-save), over only the axes whose kernel size is
// > 1; small ones (tiny kernels, or short chunks of a long temporal kernel) go to at::conv3d
// (oneDNN), chosen by a cost estimate measured for both (see [NOTE: direct or fft]). On one
// CPU thread the FFT does a 20x10x10 kernel on 2000 frames of 50x50 in ~0.2 s where
// at::conv3d needs ~3 s. Double precision keeps the FFT within ~1e-7 of an exact
// correlation, so chunking changes nothing beyond float rounding.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/torch.h>

namespace cvm::kernels {

/// The kernel's spectrum for one FFT size, reused while the weight and the size stay the
/// same (streaming with a fixed chunk size computes it once). Internal to causal_conv3d.
struct KernelSpectrumCache {
  at::Tensor weight;               ///< the weight the spectrum belongs to (a private copy)
  std::vector<int64_t> fft_sizes;  ///< FFT length per transformed axis
  std::vector<int64_t> fft_dims;   ///< the transformed axes (2, 3, 4 = t, x, y)
  at::Tensor spectrum;             ///< conj(rfftn(weight)), complex128 [out, in, ...]
};

/// What a causal convolution remembers between calls.
struct TimeHistory {
  /// The last K_t-1 input frames, float32 [B, C, K_t-1, X, Y]; undefined before the first
  /// call (and always when K_t = 1). Without time padding it holds fewer frames until K_t-1
  /// frames have been seen.
  at::Tensor frames;
  /// Cached kernel spectrum (not part of the model's state; safe to reset at any time).
  KernelSpectrumCache spectrum;
};

/// How causal_conv3d pads its input (convis's Conv3d arguments time_pad and autopad).
struct ConvPadding {
  bool time = true;   ///< K_t-1 copies of the first frame before the start of the run
  bool space = true;  ///< replicate padding to the input's size; false: valid in x and y
};

/// Causal 3-d cross-correlation of x (float32 [B, C_in, T, X, Y]) with `weight` (float32
/// [C_out, C_in, K_t, K_x, K_y], stored as convis stores it, i.e. already flipped, so applied
/// as a cross-correlation: frame index K_t-1 of the weight multiplies the current frame) plus
/// an optional `bias` [C_out], padded as `padding` says. Returns float32 [B, C_out, T', X',
/// Y'] (T' = T with time padding, see above without; X' = X with spatial padding, else
/// X-K_x+1) and updates `history`. Throws std::invalid_argument if C_in differs from x's
/// channel count, if shapes are not 5-d, if the kernel is larger than a frame without spatial
/// padding, or if the frame size or batch changed since the previous call.
/// A float64 x is computed in float64 (gradient checks). Differentiable w.r.t. x, weight
/// and bias through ATen's own backward (both the direct and the FFT path); a weight that
/// requires a gradient bypasses the spectrum cache. In grad mode `history` carries the
/// graph of its frames until the caller detaches the state.
at::Tensor causal_conv3d(const at::Tensor& x, const at::Tensor& weight,
                         const c10::optional<at::Tensor>& bias, TimeHistory& history,
                         const ConvPadding& padding = {});

}  // namespace cvm::kernels
