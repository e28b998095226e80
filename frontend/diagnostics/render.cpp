#include "frontend/diagnostics/render.h"

#include <algorithm>

#include "frontend/source/utf8.h"

namespace cvm {
namespace {

const char* severity_word(Severity s) {
  switch (s) {
    case Severity::Error: return "error";
    case Severity::Warning: return "warning";
    case Severity::Note: return "note";
  }
  return "error";
}

// Control bytes, and any byte of a line that is not valid UTF-8, are shown as '?' so a
// binary file cannot garble the terminal.
std::string printable(const std::string& s) {
  bool invalid = first_invalid_utf8(s).has_value();
  std::string out = s;
  for (auto& c : out) {
    unsigned char u = static_cast<unsigned char>(c);
    if ((u < 0x20 && c != '\t') || u == 0x7f || (invalid && u >= 0x80)) c = '?';
  }
  return out;
}

void render_location(std::ostream& out, const SourceManager& sources, SourceRange range,
                     Severity severity, const std::string& message, const std::string& code) {
  if (range.valid()) {
    const SourceFile& f = sources.file(range.file);
    LineColumn lc = f.line_column(range.begin);
    out << f.name << ':' << lc.line << ':' << lc.column << ": ";
  } else {
    out << "cvm: ";
  }
  out << severity_word(severity) << ": " << message;
  if (!code.empty()) out << " [" << code << ']';
  out << '\n';
  if (!range.valid()) return;

  const SourceFile& f = sources.file(range.file);
  LineColumn lc = f.line_column(range.begin);
  std::string line = f.line_text(lc.line);
  if (line.size() > 200) return;  // a huge line (minified or binary input) is not shown
  std::string gutter = std::to_string(lc.line);
  std::string pad(gutter.size(), ' ');
  out << ' ' << gutter << " | " << printable(line) << '\n';
  // Carets under the range, clipped to this line; tabs are repeated to keep alignment.
  uint32_t line_start = f.line_starts[lc.line - 1];
  uint32_t begin = range.begin - line_start;
  uint32_t end = std::max(range.end, range.begin + 1) - line_start;
  end = std::min<uint32_t>(end, static_cast<uint32_t>(line.size()));
  if (end <= begin) end = begin + 1;
  std::string marks;
  for (uint32_t i = 0; i < begin && i < line.size(); ++i) {
    if (line[i] == '\t') marks += '\t';
    else if ((static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) marks += ' ';
  }
  for (uint32_t i = begin; i < end; ++i) {
    if (i >= line.size() || (static_cast<unsigned char>(line[i]) & 0xC0) != 0x80) marks += '^';
  }
  out << ' ' << pad << " | " << marks << '\n';
}

}  // namespace

void render_diagnostic(std::ostream& out, const SourceManager& sources, const Diagnostic& d) {
  render_location(out, sources, d.range, d.severity, d.message, d.code);
  for (const auto& n : d.notes) render_location(out, sources, n.range, Severity::Note, n.message, "");
  if (!d.help.empty()) out << "  help: " << d.help << '\n';
}

void render_all(std::ostream& out, const SourceManager& sources, const DiagnosticSink& sink) {
  for (const auto& d : sink.all()) render_diagnostic(out, sources, d);
  size_t errors = sink.error_count();
  if (errors > 0) {
    out << errors << (errors == 1 ? " error" : " errors");
    if (sink.saturated()) out << " (stopped after " << DiagnosticSink::kMaxErrors << ")";
    out << '\n';
  }
}

}  // namespace cvm
