// Diagnostics about a part of a command line, shown in the line itself. The frontend
// checks a setting's value or a stimulus call as a pseudo file of its own (`<--set>`,
// `<--stimulus>`); the REPL re-points those diagnostics into the whole line as typed, named
// `<repl>` (or `<stdin>` in a script, with the script's line number), so the carets sit
// under the mistake: `<stdin>:7:15: error: 'lowpass.tau' must be a time, found a length`.
#pragma once

#include <ostream>
#include <string>

#include "frontend/semantic/compile.h"

namespace cvm::repl {

/// Where a command line came from.
struct LinePlace {
  std::string name = "<repl>";  // "<repl>" interactively, "<stdin>" for a script
  size_t line = 1;              // line number in the script
};

/// Prints the diagnostics of `checked`, a compilation that checked parts of `line` as
/// pseudo files, pointing into `line`.
void render_in_line(std::ostream& out, Compilation& checked, const std::string& line, const LinePlace& place);

}  // namespace cvm::repl
