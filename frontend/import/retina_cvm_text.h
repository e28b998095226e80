// Writes a configured convis Retina (convis_retina_config.h) as a .cvm file: `import
// std.convis` and one model with the Retina's layers (opl, bipolar, gang_0_input,
// gang_0_spikes, gang_1_input, gang_1_spikes), their connections and outputs
// (ganglion_spikes_ON, ganglion_spikes_OFF), every configured value as an override with
// its unit, and the kernel sizes convis's kernels take at its resolution (10 px/deg,
// 1000 steps/s). A header comment says where it came from and what convis ignored.
#pragma once

#include <map>
#include <string>

#include "frontend/import/convis_retina_config.h"

namespace cvm {

/// Where an imported model came from, for its header comment.
struct ImportProvenance {
  std::string source_name;  // the XML file as named on the command line
  std::string sha256;       // of its bytes
};

/// The written model, and for each line that holds a value from the file, the attribute
/// it came from (to report a value cvm refuses at its place in the file).
struct RetinaCvmText {
  std::string text;
  std::map<uint32_t, SourceRange> origins;  // 1-based line of `text` -> attribute
};

/// The .cvm text of model `model_name` built from `config`.
RetinaCvmText retina_cvm_text(const ConvisRetinaConfig& config, const std::string& model_name,
                              const ImportProvenance& provenance);

}  // namespace cvm
