#include "interpreter/runtime/input_sources.h"

#include "frontend/semantic/command_line.h"
#include "interpreter/io/hdf5_file.h"
#include "interpreter/io/npy.h"
#include "interpreter/kernels/stimulus_factory.h"
#include "interpreter/runtime/layer.h"

namespace cvm::interp {

std::unique_ptr<io::FrameSource> open_input(const std::string& spec) {
  auto colon = spec.rfind(":/");
  if (colon != std::string::npos) return std::make_unique<io::Hdf5FrameSource>(spec.substr(0, colon), spec.substr(colon + 1));
  if (spec.size() > 4 && spec.compare(spec.size() - 4, 4, ".npy") == 0) return std::make_unique<io::NpyFrameSource>(spec);
  throw io::DataError("input '" + spec + "': give F.h5:/dataset or F.npy");
}

std::vector<std::unique_ptr<io::FrameSource>> open_sources(Compilation& c, const graph::ModelGraph& g,
                                                           const std::vector<std::string>& inputs,
                                                           const std::string& stimulus) {
  std::vector<std::unique_ptr<io::FrameSource>> sources(g.inputs.size());
  if (!stimulus.empty()) {
    if (g.inputs.size() != 1) {
      throw io::DataError("a stimulus feeds a model with one input; '" + g.model + "' has " + std::to_string(g.inputs.size()));
    }
    auto v = evaluate_stimulus(c, g.resolution, stimulus);
    if (!v) return {};
    sources[0] = kernels::make_stimulus(*v);
    return sources;
  }
  for (const auto& spec : inputs) {
    std::string name, data = spec;
    auto eq = spec.find('=');
    if (eq != std::string::npos && spec.find(":/") > eq) {
      name = spec.substr(0, eq);
      data = spec.substr(eq + 1);
    }
    size_t index = 0;
    if (name.empty()) {
      if (g.inputs.size() != 1 || inputs.size() != 1) {
        std::vector<std::string> names;
        for (const auto& in : g.inputs) names.push_back(in.name);
        throw io::DataError("model '" + g.model + "' has inputs " + join_names(names) +
                            "; give NAME=F.h5:/dataset for each");
      }
    } else {
      index = g.inputs.size();
      for (size_t k = 0; k < g.inputs.size(); ++k) {
        if (g.inputs[k].name == name) index = k;
      }
      if (index == g.inputs.size()) throw io::DataError("model '" + g.model + "' has no input '" + name + "'");
      if (sources[index]) throw io::DataError("input '" + name + "' is given twice");
    }
    sources[index] = open_input(data);
  }
  for (size_t k = 0; k < g.inputs.size(); ++k) {
    if (!sources[k]) throw io::DataError("no data for input '" + g.inputs[k].name + "'");
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

}  // namespace cvm::interp
