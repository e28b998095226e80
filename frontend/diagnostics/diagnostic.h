// Diagnostics are data: a stable code, a severity, a source range, a message, notes and a
// help line. Passes report them into a DiagnosticSink and keep going, so one run shows
// many errors; one renderer (render.h) prints them all the same way.
//
// Codes are stable and documented in docs/diagnostics.md; tests match them exactly.
#pragma once

#include <string>
#include <vector>

#include "frontend/source/source_manager.h"

namespace cvm {

enum class Severity { Error, Warning, Note };

/// A secondary location explaining an error ("declared here").
struct DiagnosticNote {
  SourceRange range;  // may be invalid: a note without location
  std::string message;
};

struct Diagnostic {
  Severity severity = Severity::Error;
  std::string code;  // e.g. "E0301"
  SourceRange range;
  std::string message;
  std::vector<DiagnosticNote> notes;
  std::string help;  // e.g. "did you mean 'NLRectify'?"
};

/// Collects diagnostics of one compilation. Stops accepting errors after a limit so a
/// pathological input cannot flood the output.
class DiagnosticSink {
 public:
  static constexpr size_t kMaxErrors = 50;

  Diagnostic& error(std::string code, SourceRange range, std::string message);
  Diagnostic& warning(std::string code, SourceRange range, std::string message);

  const std::vector<Diagnostic>& all() const { return diagnostics_; }
  size_t error_count() const { return errors_; }
  bool has_errors() const { return errors_ > 0; }
  /// True once kMaxErrors errors were reported; later errors are dropped.
  bool saturated() const { return errors_ >= kMaxErrors; }

 private:
  Diagnostic& add(Severity severity, std::string code, SourceRange range, std::string message);
  std::vector<Diagnostic> diagnostics_;
  Diagnostic discarded_;
  size_t errors_ = 0;
};

/// Closest candidate to `name` by edit distance, or "" when none is close enough.
std::string closest_name(const std::string& name, const std::vector<std::string>& candidates);

/// Names separated by ", " (for "its arguments are: ..." lists).
std::string join_names(const std::vector<std::string>& names);

/// "did you mean 'x'?" for the closest candidate, or "" when none is close enough.
std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates);

}  // namespace cvm
