// `cvm impulse`: the model's response to a one-bin impulse at the centre of its input
// (runtime/impulse.h), written like the output of `cvm run` plus where the impulse was
// (root attributes impulse_frame, impulse_x, impulse_y), and drawn when a plot is asked.
#include <iostream>

#include "interpreter/plot/plots.h"
#include "interpreter/runtime/impulse.h"
#include "interpreter/runtime/model_setup.h"
#include "interpreter/runtime/output_summary.h"
#include "interpreter/runtime/plan.h"
#include "interpreter/runtime/run_output.h"

namespace cvm::interp {
namespace {

int impulse(const ImpulseRequest& r) {
  ModelSetup s;
  if (int code = setup_model(r.model, s); code != kExitOk) return code;
  return guarded(&s.compilation, [&]() -> int {
    at::NoGradGuard no_grad;
    const graph::ModelGraph& g = *s.graph;
    if (r.shape.size() != 3) throw io::DataError("the impulse input's shape must be T, X, Y");
    ExecutionPlan plan(g, s.params, LayerContext{g.resolution, 0});
    std::vector<at::Tensor> response;
    try {
      response = impulse_response(plan, {r.shape[0], r.shape[1], r.shape[2]}, r.at, r.chunk);
    } catch (const std::invalid_argument& e) {
      throw io::DataError(e.what());
    }
    io::Hdf5OutputFile out = create_run_output(r.output, g, 0);
    out.set_attribute("/", "impulse_frame", r.at);
    out.set_attribute("/", "impulse_x", r.shape[1] / 2);
    out.set_attribute("/", "impulse_y", r.shape[2] / 2);
    std::vector<plot::NamedSignal> signals;
    for (size_t k = 0; k < g.outputs.size(); ++k) {
      at::Tensor o = response[k].to(at::kFloat).contiguous();
      add_output_stream(out, g.outputs[k].name, o, g.resolution);
      out.append(g.outputs[k].name, o.data_ptr<float>(), o.size(2));
      signals.push_back({g.outputs[k].name, o, "1"});
    }
    // The plot first: a plot that cannot be written leaves no data file either.
    if (!r.plot.empty()) plot::plot_impulse(r.plot, signals, g.resolution, r.at);
    out.commit();
    if (!r.quiet) {
      std::cout << "model " << g.model << ": impulse at frame " << r.at << ", pixel (" << r.shape[1] / 2 << ", "
                << r.shape[2] / 2 << ") of a " << r.shape[0] << "x" << r.shape[1] << "x" << r.shape[2]
                << " input, wrote " << r.output << (r.plot.empty() ? "" : " and " + r.plot) << "\n";
      for (size_t k = 0; k < signals.size(); ++k) {
        std::cout << "  /outputs/" << signals[k].name << " " << shape_text(signals[k].data.sizes()) << "  "
                  << impulse_peak_text(signals[k].data, r.at, g.resolution) << "\n";
      }
    }
    return kExitOk;
  });
}

}  // namespace
}  // namespace cvm::interp

extern "C" int cvm_engine_impulse(const cvm::ImpulseRequest* request) { return cvm::interp::impulse(*request); }
