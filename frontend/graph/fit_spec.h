// The checked fit: what a `fit` block says once the checker has resolved it against its
// model's graph. Names are resolved (inputs, outputs, parameters with their graph
// indices), defaults are filled in (loss sse, weight 1, the default free list, one epoch,
// the whole recording as one chunk), counts are integers and file names are resolved
// relative to the .cvm file. Built by check_fit (frontend/semantic/check_fit.h), returned
// by compile_fit with the graph, executed by `cvm fit` (interpreter/fit).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "frontend/graph/value.h"
#include "frontend/source/source_manager.h"

namespace cvm::graph {

/// A dataset of an HDF5 file. Written `"/dataset"` (in the fit's data file) or
/// `"F.h5:/dataset"` (in F.h5).
struct FitDataset {
  std::string file;            // resolved: the data file, or the file the string named
  std::string dataset;         // "/stimulus"
  bool in_data_file = true;    // named without a file: `--data` replaces its file
  SourceRange range;           // where it is named (for data errors)
};

/// `input NAME = "/dataset"`: the data fed to a model input.
struct FitInput {
  std::string name;  // the graph input
  FitDataset data;
};

/// `target OUTPUT = "/dataset" loss LOSS weight W`: the data a model output is compared with.
struct FitTarget {
  std::string output;         // the graph output
  FitDataset data;
  std::string loss = "sse";   // mse | sse | poisson | corr
  double weight = 1;
};

/// A parameter the fit changes.
struct FitFreeParam {
  std::string path;       // dotted: "conv.weight"
  std::string flat_name;  // convis's: "conv_weight"
  int index = -1;         // into ModelGraph::params
  /// A derived tensor (built from other parameters, `gaussian(sigma = s)`) listed in
  /// `free`: it starts from its derived value and is fitted on its own; its sources no
  /// longer rebuild it.
  bool detached = false;
  SourceRange range;      // the name in `free`, or the declaration for the default list
};

/// `optimizer NAME(SETTINGS)`: a torch::optim optimizer and the settings the fit gives
/// (the others keep torch's defaults). Settings are numbers (`lr = 0.01`), bools
/// (`amsgrad = true`), lists of numbers (`betas = [0.9, 0.999]`) or strings
/// (`line_search_fn = "strong_wolfe"`), in the order written.
struct FitOptimizer {
  std::string name = "Adam";  // SGD | Adam | AdamW | Adagrad | RMSprop | LBFGS
  std::vector<std::pair<std::string, Value>> settings;
  SourceRange range;          // the call, or invalid when the fit names no optimizer
  const Value* setting(const std::string& key) const {
    for (const auto& s : settings) {
      if (s.first == key) return &s.second;
    }
    return nullptr;
  }
};

/// `validate "IN" -> "OUT" every K epoch`: a held-out input and the target it is compared
/// with (fits with one input and one target only), evaluated every K epochs.
struct FitValidation {
  FitDataset input;
  FitDataset target;
  int64_t every = 1;  // epochs
};

struct FitSpec {
  std::string model;        // the fitted model's name
  std::string name;         // `as NAME`, or the model's name
  std::string source_file;  // the .cvm file holding the fit, as named on the command line
  std::string data_file;    // resolved relative to source_file; empty: none given
  std::vector<FitInput> inputs;    // one per graph input
  std::vector<FitTarget> targets;  // at least one
  std::vector<FitFreeParam> free;  // in graph parameter order
  FitOptimizer optimizer;
  int64_t chunk = 0;        // frames per optimizer step; 0: the whole recording (convis's dt=None)
  int64_t skip = 0;         // frames run at the start of each epoch without a loss or a step
  int64_t epochs = 1;
  std::optional<uint64_t> seed;
  std::optional<FitValidation> validate;
  int64_t patience = 0;     // early stop after this many evaluations without a new best; 0: never
  std::string export_path;  // resolved relative to source_file; empty: none given
  SourceRange range;        // the fit block
};

/// Points every dataset named without a file (`"/dataset"`) at `file` (`cvm fit --data`).
inline void replace_data_file(FitSpec& spec, const std::string& file) {
  spec.data_file = file;
  auto point = [&](FitDataset& d) {
    if (d.in_data_file) d.file = file;
  };
  for (auto& i : spec.inputs) point(i.data);
  for (auto& t : spec.targets) point(t.data);
  if (spec.validate) {
    point(spec.validate->input);
    point(spec.validate->target);
  }
}

}  // namespace cvm::graph
