// Prints diagnostics as `FILE:LINE:COL: error: MESSAGE [CODE]`, the source line, carets
// under the range, then notes and help. The single place that formats diagnostics.
#pragma once

#include <ostream>

#include "frontend/diagnostics/diagnostic.h"

namespace cvm {

void render_diagnostic(std::ostream& out, const SourceManager& sources, const Diagnostic& d);
/// Renders every diagnostic, then a summary line when there were errors.
void render_all(std::ostream& out, const SourceManager& sources, const DiagnosticSink& sink);

}  // namespace cvm
