// Parameter tensors of a run: built from the graph's values and initialisers, then
// optionally replaced from a parameter file (convis's .npz or an HDF5 bundle), and
// exported in the same formats. Numbers are stored in base units (s, deg, Hz), as convis
// stores them; a tied parameter shares its target's tensor.
//
// A derived tensor is one whose initialiser names other parameters
// (`weight = gaussian(sigma = sigma_center)`), like convis's VirtualParameters: it is built
// after them and rebuilt when they are set or loaded, unless a parameter file gives the
// tensor itself, which then wins. A derived scalar (`param center_E_tau: time = tau_center`,
// `param density: real = density(sigma = sigma_center)`) is handled the same way.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "frontend/graph/model_graph.h"

namespace cvm::io {
class Hdf5OutputFile;
}

namespace cvm::interp {

/// The tensor of one parameter that is not tied: its number, or its initialiser applied to
/// its shape. Parameters an initialiser names are read from `values` (graph order).
at::Tensor materialise_param(const graph::Parameter& p, const graph::ModelGraph& g, const std::string& model_dir,
                             const std::vector<at::Tensor>& values);

/// One tensor per graph parameter (same order). `model_dir` resolves relative file names
/// in `load(...)` initialisers.
std::vector<at::Tensor> materialise_params(const graph::ModelGraph& g, const std::string& model_dir);

/// Replaces values from P.npz, P.h5 (datasets in /params) or P.h5:/group, by convis's flat
/// names. Unknown names, missing names and shape mismatches are errors that list them; a
/// derived tensor may be missing (it is rebuilt). Returns the flat names the file gave.
std::set<std::string> load_param_file(const std::string& spec, const graph::ModelGraph& g,
                                      std::vector<at::Tensor>& values);

/// Rebuilds, in place, every derived tensor whose flat name is not in `given`.
void rebuild_derived(const graph::ModelGraph& g, const std::string& model_dir, std::vector<at::Tensor>& values,
                     const std::set<std::string>& given = {});

/// Writes every parameter that is not tied to another as /params/<flat_name> of `out`,
/// with unit, doc, path, bounds, prior and fixed attributes.
void write_param_datasets(io::Hdf5OutputFile& out, const graph::ModelGraph& g, const std::vector<at::Tensor>& values);

/// Writes every parameter that is not tied to another: .npz (convis's load_parameters
/// format) or .h5 (write_param_datasets, and the model's name).
void export_params(const std::string& path, const graph::ModelGraph& g, const std::vector<at::Tensor>& values);

}  // namespace cvm::interp
