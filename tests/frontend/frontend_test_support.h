// Shared helpers for the frontend unit tests: feed source text to the parser, the loader
// and the elaborator, and look at the diagnostics that came out.
#pragma once

#include <memory>
#include <optional>
#include <string>

#include "frontend/diagnostics/diagnostic.h"
#include "frontend/semantic/compile.h"
#include "frontend/semantic/elaborate.h"
#include "frontend/semantic/evaluate.h"
#include "frontend/syntax/parse.h"

namespace cvm::test {

/// Source text parsed on its own (no imports loaded).
struct Parsed {
  SourceManager sources;
  DiagnosticSink sink;
  std::optional<ast::File> file;
};

inline std::unique_ptr<Parsed> parse_text(const std::string& text) {
  auto p = std::make_unique<Parsed>();
  FileId id = p->sources.add("test.cvm", "test.cvm", text);
  p->file = parse_file(p->sources, id, p->sink);
  return p;
}

/// Source text loaded as a program (imports resolved, `import std.convis` works).
inline std::unique_ptr<Compilation> load_text(const std::string& text, const std::string& name = "test.cvm") {
  auto c = std::make_unique<Compilation>();
  c->entry = c->program.load_text(name, text, c->sink);
  return c;
}

inline const ast::ModelDecl* find_model(const Compilation& c, const std::string& name) {
  if (!c.entry) return nullptr;
  const LoadedFile* f = c.program.file(*c.entry);
  if (!f) return nullptr;
  for (const auto& m : f->ast.models) {
    if (m.name.name == name) return &m;
  }
  return nullptr;
}

/// Elaborates model `name` of the loaded text.
inline std::optional<graph::ModelGraph> elaborate_model(Compilation& c, const std::string& name) {
  const ast::ModelDecl* m = find_model(c, name);
  if (!m) return std::nullopt;
  return elaborate(c.program, *c.entry, *c.entry, *m, c.sink);
}

inline bool has_code(const DiagnosticSink& sink, const std::string& code) {
  for (const auto& d : sink.all()) {
    if (d.code == code) return true;
  }
  return false;
}

inline const Diagnostic* first_error(const DiagnosticSink& sink) {
  for (const auto& d : sink.all()) {
    if (d.severity == Severity::Error) return &d;
  }
  return nullptr;
}

/// Every diagnostic as "CODE message | help", one a line, for failure messages.
inline std::string all_messages(const DiagnosticSink& sink) {
  std::string out;
  for (const auto& d : sink.all()) out += d.code + " " + d.message + (d.help.empty() ? "" : " | " + d.help) + "\n";
  return out;
}

/// Evaluates one expression written as text.
struct Evaluated {
  SourceManager sources;
  DiagnosticSink sink;
  std::optional<graph::Value> value;
};

inline std::unique_ptr<Evaluated> eval_text(const std::string& text, const Scope& scope = Scope{}) {
  auto e = std::make_unique<Evaluated>();
  FileId id = e->sources.add("<expr>", "<expr>", text);
  auto expr = parse_expression(e->sources, id, e->sink);
  if (expr) e->value = evaluate(*expr, scope, e->sink);
  return e;
}

inline std::string examples_dir() { return std::string(CVM_TEST_DATA_DIR) + "/../examples"; }

}  // namespace cvm::test
