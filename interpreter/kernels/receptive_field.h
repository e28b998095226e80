// convis's RF layer (rf_mode "corner"): a causal convolution over one spatial window the
// size of the weight, anchored at the top-left pixel, giving one output pixel per channel.
//
// The input is cut at the bottom and right, or zero-padded there, to the weight's spatial
// size K_x x K_y; then, with the time padding of causal_conv3d (the first frame repeated
// K_t-1 times before the start, the real history afterwards):
//   y[t] = bias + sum_{k,i,j} weight[k, i, j] x[t-K_t+1+k, i, j].
// The weight is stored as convis stores it (flipped relative to the impulse response set by
// set_weight), so in terms of an impulse response w, y[t] = sum w[k,i,j] x[t-k, K_x-1-i,
// K_y-1-j]: a weight set from a template applies it mirrored, as in convis.
#pragma once

#include <torch/torch.h>

#include "interpreter/kernels/causal_conv3d.h"

namespace cvm::kernels {

/// RF of x (float32 [B, C_in, T, X, Y]) with `weight` [C_out, C_in, K_t, K_x, K_y] and an
/// optional `bias` [C_out]. Returns float32 [B, C_out, T, 1, 1] and updates `history` (which
/// holds frames of the cut window). Throws std::invalid_argument as causal_conv3d does.
at::Tensor receptive_field(const at::Tensor& x, const at::Tensor& weight,
                           const c10::optional<at::Tensor>& bias, TimeHistory& history);

}  // namespace cvm::kernels
