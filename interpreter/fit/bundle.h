// The parameter bundle a fit exports: the fitted parameters with everything needed to
// trust and reuse them. `.h5`: /params/<flat_name> (as `cvm params --export` writes them,
// plus whether each was free and its bounds transform), /fit/loss (per step),
// /fit/epoch_loss, /fit/validation with /fit/validation_epoch, the optimizer and its
// settings as attributes of /fit, and provenance as root attributes (cvm version, model,
// fit, sha256 of the model source and of every file it imports, seed, data files and
// their sha256, date, status). `.npz`: convis's parameter file (load_parameters), the
// parameters only.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "frontend/graph/fit_spec.h"
#include "frontend/graph/model_graph.h"
#include "interpreter/fit/fit_progress.h"
#include "interpreter/fit/param_space.h"

namespace cvm::interp::fit {

struct Provenance {
  std::vector<std::pair<std::string, std::string>> sources;  // (path, sha256): the model file first
  std::vector<std::pair<std::string, std::string>> data;     // (path, sha256)
  uint64_t seed = 0;
};

void write_bundle(const std::string& path, const graph::ModelGraph& g, const graph::FitSpec& spec,
                  const ParamSpace& space, const std::vector<at::Tensor>& values, const FitProgress& progress,
                  const Provenance& provenance);

}  // namespace cvm::interp::fit
