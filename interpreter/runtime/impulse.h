// The response of a model to a one-bin impulse, as convis's plot_impulse computes it: the
// model's state is set aside, the model runs from a fresh state on zeros of the input's
// shape, then on the impulse input (1 at frame `at` of the centre pixel, zeros elsewhere);
// the response to the second input is returned and the state put back. `cvm impulse` and
// the REPL call this.
//
// The run of zeros is the start of the run, and the impulse input its continuation: a
// layer that adds frames at the start of a run (TimePadding) adds them to the run of zeros,
// so the response has as many frames as the input. For a model at rest on zeros, the
// response equals the last T frames of a fresh whole run on the impulse input.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <stdexcept>
#include <vector>

#include "interpreter/runtime/plan.h"

namespace cvm::interp {

/// The response to an impulse in a [T, X, Y] = `shape` input: 1 at frame `at`, pixel
/// (X / 2, Y / 2), in every channel of every graph input (a model with several inputs gets
/// the impulse on each, at the same time). Runs in chunks of `chunk` frames (<= 0: 500).
/// Returns one tensor per graph output, [1, channels, frames, x, y]. The plan's state is
/// the same afterwards as before. Throws std::invalid_argument for an empty shape or an
/// `at` outside [0, T). `stop` is asked between chunks (Ctrl-C in the REPL): when it says
/// so, the state is put back and ImpulseInterrupted thrown.
std::vector<at::Tensor> impulse_response(ExecutionPlan& plan, std::array<int64_t, 3> shape, int64_t at,
                                         int64_t chunk, const std::function<bool()>& stop = {});

/// Thrown by impulse_response when `stop` asked it to end early.
struct ImpulseInterrupted : std::runtime_error {
  ImpulseInterrupted() : std::runtime_error("the impulse response was interrupted") {}
};

}  // namespace cvm::interp
