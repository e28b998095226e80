// The parse step: .cvm text -> ast::File. With format.cpp, the only code that sees ANTLR; it
// reports syntax errors in the language's own words and builds the AST only from a file
// that parsed cleanly, so later passes never meet a half-built tree.
//
// Inputs that could hurt the parser are refused first with a diagnostic: text that is not
// UTF-8 (binary files), and nesting deeper than kMaxNesting.
#pragma once

#include <optional>

#include "frontend/diagnostics/diagnostic.h"
#include "frontend/syntax/ast.h"

namespace cvm {

/// Deepest nesting of brackets, parentheses, braces or unary signs accepted.
constexpr int kMaxNesting = 200;

/// Parses a whole file. Returns nullopt after reporting errors into `sink`.
std::optional<ast::File> parse_file(const SourceManager& sources, FileId file, DiagnosticSink& sink);

/// Parses a single expression (a `--stimulus` or `--set` value given on the command line).
ast::ExprPtr parse_expression(const SourceManager& sources, FileId file, DiagnosticSink& sink);

}  // namespace cvm
