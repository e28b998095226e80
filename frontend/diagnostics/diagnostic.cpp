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

/// Optimal string alignment distance: insertions, deletions, substitutions and swaps of
/// two adjacent letters each count one; case is ignored.
static size_t edit_distance(const std::string& a, const std::string& b) {
  auto lower = [](char c) { return std::tolower(static_cast<unsigned char>(c)); };
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t cost = lower(a[i - 1]) == lower(b[j - 1]) ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && lower(a[i - 1]) == lower(b[j - 2]) && lower(a[i - 2]) == lower(b[j - 1])) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[a.size()][b.size()];
}

std::string closest_name(const std::string& name, const std::vector<std::string>& candidates) {
  // Names of one or two letters are too short for a guess to mean anything.
  if (name.size() <= 2) return {};
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

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& n : names) out += (out.empty() ? "" : ", ") + n;
  return out;
}

std::string did_you_mean(const std::string& name, const std::vector<std::string>& candidates) {
  std::string best = closest_name(name, candidates);
  return best.empty() ? std::string() : "did you mean '" + best + "'?";
}

}  // namespace cvm
