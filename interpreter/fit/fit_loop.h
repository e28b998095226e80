// The fit itself: epochs of optimizer steps over a recording read chunk by chunk.
//
// Every epoch starts from the model's initial state, runs `skip` frames without a loss
// (warm-up), then takes one optimizer step per chunk, carrying the layers' state from
// chunk to chunk; the state is detached after each step, so gradients never cross a chunk
// (truncated back-propagation through time) and memory holds one chunk. A step's
// objective is the weighted sum of the targets' losses on the chunk plus the priors'
// -log p scaled by the chunk's share of the epoch's frames (an epoch adds each prior once).
// LBFGS re-evaluates its closure: every evaluation starts from the same saved state.
//
// Validation (every K epochs) runs the held-out input from the initial state without
// gradient and accumulates its loss over chunks; early stopping counts evaluations without
// a new best (of the validation loss, or of the epoch loss without validation). A
// checkpoint is written at the end of every epoch, every N steps if asked, and when the
// run is stopped (Ctrl-C, --max-steps); resuming from it continues bit for bit.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "frontend/graph/fit_spec.h"
#include "frontend/graph/model_graph.h"
#include "interpreter/fit/fit_progress.h"
#include "interpreter/fit/param_space.h"
#include "interpreter/runtime/layer.h"

namespace cvm::interp::fit {

struct FitOptions {
  std::string checkpoint;        // empty: none
  bool resume = false;
  int64_t checkpoint_every = 0;  // steps; 0: at epoch ends only
  int64_t max_steps = -1;        // stop (with a checkpoint) after this many steps in this run
  std::string identity;          // what a checkpoint must match to be resumed
  bool progress = false;         // a line per epoch on stderr
};

struct FitOutcome {
  FitProgress progress;
  /// The values to export: the best epoch's when validating, else the last.
  std::vector<at::Tensor> values;
  bool stopped = false;          // stopped early by Ctrl-C or --max-steps (resumable)
  bool by_signal = false;        // stopped by Ctrl-C
};

FitOutcome run_fit(const graph::ModelGraph& g, const graph::FitSpec& spec, ParamSpace& space,
                   const LayerContext& ctx, const FitOptions& options);

}  // namespace cvm::interp::fit
