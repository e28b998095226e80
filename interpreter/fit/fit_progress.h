// Where a fit is and what it has seen so far: the position (epoch, next frame, step
// count), the loss histories and the early-stopping bookkeeping. Written to every
// checkpoint and, at the end, to the parameter bundle.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

namespace cvm::interp::fit {

struct FitProgress {
  int64_t epoch = 0;              // the epoch being run (epochs done when the fit ends)
  int64_t next_frame = -1;        // first frame of the next chunk; -1: the epoch has not started
  int64_t global_step = 0;        // optimizer steps taken
  double epoch_loss_so_far = 0;   // sum of this epoch's step losses
  std::vector<double> loss;             // per step: the loss before its update
  std::vector<double> epoch_loss;       // per finished epoch: sum of its step losses
  std::vector<double> validation;       // per validation
  std::vector<int64_t> validation_epoch;  // the epoch (1-based) each validation followed
  double best_value = std::numeric_limits<double>::infinity();
  int64_t best_epoch = 0;               // 1-based; 0 = none yet
  int64_t bad_evaluations = 0;          // evaluations since the best (early stopping)
  std::string status = "running";       // running | complete | early_stop | interrupted
};

}  // namespace cvm::interp::fit
