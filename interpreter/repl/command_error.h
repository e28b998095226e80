// The error of a REPL command that is not a model or data error: a mistyped command, a
// missing file or model, an impossible request. Printed as `cvm: error: MESSAGE`; in a
// script it ends the session with exit code 1, interactively the session goes on.
#pragma once

#include <stdexcept>

namespace cvm::repl {

class CommandError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// An error whose diagnostics were already printed (with their source lines).
class ReportedError : public std::runtime_error {
 public:
  ReportedError() : std::runtime_error("reported") {}
};

}  // namespace cvm::repl
