// Reading a VirtualRetina retina description file (XML) the way convis does: convis's
// RetinaConfiguration.read_xml replaces its configuration with the file's, then
// Retina.parse_config sets every layer parameter whose key the file has; the others keep
// Retina()'s values. The result is a ConvisRetinaConfig (convis_retina_config.h).
//
// Problems are diagnostics at FILE:LINE:COL of the element or attribute: errors (E10xx)
// where convis cannot read the file at all (malformed XML, no <retina>, an
// <outer-plexiform-layer> without <linear-version>); warnings (W10xx) for unknown names
// (with a guess), what convis ignores, values convis drops, and VirtualRetina behaviour
// convis does not have.
#pragma once

#include <optional>

#include "frontend/diagnostics/diagnostic.h"
#include "frontend/import/convis_retina_config.h"

namespace cvm {

/// Options of the import that change the model it builds.
struct VirtualRetinaImportOptions {
  bool crop_pool = false;  // pool ganglion inputs with convis's valid convolution (it crops)
};

/// The Retina configured by file `file` of `sources` (XML text), or nullopt after an error.
/// Warnings and errors go to `sink` in the order of their position in the file.
std::optional<ConvisRetinaConfig> read_virtualretina(const SourceManager& sources, FileId file,
                                                     const VirtualRetinaImportOptions& options,
                                                     DiagnosticSink& sink);

}  // namespace cvm
