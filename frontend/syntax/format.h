// `cvm fmt`: a .cvm file in its one canonical layout (docs/formatting.md). Comments and doc
// comments are kept, line breaks are the author's (only runs of blank lines shrink), and
// the result reads back as the same syntax tree; formatting formatted text changes nothing.
#pragma once

#include <optional>
#include <string>

#include "frontend/diagnostics/diagnostic.h"

namespace cvm {

/// The file's text in the canonical layout, or nullopt after reporting into `sink` why it
/// does not parse (a file that does not parse is never formatted).
std::optional<std::string> format_file(const SourceManager& sources, FileId file, DiagnosticSink& sink);

}  // namespace cvm
