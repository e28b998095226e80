// convis's GanglionInput (convis.filters.retina): the input current of the retina's ganglion
// cells, computed from the bipolar signal V in one pass per chunk:
//
//   y_t  = sign * (sum_{k=0}^{K-1} h[k] V_{t-k} + b_tr)     the transient: a K-tap causal FIR,
//                                                           h[0] = 1, h[k] = -(w/ts) e^{-(k-0.6)/ts}
//   N(y) = i0 + lambda_G (y - v0)                if y > v0   the gain function (only the
//        = i0 / (1 - lambda_G (y - v0) / i0)     otherwise   chosen branch is evaluated)
//   out  = G_pool * N + b_pool                               spatial pooling
//
// History: like convis, the run starts with ZERO input frames before its first frame (convis's
// input_state); the last K-1 input frames are carried across calls, so any chunking gives the
// whole-run result (convis's own chunked runs do too: its FIR state is exact).
//
// Two exact paths for the transient, chosen by the caller:
// - general: the FIR, several output frames at a time (each tap one multiply-add over a
//   contiguous span of frames of the [history; chunk] buffer), in float32;
// - exponential (shortcut S2): when h is the truncated exponential highpass_exponential(tau, w)
//   that convis builds (h[k] = c0 r^{k-1} for k = 1..L), the low-pass part is the recursion
//   S_t = r S_{t-1} + V_{t-1} - r^L V_{t-1-L} (S_t = sum_{i<L} r^i V_{t-1-i}), y = V + c0 S,
//   in double, O(1) per pixel and frame instead of O(K). S at the start of a call is rebuilt
//   from the history, so both paths share one state.
//
// Pooling: the stored weight [1, 1, 1, kx, ky] is a correlation kernel (as convis's Conv3d).
// By default the frame keeps its size with replicate padding (replicate_blur.h); with `crop`,
// convis's valid convolution (no padding: the frame shrinks by kx-1, ky-1; convis does this
// for any sigma-pool > 0 because its adjust_padding is dropped). A [[1]] weight with bias 0
// is skipped (shortcut S3).
//
// Every (batch, channel) plane is filtered with the same single-channel kernels. The fast
// paths are for runs (no autograd graph); ganglion_input_differentiable computes the same
// function with ATen operations for gradients.
#pragma once

#include <optional>
#include <vector>

#include <torch/torch.h>

namespace cvm::kernels {

/// The transient as the truncated exponential recursion (shortcut S2).
struct ExponentialTransient {
  double r = 0;   // e^{-1/ts}: decay per frame
  double c0 = 0;  // h[1] = -(w/ts) e^{-0.4/ts}
  int64_t length = 0;  // L: the number of exponential taps h[1..L] (the others are 0)
};

/// The transient as the recursion when `weight` (the stored [1, 1, K, 1, 1] weight, reversed
/// in time) is bitwise the kernel that highpass_exponential(tau, relative_weight) places into
/// K taps at `steps_per_second` (cvm's initialiser: convis's exponential_highpass_filter_1d,
/// cut or zero-padded to K); otherwise nothing.
std::optional<ExponentialTransient> exponential_transient(const at::Tensor& weight, double tau_seconds,
                                                          double relative_weight, double steps_per_second);

/// The same for float32 parameter values: the kernel built from them as doubles (cvm's
/// derived weight), or from the shortest decimals that round to them (a kernel built from
/// the written values, as convis's weights in parameter files are).
std::optional<ExponentialTransient> exponential_transient(const at::Tensor& weight, float tau_seconds,
                                                          float relative_weight, double steps_per_second);

/// GanglionInput's parameters for the fast paths (float32 values as stored).
struct GanglionInputParams {
  at::Tensor transient_weight;  // [1, 1, K, 1, 1], reversed: weight[K-1-k] = h[k]
  float transient_bias = 0;
  float sign = 1;
  float i_0 = 37, v_0 = 0, lambda_G = 100;
  at::Tensor pooling_weight;  // [1, 1, 1, kx, ky] correlation kernel
  float pooling_bias = 0;
  bool crop = false;          // valid pooling (convis) instead of replicate "same"
  /// Set: the transient runs as this recursion (it must describe transient_weight).
  std::optional<ExponentialTransient> exponential;
};

/// What GanglionInput remembers between calls.
struct GanglionInputState {
  /// The last K-1 input frames, float32 [B, C, K-1, X, Y]; undefined before the first call
  /// (zeros: convis's zero history).
  at::Tensor history;
};

/// One chunk: x float32 [B, C, T, X, Y] -> [B, C, T, X', Y'] (X' = X - kx + 1 with crop, else
/// X), updating `state`. Throws std::invalid_argument for a bad input, a history of another
/// shape, or a frame smaller than the pooling kernel with crop.
at::Tensor ganglion_input(const at::Tensor& x, const GanglionInputParams& p, GanglionInputState& state);

/// The same function built from differentiable ATen operations (for gradients w.r.t. x and
/// every parameter tensor), in x's dtype. Parameters are tensors (scalars 0-d or [1]);
/// `history` is the [B, C, K-1, X, Y] state or undefined (zeros). Returns {output, the new
/// history (detached)}.
std::vector<at::Tensor> ganglion_input_differentiable(const at::Tensor& x, const at::Tensor& history,
                                                      const at::Tensor& transient_weight,
                                                      const at::Tensor& transient_bias, const at::Tensor& sign,
                                                      const at::Tensor& i_0, const at::Tensor& v_0,
                                                      const at::Tensor& lambda_G, const at::Tensor& pooling_weight,
                                                      const at::Tensor& pooling_bias, bool crop);

}  // namespace cvm::kernels
