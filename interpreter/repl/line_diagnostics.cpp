#include "interpreter/repl/line_diagnostics.h"

#include <map>

#include "frontend/diagnostics/render.h"

namespace cvm::repl {

void render_in_line(std::ostream& out, Compilation& checked, const std::string& line, const LinePlace& place) {
  // The pseudo files made from parts of the line, and where each part starts in it.
  std::map<FileId, size_t> part_offset;
  const size_t files = checked.sources.size();
  for (size_t id = 0; id < files; ++id) {
    const SourceFile& f = checked.sources.file(static_cast<FileId>(id));
    size_t at = f.text.empty() ? std::string::npos : line.rfind(f.text);
    if (at != std::string::npos && !checked.program.file(static_cast<FileId>(id))) part_offset[static_cast<FileId>(id)] = at;
  }
  // The line as a file of its own, preceded by empty lines so it has its line number.
  const std::string padding(place.line > 0 ? place.line - 1 : 0, '\n');
  const FileId line_file = checked.sources.add(place.name, place.name, padding + line);
  auto move = [&](SourceRange& r) {
    auto it = part_offset.find(r.file);
    if (it == part_offset.end()) return;
    const auto shift = static_cast<uint32_t>(padding.size() + it->second);
    r = {line_file, r.begin + shift, r.end + shift};
  };
  for (Diagnostic d : checked.sink.all()) {
    move(d.range);
    for (auto& n : d.notes) move(n.range);
    render_diagnostic(out, checked.sources, d);
  }
}

}  // namespace cvm::repl
