// The units of a parameter file: an HDF5 parameter file (a bundle from `cvm fit` or
// `cvm params --export`) records each parameter's unit, and loading it into a model whose
// parameter has another unit would read the numbers in the wrong unit. convis's .npz files
// carry no units and are not checked.
#pragma once

#include <string>

#include "frontend/graph/model_graph.h"

namespace cvm::interp {

/// Throws io::DataError listing every parameter whose `unit` attribute in the file (P.h5,
/// or P.h5:/group; default group /params) differs from the model's. Datasets without the
/// attribute are not checked.
void check_param_file_units(const std::string& spec, const graph::ModelGraph& g);

}  // namespace cvm::interp
