// `--dump-ast`: the syntax tree as indented text, one node a line with its position.
// Golden tests pin this format.
#pragma once

#include <ostream>

#include "frontend/syntax/ast.h"

namespace cvm {

void dump_ast(std::ostream& out, const SourceManager& sources, const ast::File& file);
/// One expression as source-like text: `2 * (tau + 1 ms)`.
std::string expr_text(const ast::Expr& e);

}  // namespace cvm
