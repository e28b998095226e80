// Loading a program: the entry file, the files it imports (`import "x.cvm"`, relative to
// the importing file) and the library modules (`import std.convis` -> stdlib/convis.cvm),
// each parsed once. Import cycles and missing files are reported at the import.
//
// Declarations a file can use by name: its own and those of the files it imports
// directly. A library module is read as one unit: the library files it imports are visible
// through it too (std.convis is split into stdlib/convis/*.cvm).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "frontend/diagnostics/diagnostic.h"
#include "frontend/syntax/ast.h"
#include "frontend/units/unit.h"

namespace cvm {

/// A model or primitive declaration and the file it is in.
struct DeclRef {
  const ast::ModelDecl* decl = nullptr;
  FileId file = -1;
};

struct LoadedFile {
  ast::File ast;
  std::vector<FileId> imports;  // directly imported files
  Resolution resolution;        // from its `resolution { }` block, or the defaults
  bool is_library = false;
};

class Program {
 public:
  explicit Program(SourceManager& sources) : sources_(sources) {}

  /// Loads a file and, recursively, its imports. Returns the file id, or nullopt when the
  /// file itself could not be read or parsed (errors are in `sink`).
  std::optional<FileId> load(const std::string& path, DiagnosticSink& sink);
  /// Loads text that is not on disk (tests, stdin).
  std::optional<FileId> load_text(const std::string& name, const std::string& text,
                                  DiagnosticSink& sink);

  const LoadedFile* file(FileId id) const;
  /// Declarations visible by name from `file`.
  std::map<std::string, DeclRef> visible(FileId file) const;
  SourceManager& sources() { return sources_; }
  const SourceManager& sources() const { return sources_; }

  /// Folder of the standard library: $CVM_STDLIB if set, else the one cvm was built with.
  static std::string stdlib_dir();

 private:
  std::optional<FileId> load_file(FileId id, DiagnosticSink& sink);
  void load_imports(FileId id, DiagnosticSink& sink);

  SourceManager& sources_;
  std::map<FileId, LoadedFile> files_;
  std::vector<FileId> loading_;  // files whose imports are being loaded (cycle detection)
};

}  // namespace cvm
