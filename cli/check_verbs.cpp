// `cvm check` and `cvm graph`: the verbs that only read models. They run the frontend in
// this process, without loading LibTorch.
#include <iostream>

#include "cli/verb_support.h"
#include "cli/verbs.h"
#include "frontend/diagnostics/render.h"
#include "frontend/graph/graph_print.h"
#include "frontend/semantic/compile.h"
#include "frontend/syntax/ast_dump.h"

namespace cvm {

int cmd_check(const VerbArgs& args) {
  po::options_description visible("options");
  visible.add_options()("help,h", "show this help")
      ("dump-ast", "print the syntax tree of each file")
      ("dump-graph", "print the checked graph of each model that needs no arguments");
  po::variables_map vm;
  if (!parse_options(args, visible, Positional::Files, vm,
             "usage: cvm check FILE... [--dump-ast] [--dump-graph]\n\n"
             "Checks every model and fit block of each file: syntax, imports, names, units,\n"
             "channel counts and kernel ranks. Prints diagnostics to stderr; exit 1 on errors."))
    return kExitOk;
  if (!vm.count("files")) throw UsageError("cvm check needs at least one FILE");
  bool ok = true;
  for (const auto& file : vm["files"].as<std::vector<std::string>>()) {
    Compilation c;
    bool good = check_file(c, file);
    if (vm.count("dump-ast") && c.entry) dump_ast(std::cout, c.sources, c.program.file(*c.entry)->ast);
    if (vm.count("dump-graph") && good) {
      for (const auto& m : c.program.file(*c.entry)->ast.models) {
        if (m.is_primitive) continue;
        Compilation c2;
        if (auto g = compile_model(c2, file, m.name.name)) graph::print_text(std::cout, *g);
      }
    }
    render_all(std::cerr, c.sources, c.sink);
    ok &= good;
  }
  return ok ? kExitOk : kExitModelError;
}

int cmd_graph(const VerbArgs& args) {
  po::options_description visible("options");
  visible.add_options()("help,h", "show this help")
      ("model,m", po::value<std::string>()->default_value(""), "model to print (default: the file's only model)")
      ("format,f", po::value<std::string>()->default_value("text"), "text, dot or json");
  po::variables_map vm;
  if (!parse_options(args, visible, Positional::OneFile, vm,
             "usage: cvm graph FILE [--model M] [--format text|dot|json]\n\n"
             "Prints the checked graph of a model: its inputs, layers (nested models\n"
             "flattened), connections, outputs and parameters."))
    return kExitOk;
  if (!vm.count("file")) throw UsageError("cvm graph needs a FILE");
  std::string format = vm["format"].as<std::string>();
  if (format != "text" && format != "dot" && format != "json") throw UsageError("--format must be text, dot or json");
  Compilation c;
  auto g = compile_model(c, vm["file"].as<std::string>(), vm["model"].as<std::string>());
  render_all(std::cerr, c.sources, c.sink);
  if (!g) return kExitModelError;
  if (format == "dot") graph::print_dot(std::cout, *g);
  else if (format == "json") graph::print_json(std::cout, *g);
  else graph::print_text(std::cout, *g);
  return kExitOk;
}

}  // namespace cvm
