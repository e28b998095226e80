// convis's Bipolar layer (the contrast gain control of convis.filters.retina.Bipolar) as one
// fused loop over the frames of every (batch, channel) plane, with a hand-written backward.
//
// Per frame t, with the state V (starts at 0) and the inhibition H (starts at 1):
//   g = g_leak + H,  a = exp(-dt g),  E = input_amp I_t / g,  V_t = (V - E) a + E  -> output
//   J = lambda_amp V^2 b0 - H a1,  m = mean over the frame of J,
//   H = (K (*) (J - m) + bias) + m,  V = V_t
// where V^2 uses the previous V, K (*) is the replicate-padded correlation with the stored
// conv2d weight (replicate_blur.h), dt = 0.001 s whatever the resolution, and
// a1 = -exp(-0.001 / 5) = -0.9998, b0 = 1 - a1 are computed once in float32 from the initial
// tau = 5 s, all as convis does (its tau parameter has no effect). Arithmetic is in the
// input's type (float32 in runs) in convis's order; exp is vec_math.h's exp_float for float32
// (within 1 ulp of std::exp; on the case retina_bipolar_default it gives convis's output
// bitwise, std::exp does not) and std::exp for float64. convis computes only batch 0 /
// channel 0; here every plane runs.
//
// Shortcut: with lambda_amp == 0 exactly and a uniform inhibition (as it starts), J is the
// same everywhere, J - m is exactly 0 and H stays one number per plane and frame:
// H = (0 + bias) + (0 - H a1). For finite inputs that path gives bitwise the general path's
// numbers (an inf or NaN input would poison the general path's inhibition through 0 V^2);
// it is taken only where nothing needs a gradient.
//
// The state is carried across calls, so any chunking gives the whole-run output exactly.
#pragma once

#include <torch/torch.h>

namespace cvm::kernels {

/// The parameters, as the layer holds them: one-element tensors (0-d or [1]) and the
/// conv2d weight (its last two dimensions are the kernel, the others of size 1).
struct BipolarParams {
  at::Tensor lambda_amp;
  at::Tensor g_leak;
  at::Tensor input_amp;
  at::Tensor weight;
  at::Tensor bias;
};

/// What the layer remembers between calls: V and the inhibition, [B, C, X, Y] (or [X, Y],
/// the same for every plane, as set by a user); undefined = the initial value (0 / 1).
struct BipolarState {
  at::Tensor V;
  at::Tensor inhibition;
};

/// Which loop runs the frames: Automatic takes the shortcut wherever it is exact; General
/// never takes it (to compare the two).
enum class BipolarPath { Automatic, General };

/// Runs the layer over x (float32 or float64 [B, C, T, X, Y]; the parameters are converted
/// to x's type) from `state`, and updates `state`. When autograd records and x, a parameter
/// or the state requires a gradient, the result (and the new state) carry a graph whose
/// backward is the reverse-time adjoint of the whole chunk; its forward numbers are bitwise
/// the fused loop's. Throws std::invalid_argument for bad shapes or types.
at::Tensor retina_bipolar(const at::Tensor& x, const BipolarParams& params, BipolarState& state,
                          BipolarPath path = BipolarPath::Automatic);

}  // namespace cvm::kernels
