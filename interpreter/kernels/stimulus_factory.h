// Makes the frame source of a stimulus call checked by the frontend
// (`moving_grating(t = 2000, x = 50, y = 50)`, from `cvm run --stimulus` or a model file):
// the one place that maps built-in stimulus names (frontend/semantic/builtins.cpp) to
// their implementations.
#pragma once

#include <memory>

#include "frontend/graph/value.h"
#include "interpreter/io/frame_source.h"

namespace cvm::kernels {

/// The stimulus for an evaluated call; throws io::DataError for bad sizes.
std::unique_ptr<io::FrameSource> make_stimulus(const graph::Value& call);

}  // namespace cvm::kernels
