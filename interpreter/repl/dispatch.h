// Runs the lines typed into `cvm repl` (or piped into it): parses each into a command
// (command.h), acts on the session and prints the result to `out`. Errors go to stderr as
// diagnostics (with the source line and carets where there is one) and never end the
// session by themselves: the caller decides (a script stops at the first error).
#pragma once

#include <functional>
#include <ostream>
#include <string>

#include "interpreter/repl/line_diagnostics.h"

namespace cvm::repl {

class Session;

/// What one line led to: its exit code (0, 1 for model and data errors and mistakes, 3 for
/// internal errors), and whether it asked to leave.
struct LineResult {
  int code = 0;
  bool quit = false;
};

/// Runs one line. `stop` is asked between chunks of a run (Ctrl-C).
LineResult execute_line(Session& session, const std::string& line, const LinePlace& place, std::ostream& out,
                        const std::function<bool()>& stop);

/// `:load FILE [MODEL]`, for the FILE given on the command line too.
LineResult load_file(Session& session, const std::string& file, const std::string& model, std::ostream& out);

/// The prompt: `cvm[MODEL]> `, or `cvm> ` without a model.
std::string prompt(const Session& session);

}  // namespace cvm::repl
