// `cvm run`: streams the input through the model chunk by chunk and appends each chunk
// of every output to the HDF5 file (written under a temporary name, renamed when
// complete). Memory holds one chunk, whatever the length of the video.
#include <chrono>
#include <cmath>
#include <filesystem>
#include <iostream>

#include "frontend/diagnostics/render.h"
#include "frontend/semantic/command_line.h"
#include "interpreter/io/hdf5_file.h"
#include "interpreter/io/npy.h"
#include "interpreter/io/named_arrays.h"
#include "interpreter/kernels/stimulus_factory.h"
#include "interpreter/runtime/file_hash.h"
#include "interpreter/runtime/model_setup.h"
#include "interpreter/runtime/plan.h"
#include "interpreter/runtime/progress.h"
#include "interpreter/runtime/tensor_array.h"

namespace cvm::interp {
namespace {

constexpr int64_t kDefaultChunk = 500;

std::unique_ptr<io::FrameSource> open_input(const std::string& spec) {
  auto colon = spec.rfind(":/");
  if (colon != std::string::npos) return std::make_unique<io::Hdf5FrameSource>(spec.substr(0, colon), spec.substr(colon + 1));
  if (spec.size() > 4 && spec.compare(spec.size() - 4, 4, ".npy") == 0) return std::make_unique<io::NpyFrameSource>(spec);
  throw io::DataError("input '" + spec + "': give F.h5:/dataset or F.npy");
}

/// The sources for each graph input, in graph order.
std::vector<std::unique_ptr<io::FrameSource>> open_sources(const RunRequest& r, ModelSetup& s) {
  const graph::ModelGraph& g = *s.graph;
  std::vector<std::unique_ptr<io::FrameSource>> sources(g.inputs.size());
  if (!r.stimulus.empty()) {
    if (g.inputs.size() != 1) throw io::DataError("--stimulus feeds a model with one input; '" + g.model + "' has " + std::to_string(g.inputs.size()));
    auto v = evaluate_stimulus(s.compilation, g.resolution, r.stimulus);
    if (!v) return {};
    sources[0] = kernels::make_stimulus(*v);
    return sources;
  }
  for (const auto& spec : r.inputs) {
    std::string name, data = spec;
    auto eq = spec.find('=');
    if (eq != std::string::npos && spec.find(":/") > eq) {
      name = spec.substr(0, eq);
      data = spec.substr(eq + 1);
    }
    size_t index = 0;
    if (name.empty()) {
      if (g.inputs.size() != 1 || r.inputs.size() != 1) {
        std::vector<std::string> names;
        for (const auto& in : g.inputs) names.push_back(in.name);
        throw io::DataError("model '" + g.model + "' has inputs " + join_names(names) +
                            "; give --input NAME=F.h5:/dataset for each");
      }
    } else {
      index = g.inputs.size();
      for (size_t k = 0; k < g.inputs.size(); ++k) {
        if (g.inputs[k].name == name) index = k;
      }
      if (index == g.inputs.size()) throw io::DataError("--input: model '" + g.model + "' has no input '" + name + "'");
      if (sources[index]) throw io::DataError("--input: input '" + name + "' is given twice");
    }
    sources[index] = open_input(data);
  }
  for (size_t k = 0; k < g.inputs.size(); ++k) {
    if (!sources[k]) throw io::DataError("--input: no data for input '" + g.inputs[k].name + "'");
  }
  return sources;
}

void check_sources(const graph::ModelGraph& g, const std::vector<std::unique_ptr<io::FrameSource>>& sources) {
  auto first = sources[0]->shape();
  for (size_t k = 0; k < sources.size(); ++k) {
    auto s = sources[k]->shape();
    if (s[1] != g.inputs[k].channels) {
      throw RuntimeError("input '" + g.inputs[k].name + "' has " + std::to_string(s[1]) + " channels; the model declares " +
                             std::to_string(g.inputs[k].channels),
                         g.inputs[k].range);
    }
    if (s[0] != first[0] || s[2] != first[2]) throw io::DataError("the inputs differ in batch size or number of frames");
    if (s[2] == 0) throw io::DataError("the input has no frames");
  }
}

std::string shape_text(at::IntArrayRef s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

int run(const RunRequest& r) {
  ModelSetup s;
  if (int code = setup_model(r.model, s); code != kExitOk) return code;
  return guarded(&s.compilation, [&]() -> int {
    at::NoGradGuard no_grad;
    const graph::ModelGraph& g = *s.graph;
    auto sources = open_sources(r, s);
    if (sources.empty()) {
      render_all(std::cerr, s.compilation.sources, s.compilation.sink);
      return kExitModelError;
    }
    check_sources(g, sources);
    LayerContext ctx{g.resolution, r.seed.value_or(0)};
    ExecutionPlan plan(g, s.params, ctx);
    if (!r.state_file.empty()) {
      std::vector<std::pair<std::string, at::Tensor>> states;
      for (auto& [name, array] : io::read_named_arrays(r.state_file, "/state")) {
        states.emplace_back(name, tensor_from_array(array));
      }
      plan.set_states(states);
    }
    for (const auto& path : r.records) plan.record_signal(path);  // fail before running

    io::Hdf5OutputFile out(r.output);
    out.set_attribute("/", "cvm_version", std::string(CVM_VERSION));
    out.set_attribute("/", "model", g.model);
    out.set_attribute("/", "source_sha256", file_sha256(g.source_file));
    out.set_attribute("/", "seed", static_cast<int64_t>(r.seed.value_or(0)));
    out.set_attribute("/", "steps_per_second", g.resolution.steps_per_second);
    out.set_attribute("/", "pixels_per_degree", g.resolution.pixels_per_degree);

    int64_t total = sources[0]->frames();
    int64_t chunk = r.chunk > 0 ? r.chunk : kDefaultChunk;
    std::vector<std::string> names;
    for (const auto& o : g.outputs) names.push_back(o.name);
    for (const auto& p : r.records) names.push_back("records/" + p);
    std::vector<double> mins(names.size(), INFINITY), maxs(names.size(), -INFINITY), sums(names.size(), 0);
    std::vector<at::Tensor> shapes(names.size());
    std::vector<int64_t> frames_out(names.size(), 0);  // a layer may add frames (TimePadding)
    Progress progress(r.progress, total, "frames");
    auto started = std::chrono::steady_clock::now();
    for (int64_t t0 = 0; t0 < total; t0 += chunk) {
      std::vector<at::Tensor> inputs;
      for (auto& src : sources) inputs.push_back(tensor_from_array(src->read(t0, chunk)));
      std::vector<at::Tensor> recorded;
      auto outputs = plan.run_chunk(inputs, r.records, &recorded);
      outputs.insert(outputs.end(), recorded.begin(), recorded.end());
      for (size_t k = 0; k < outputs.size(); ++k) {
        at::Tensor o = outputs[k].to(at::kFloat).contiguous();
        if (t0 == 0) {
          out.add_stream(names[k], {o.size(0), o.size(1), o.size(3), o.size(4)});
          // Signals are dimensionless in std.convis (rates and spikes get units with the retina).
          out.set_attribute("/outputs/" + names[k], "unit", std::string("1"));
          out.set_attribute("/outputs/" + names[k], "steps_per_second", g.resolution.steps_per_second);
          out.set_attribute("/outputs/" + names[k], "pixels_per_degree", g.resolution.pixels_per_degree);
          shapes[k] = o;
        }
        out.append(names[k], o.data_ptr<float>(), o.size(2));
        frames_out[k] += o.size(2);
        if (o.numel() == 0) continue;  // a layer without time padding has no frames yet
        mins[k] = std::min(mins[k], o.min().item<double>());
        maxs[k] = std::max(maxs[k], o.max().item<double>());
        sums[k] += o.sum().item<double>();
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
      for (size_t k = 0; k < names.size(); ++k) {
        auto sz = shapes[k].sizes().vec();
        sz[2] = frames_out[k];
        double count = 1;
        for (auto d : sz) count *= static_cast<double>(d);
        std::cout << "  /outputs/" << names[k] << " " << shape_text(sz) << "  min " << mins[k] << "  mean "
                  << sums[k] / count << "  max " << maxs[k] << "\n";
      }
    }
    return kExitOk;
  });
}

}  // namespace
}  // namespace cvm::interp

extern "C" int cvm_engine_run(const cvm::RunRequest* request) { return cvm::interp::run(*request); }
