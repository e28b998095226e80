// Source files and ranges. Every AST node and diagnostic carries a SourceRange: a file id
// and byte offsets, cheap to copy; line and column are computed only when printing.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace cvm {

using FileId = int32_t;

/// Bytes [begin, end) of one source file. A default range (file -1) means "no location".
struct SourceRange {
  FileId file = -1;
  uint32_t begin = 0;
  uint32_t end = 0;
  bool valid() const { return file >= 0; }
};

/// 1-based line and column of a byte offset.
struct LineColumn {
  uint32_t line = 1;
  uint32_t column = 1;
};

/// One loaded file: its name as the user wrote it, its text and its line starts.
struct SourceFile {
  std::string name;  // path as given (printed in diagnostics)
  std::string path;  // path used to open it (resolved), or a pseudo name such as <stdin>
  std::string text;
  std::vector<uint32_t> line_starts;

  LineColumn line_column(uint32_t offset) const;
  /// The text of line `line` (1-based) without its newline.
  std::string line_text(uint32_t line) const;
};

/// Owns every file of a compilation; files are never removed, so ids stay valid.
class SourceManager {
 public:
  /// Adds a file with the given text; returns its id.
  FileId add(std::string name, std::string path, std::string text);
  /// Reads and adds a file from disk; nullopt if it cannot be read.
  std::optional<FileId> load(const std::string& name, const std::string& path);
  const SourceFile& file(FileId id) const { return *files_.at(static_cast<size_t>(id)); }
  /// The id of an already loaded file with this resolved path, if any.
  std::optional<FileId> find(const std::string& path) const;
  size_t size() const { return files_.size(); }

 private:
  std::vector<std::unique_ptr<SourceFile>> files_;
};

}  // namespace cvm
