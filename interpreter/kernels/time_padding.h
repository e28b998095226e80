// convis's TimePadding: the frames it puts before the first frame of a run. convis fills
// a layer's missing history this way (and pads every call with its saved history); cvm
// prepends them once, before the run's first frame, so a run's output is the same
// whatever the chunking (see interpreter/layers/convis_temporal.cpp).
//
// The modes, for `length` frames before an input x of T frames (frame j = 0 .. length-1
// of the padding, modulo taken into 0 .. T-1):
//   first_frame  length copies of x[0]
//   zeros, ones  constant frames
//   mean         every value equal to the mean of all of x (batch, channels, frames, pixels)
//   mirror       x[T-1 - ((j - length) mod T)]: x[length-1], ..., x[0] when T >= length
//   full_copy    x[(j - length) mod T]: x[T-length], ..., x[T-1] when T >= length
// which is what convis's TimePadding computes on its first call, also when T < length
// (repeated copies of x, or of x reversed).
#pragma once

#include <optional>
#include <string>

#include <torch/torch.h>

namespace cvm::kernels {

enum class PaddingMode { FirstFrame, Zeros, Ones, Mean, Mirror, FullCopy };

/// The mode of a convis mode name ("first_frame", ...), or nullopt for an unknown name.
std::optional<PaddingMode> padding_mode(const std::string& name);
/// The mode names, for error messages: "first_frame, zeros, ...".
const char* padding_mode_names();

/// The `length` frames put before x (float [B, C, T, X, Y], T >= 1):
/// [B, C, length, X, Y]. Throws std::invalid_argument for a bad shape or an empty x.
at::Tensor time_padding(const at::Tensor& x, int64_t length, PaddingMode mode);

}  // namespace cvm::kernels
