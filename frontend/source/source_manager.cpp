#include "frontend/source/source_manager.h"

#include <algorithm>
#include <fstream>
#include <sstream>

namespace cvm {

LineColumn SourceFile::line_column(uint32_t offset) const {
  auto it = std::upper_bound(line_starts.begin(), line_starts.end(), offset);
  uint32_t line = static_cast<uint32_t>(it - line_starts.begin());  // 1-based
  uint32_t start = line_starts[line - 1];
  // Columns count characters, not bytes: skip UTF-8 continuation bytes.
  uint32_t column = 1;
  for (uint32_t i = start; i < offset && i < text.size(); ++i) {
    if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) ++column;
  }
  return {line, column};
}

std::string SourceFile::line_text(uint32_t line) const {
  if (line == 0 || line > line_starts.size()) return {};
  uint32_t start = line_starts[line - 1];
  uint32_t end = line < line_starts.size() ? line_starts[line] : static_cast<uint32_t>(text.size());
  std::string s = text.substr(start, end - start);
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  return s;
}

FileId SourceManager::add(std::string name, std::string path, std::string text) {
  auto f = std::make_unique<SourceFile>();
  f->name = std::move(name);
  f->path = std::move(path);
  f->text = std::move(text);
  f->line_starts.push_back(0);
  for (size_t i = 0; i < f->text.size(); ++i) {
    if (f->text[i] == '\n') f->line_starts.push_back(static_cast<uint32_t>(i + 1));
  }
  files_.push_back(std::move(f));
  return static_cast<FileId>(files_.size() - 1);
}

std::optional<FileId> SourceManager::load(const std::string& name, const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream ss;
  ss << in.rdbuf();
  if (in.bad()) return std::nullopt;
  return add(name, path, ss.str());
}

std::optional<FileId> SourceManager::find(const std::string& path) const {
  for (size_t i = 0; i < files_.size(); ++i) {
    if (files_[i]->path == path) return static_cast<FileId>(i);
  }
  return std::nullopt;
}

}  // namespace cvm
