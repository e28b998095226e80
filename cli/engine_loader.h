// Loads the interpreter library (libcvm_engine.so) on first use and calls its entry
// points. Keeps LibTorch out of the `cvm` process until a verb computes something.
#pragma once

#include "interpreter/engine_api.h"

namespace cvm {

int call_engine_run(const RunRequest& request);
int call_engine_params(const ParamsRequest& request);
int call_engine_sample(const SampleRequest& request);
int call_engine_impulse(const ImpulseRequest& request);
int call_engine_plot(const PlotRequest& request);
int call_engine_repl(const ReplRequest& request);
int call_engine_fit(const FitRequest& request);

}  // namespace cvm
