// The HDF5 file of a model's outputs, as `cvm run` and `cvm impulse` write it: root
// attributes saying what produced it (cvm_version, model, source_sha256, seed,
// steps_per_second, pixels_per_degree) and one float32 stream per output,
// /outputs/<name> [batch, channel, time, x, y], with its unit and resolution.
#pragma once

#include <cstdint>
#include <string>

#include "frontend/graph/model_graph.h"
#include "interpreter/io/hdf5_file.h"
#include "interpreter/runtime/layer.h"

namespace cvm::interp {

/// Creates `path` (under a temporary name until commit()) with the root attributes.
io::Hdf5OutputFile create_run_output(const std::string& path, const graph::ModelGraph& g, uint64_t seed);

/// Adds the stream /outputs/<name> for chunks shaped like `first_chunk`, with its
/// attributes; append the chunks with Hdf5OutputFile::append.
void add_output_stream(io::Hdf5OutputFile& out, const std::string& name, const at::Tensor& first_chunk,
                       const Resolution& resolution);

}  // namespace cvm::interp
