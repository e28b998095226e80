#include "frontend/semantic/program.h"

#include <algorithm>

#include <cstdlib>
#include <filesystem>

#include "frontend/syntax/parse.h"

namespace cvm {
namespace fs = std::filesystem;

namespace {

std::string canonical_or_same(const std::string& path) {
  std::error_code ec;
  auto p = fs::weakly_canonical(fs::path(path), ec);
  return ec ? path : p.string();
}

void read_resolution(const ast::File& f, Resolution& out, DiagnosticSink& sink) {
  for (size_t i = 0; i < f.resolutions.size(); ++i) {
    const auto& r = f.resolutions[i];
    if (i > 0) {
      sink.error("E0302", r.range, "a file has at most one resolution block")
          .notes.push_back({f.resolutions[0].range, "the first one is here"});
      continue;
    }
    for (const auto& s : r.settings) {
      const ast::Expr& e = *s.value;
      double* target = s.name.name == "steps_per_second" ? &out.steps_per_second
                       : s.name.name == "pixels_per_degree" ? &out.pixels_per_degree
                                                             : nullptr;
      if (!target) {
        auto& d = sink.error("E0303", s.name.range, "unknown resolution setting '" + s.name.name + "'");
        d.help = did_you_mean(s.name.name, {"steps_per_second", "pixels_per_degree"});
        continue;
      }
      if (e.kind != ast::ExprKind::Number || !e.unit.empty() || e.number <= 0) {
        sink.error("E0403", e.range, "'" + s.name.name + "' must be a positive plain number");
        continue;
      }
      *target = e.number;
    }
  }
}

}  // namespace

std::string Program::stdlib_dir() {
  if (const char* env = std::getenv("CVM_STDLIB")) return env;
  return CVM_SOURCE_STDLIB_DIR;
}

std::optional<FileId> Program::load(const std::string& path, DiagnosticSink& sink) {
  std::string resolved = canonical_or_same(path);
  if (auto existing = sources_.find(resolved)) return files_.count(*existing) ? existing : std::nullopt;
  std::error_code ec;
  if (fs::is_directory(path, ec)) {
    sink.error("E0001", {}, "'" + path + "' is a directory, not a .cvm file");
    return std::nullopt;
  }
  auto id = sources_.load(path, resolved);
  if (!id) {
    sink.error("E0001", {}, "cannot read '" + path + "': " +
                                (fs::exists(path, ec) ? "permission denied" : "no such file"));
    return std::nullopt;
  }
  return load_file(*id, sink);
}

std::optional<FileId> Program::load_text(const std::string& name, const std::string& text,
                                         DiagnosticSink& sink) {
  FileId id = sources_.add(name, name, text);
  return load_file(id, sink);
}

std::optional<FileId> Program::load_file(FileId id, DiagnosticSink& sink) {
  auto parsed = parse_file(sources_, id, sink);
  if (!parsed) return std::nullopt;
  LoadedFile lf;
  lf.ast = std::move(*parsed);
  std::string lib = canonical_or_same(stdlib_dir());
  lf.is_library = sources_.file(id).path.rfind(lib, 0) == 0;
  read_resolution(lf.ast, lf.resolution, sink);
  files_.emplace(id, std::move(lf));
  loading_.push_back(id);
  load_imports(id, sink);
  loading_.pop_back();
  return id;
}

void Program::load_imports(FileId id, DiagnosticSink& sink) {
  const SourceFile& src = sources_.file(id);
  fs::path dir = fs::path(src.path).parent_path();
  std::vector<FileId> imported;
  for (const auto& imp : files_.at(id).ast.imports) {
    std::string path;
    std::string shown;
    if (imp.is_file) {
      path = (dir / imp.file).lexically_normal().string();
      shown = imp.file;
    } else {
      const auto& parts = imp.module.parts;
      if (parts.size() != 2 || parts[0].name != "std") {
        auto& d = sink.error("E0201", imp.module.range,
                             "unknown library module '" + imp.module.str() + "'");
        d.help = "library modules are named std.<name>, e.g. 'import std.convis'";
        continue;
      }
      path = (fs::path(stdlib_dir()) / (parts[1].name + ".cvm")).string();
      shown = imp.module.str();
    }
    std::string resolved = canonical_or_same(path);
    auto existing = sources_.find(resolved);
    if (existing) {
      for (size_t k = 0; k < loading_.size(); ++k) {
        if (loading_[k] != *existing) continue;
        std::string chain;
        for (size_t j = k; j < loading_.size(); ++j) chain += sources_.file(loading_[j]).name + " -> ";
        chain += sources_.file(*existing).name;
        sink.error("E0202", imp.range, "import cycle: " + chain);
        existing.reset();
        break;
      }
      if (existing && files_.count(*existing)) imported.push_back(*existing);
      continue;
    }
    std::error_code ec;
    if (!fs::is_regular_file(path, ec)) {
      auto& d = sink.error(imp.is_file ? "E0204" : "E0201", imp.range,
                           imp.is_file ? "cannot find imported file '" + shown + "'"
                                       : "unknown library module '" + shown + "'");
      if (imp.is_file) {
        d.help = "looked for " + (fs::path(src.name).parent_path() / imp.file).lexically_normal().string();
      }
      continue;
    }
    std::string name = imp.is_file ? (fs::path(src.name).parent_path() / imp.file).lexically_normal().string()
                                   : shown;
    auto loaded = sources_.load(name, resolved);
    if (!loaded) {
      sink.error("E0204", imp.range, "cannot read imported file '" + shown + "'");
      continue;
    }
    if (auto ok = load_file(*loaded, sink)) imported.push_back(*ok);
  }
  files_.at(id).imports = std::move(imported);
}

const LoadedFile* Program::file(FileId id) const {
  auto it = files_.find(id);
  return it == files_.end() ? nullptr : &it->second;
}

std::map<std::string, DeclRef> Program::visible(FileId id) const {
  std::map<std::string, DeclRef> out;
  const LoadedFile* f = file(id);
  if (!f) return out;
  // A library module is read as one unit: the library files it imports (e.g. std.convis
  // importing "convis/spiking.cvm") are visible to whoever imports the module.
  std::vector<FileId> pending(f->imports.begin(), f->imports.end());
  std::vector<FileId> seen;
  while (!pending.empty()) {
    FileId imp = pending.back();
    pending.pop_back();
    if (std::find(seen.begin(), seen.end(), imp) != seen.end()) continue;
    seen.push_back(imp);
    const LoadedFile* g = file(imp);
    if (!g) continue;
    for (const auto& m : g->ast.models) out.emplace(m.name.name, DeclRef{&m, imp});
    if (g->is_library) {
      for (FileId sub : g->imports) {
        if (const LoadedFile* h = file(sub); h && h->is_library) pending.push_back(sub);
      }
    }
  }
  for (const auto& m : f->ast.models) out[m.name.name] = {&m, id};
  return out;
}

}  // namespace cvm
