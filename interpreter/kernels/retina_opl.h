// convis's OPL (outer plexiform layer) filters as one fused pass over the frames: a spatial
// blur of the input, a recursive low-pass and high-pass in time (the centre), a spatial blur
// of the centre and a recursive low-pass (the surround), and the output centre - w surround.
//
// Per frame t, every pixel (dt = 1 / steps per second, e = exp(-dt / tau), norm = 2 tau / dt):
//   A_t  = center_stage(x_t)               HalfRecursive: (G_c (*)rep x_t + b_c) * lambda_opl
//                                           Recursive:     Deriche_c(x_t) * lambda_opl
//   y_t  = A_t (1 + e_c) + y_{t-1} e_c;        C1_t = y_t / norm_c             (centre low-pass)
//   z_t  = C1_{t-1} (1 + e_u) + z_{t-1} e_u;   C_t = C1_t - (k z_t) / norm_u   (undershoot)
//   B_t  = surround_stage(C_t)             HalfRecursive: G_s (*)rep C_t + b_s; Recursive: Deriche_s(C_t)
//   s_t  = B_t (1 + e_s) + s_{t-1} e_s;        S_t = s_t / norm_s              (surround low-pass)
//   out_t = C_t - w S_t
// (*)rep is replicate_blur.h's blur. Arithmetic is float32 in convis's order; y, z, s start at
// 0 and C1_{-1} := C1_0 for the first frame of a RUN (convis re-does this at every call, so
// its chunked runs differ; here the state carries C1 across calls and any chunking gives the
// whole-run result exactly). Frames are processed in blocks: the centre stage over a block,
// the centre recursions, the surround stage over the block, the surround recursion, so the
// working set stays in cache and every loop runs over contiguous pixels. On several threads
// (at::parallel_for) the spatial stages share out the block's frames and the recursions its
// pixels.
#pragma once

#include <cstdint>
#include <functional>

#include <torch/torch.h>

#include "interpreter/kernels/replicate_blur.h"

namespace cvm::kernels {

/// A spatial stage: `frames` contiguous X x Y planes from `in` to `out` (not overlapping).
using OplSpatialStage = std::function<void(const float* in, float* out, int64_t frames, int64_t X, int64_t Y)>;

/// The HalfRecursive centre stage: (blur + bias) * lambda_opl, in that order.
OplSpatialStage blur_stage(BlurKernel<float> kernel, float bias, float gain = 1.0f);
/// The Recursive stage: convis's Deriche gaussian (spatial_recursive.h) times gain.
OplSpatialStage deriche_stage(double density, float gain = 1.0f);

/// The recursive filters' coefficients, float32 as convis computes them.
struct OplTemporal {
  float center_e, center_norm;                          ///< centre low-pass (tau_center)
  float undershoot_e, undershoot_norm, undershoot_k;  ///< high-pass (undershoot tau, weight)
  float surround_e, surround_norm;                      ///< surround low-pass (tau_surround)
  float relative_weight;                                ///< w in out = C - w S
};

/// The OPL's state between calls: float32 [B, C, 1, X, Y] tensors, all undefined at the start
/// of a run (then y, z, s are 0 and C1_{-1} := C1_0).
struct OplState {
  at::Tensor center_y;     ///< y of the centre low-pass
  at::Tensor undershoot_z; ///< z of the high-pass
  at::Tensor last_center;  ///< C1 of the last frame (the high-pass's previous input)
  at::Tensor surround_s;   ///< s of the surround low-pass
};

/// The output and, when asked for, the centre and surround signals (else undefined).
struct OplOutputs {
  at::Tensor y, center_signal, surround_signal;
};

/// Runs the OPL on x (float32 [B, C, T, X, Y]) from `state` and updates it. Throws
/// std::invalid_argument for a bad shape or dtype or a state of another frame size.
OplOutputs opl_filter(const at::Tensor& x, const OplSpatialStage& center, const OplSpatialStage& surround,
                      const OplTemporal& c, OplState& state, bool keep_center, bool keep_surround);

/// The RecursiveOPLFilter's parameters (convis's names; lengths in degrees, times in seconds).
struct OplResponseParameters {
  double sigma_center, tau_center, undershoot_tau_center, undershoot_relative_weight_center;
  double sigma_surround, tau_surround, relative_weight, lambda_opl;
};

/// convis's FullConvolutionOPLFilter kernel: the output y of the RecursiveOPLFilter (Deriche
/// gaussians of density 1 / (sigma pixels per degree)) for a unit impulse at (t 0, x X/2,
/// y Y/2) of an otherwise zero [T, X, Y] input, run from the dark in one call, with the
/// float32 numbers the RecursiveOPLFilter layer uses. float32 [T, X, Y], not flipped.
/// Throws std::invalid_argument for an empty shape or a sigma or tau that is not positive.
at::Tensor opl_impulse_response(const OplResponseParameters& p, int64_t T, int64_t X, int64_t Y,
                                double steps_per_second, double pixels_per_degree);

}  // namespace cvm::kernels
