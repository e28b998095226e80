// Printable forms of the checked model graph: the text of `--dump-graph`, and the
// `cvm graph --format dot|json` outputs.
#pragma once

#include <ostream>

#include "frontend/graph/model_graph.h"

namespace cvm::graph {

void print_text(std::ostream& out, const ModelGraph& g);
void print_dot(std::ostream& out, const ModelGraph& g);
void print_json(std::ostream& out, const ModelGraph& g);
/// Quotes and escapes a string for JSON.
std::string json_string(const std::string& s);

}  // namespace cvm::graph
