#include "interpreter/runtime/run_output.h"

#include "interpreter/runtime/file_hash.h"

namespace cvm::interp {

io::Hdf5OutputFile create_run_output(const std::string& path, const graph::ModelGraph& g, uint64_t seed) {
  io::Hdf5OutputFile out(path);
  out.set_attribute("/", "cvm_version", std::string(CVM_VERSION));
  out.set_attribute("/", "model", g.model);
  out.set_attribute("/", "source_sha256", file_sha256(g.source_file));
  out.set_attribute("/", "seed", static_cast<int64_t>(seed));
  out.set_attribute("/", "steps_per_second", g.resolution.steps_per_second);
  out.set_attribute("/", "pixels_per_degree", g.resolution.pixels_per_degree);
  return out;
}

void add_output_stream(io::Hdf5OutputFile& out, const std::string& name, const at::Tensor& first_chunk,
                       const Resolution& resolution) {
  const at::Tensor& o = first_chunk;
  out.add_stream(name, {o.size(0), o.size(1), o.size(3), o.size(4)});
  // Signals are dimensionless in std.convis (rates and spikes get units with the retina).
  out.set_attribute("/outputs/" + name, "unit", std::string("1"));
  out.set_attribute("/outputs/" + name, "steps_per_second", resolution.steps_per_second);
  out.set_attribute("/outputs/" + name, "pixels_per_degree", resolution.pixels_per_degree);
}

}  // namespace cvm::interp
