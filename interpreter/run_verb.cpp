// `cvm run`: streams the input through the model chunk by chunk and appends each chunk
// of every output to the HDF5 file (written under a temporary name, renamed when
// complete). Memory holds one chunk, whatever the length of the video.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "frontend/diagnostics/render.h"
#include "interpreter/io/hdf5_file.h"
#include "interpreter/io/named_arrays.h"
#include "interpreter/runtime/input_sources.h"
#include "interpreter/runtime/model_setup.h"
#include "interpreter/runtime/output_summary.h"
#include "interpreter/runtime/plan.h"
#include "interpreter/runtime/progress.h"
#include "interpreter/runtime/run_output.h"
#include "interpreter/runtime/tensor_array.h"

namespace cvm::interp {
namespace {

constexpr int64_t kDefaultChunk = 500;

int run(const RunRequest& r) {
  ModelSetup s;
  if (int code = setup_model(r.model, s); code != kExitOk) return code;
  return guarded(&s.compilation, [&]() -> int {
    at::NoGradGuard no_grad;
    const graph::ModelGraph& g = *s.graph;
    auto sources = open_sources(s.compilation, g, r.inputs, r.stimulus);
    if (sources.empty()) {
      render_all(std::cerr, s.compilation.sources, s.compilation.sink);
      return kExitModelError;
    }
    check_sources(g, sources);
    LayerContext ctx{g.resolution, r.seed.value_or(0)};
    ExecutionPlan plan(g, s.params, ctx, r.records);  // an unknown record fails before running
    if (!r.state_file.empty()) {
      std::vector<std::pair<std::string, at::Tensor>> states;
      for (auto& [name, array] : io::read_named_arrays(r.state_file, "/state")) {
        states.emplace_back(name, tensor_from_array(array));
      }
      plan.set_states(states);
    }

    io::Hdf5OutputFile out = create_run_output(r.output, g, r.seed.value_or(0));

    int64_t total = sources[0]->frames();
    int64_t chunk = r.chunk > 0 ? r.chunk : kDefaultChunk;
    std::vector<std::string> names;
    for (const auto& o : g.outputs) names.push_back(o.name);
    for (const auto& p : r.records) names.push_back("records/" + p);
    std::vector<OutputStats> stats(names.size());
    Progress progress(r.progress, total, "frames");
    auto started = std::chrono::steady_clock::now();
    for (int64_t t0 = 0; t0 < total; t0 += chunk) {
      std::vector<at::Tensor> inputs;
      for (auto& src : sources) inputs.push_back(tensor_from_array(src->read(t0, chunk)));
      std::vector<at::Tensor> recorded;
      auto outputs = plan.run_chunk(inputs, &recorded);
      outputs.insert(outputs.end(), recorded.begin(), recorded.end());
      for (size_t k = 0; k < outputs.size(); ++k) {
        at::Tensor o = outputs[k].to(at::kFloat).contiguous();
        if (t0 == 0) add_output_stream(out, names[k], o, g.resolution);
        out.append(names[k], o.data_ptr<float>(), o.size(2));
        stats[k].add(o);
      }
      progress.update(std::min(total, t0 + chunk));
    }
    progress.finish();
    out.commit();
    double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (!r.quiet) {
      auto in = sources[0]->shape();
      std::cout << "model " << g.model << ": " << total << " frames of " << in[3] << "x" << in[4] << " in "
                << std::round(seconds * 1000) / 1000 << " s (" << static_cast<int64_t>(total / std::max(seconds, 1e-9))
                << " frames/s), wrote " << r.output << "\n";
      for (size_t k = 0; k < names.size(); ++k) std::cout << "  " << stats[k].line("/outputs/" + names[k]) << "\n";
    }
    return kExitOk;
  });
}

}  // namespace
}  // namespace cvm::interp

extern "C" int cvm_engine_run(const cvm::RunRequest* request) { return cvm::interp::run(*request); }
