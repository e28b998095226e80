#include "frontend/diagnostics/diagnostic.h"

#include <algorithm>

namespace cvm {

Diagnostic& DiagnosticSink::add(Severity severity, std::string code, SourceRange range,
                                std::string message) {
  // One report per place: a library model instantiated twice must not repeat its errors.
  for (auto& d : diagnostics_) {
    if (d.code == code && d.range.file == range.file && d.range.begin == range.begin &&
        d.message == message) {
      discarded_ = {};
      return discarded_;
    }
  }
  if (severity == Severity::Error) {
    if (saturated()) {
      discarded_ = {};
      return discarded_;
    }
    ++errors_;
  }
  diagnostics_.push_back(Diagnostic{severity, std::move(code), range, std::move(message), {}, {}});
  return diagnostics_.back();
}

Diagnostic& DiagnosticSink::error(std::string code, SourceRange range, std::string message) {
  return add(Severity::Error, std::move(code), range, std::move(message));
}

Diagnostic& DiagnosticSink::warning(std::string code, SourceRange range, std::string message) {
  return add(Severity::Warning, std::move(code), range, std::move(message));
}

static size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diag = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      bool same = std::tolower(static_cast<unsigned char>(a[i - 1])) ==
                  std::tolower(static_cast<unsigned char>(b[j - 1]));
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diag + (same ? 0 : 1)});
      diag = up;
    }
  }
  return row[b.size()];
}

std::string closest_name(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best;
  size_t best_distance = std::max<size_t>(1, name.size() / 3) + 1;
  for (const auto& c : candidates) {
    if (c == name) continue;
    size_t d = edit_distance(name, c);
    if (d < best_distance) {
      best_distance = d;
      best = c;
    }
  }
  return best;
}

std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best = closest_name(name, candidates);
  return best.empty() ? std::string() : "did you mean '" + best + "'?";
}

}  // namespace cvm
