// The frames a model runs on, opened from what the user names: a stimulus call
// (`moving_grating(t = 2000, x = 50, y = 50)`) or data files (`F.h5:/dataset`, `F.npy`,
// `NAME=F.h5:/dataset` per input of a model with several inputs). `cvm run` and the REPL's
// `:run` open their inputs here.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "frontend/semantic/compile.h"
#include "interpreter/io/frame_source.h"

namespace cvm::interp {

/// The source of one data file: `F.h5:/dataset` or `F.npy`. Throws io::DataError otherwise.
std::unique_ptr<io::FrameSource> open_input(const std::string& spec);

/// One source per graph input, in graph order: from `stimulus` when it is not empty (a
/// model with one input), else from `inputs` (a bare spec for a model with one input,
/// `NAME=spec` for each input otherwise). Returns an empty vector when the stimulus has
/// errors, which are reported into `c`. Throws io::DataError for unusable inputs.
std::vector<std::unique_ptr<io::FrameSource>> open_sources(Compilation& c, const graph::ModelGraph& g,
                                                           const std::vector<std::string>& inputs,
                                                           const std::string& stimulus);

/// Checks that the sources agree with the model (channels) and with each other (batch
/// size, frames); throws RuntimeError or io::DataError.
void check_sources(const graph::ModelGraph& g, const std::vector<std::unique_ptr<io::FrameSource>>& sources);

}  // namespace cvm::interp
