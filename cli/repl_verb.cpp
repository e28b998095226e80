// `cvm repl`: an interactive session on a model (a script when stdin is not a terminal).
// Checks the options and hands a request to the interpreter library, which runs the
// session (interpreter/repl/).
#include <unistd.h>

#include <cstdlib>
#include <sstream>

#include "cli/engine_loader.h"
#include "cli/verb_support.h"
#include "cli/verbs.h"
#include "interpreter/repl/command_table.h"

namespace cvm {

namespace {

/// Where the history is kept: $CVM_HISTORY, else ~/.cvm_history ("" when neither is known).
std::string history_file() {
  if (const char* path = std::getenv("CVM_HISTORY"); path && *path) return path;
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cvm_history";
  return "";
}

std::string usage() {
  std::ostringstream out;
  out << "usage: cvm repl [FILE] [--model M] [--threads N] [--device cpu|cuda] [--no-history]\n\n"
         "Explores a model: its parameter, layer and state trees, setting values with units,\n"
         "running stimuli, impulse responses and plots. On a terminal: line editing, Tab\n"
         "completion and a history kept in $CVM_HISTORY (default ~/.cvm_history); Ctrl-C stops\n"
         "a run, Ctrl-D leaves. When stdin is not a terminal, its lines are run as a script: no\n"
         "prompt, results on stdout, and the first error ends it with exit code 1.\n\n"
         "commands:\n";
  for (const auto& c : repl::kCommands) {
    std::string u = c.usage;
    if (u.size() > 36) out << "  " << u << "\n" << std::string(40, ' ') << c.summary << "\n";
    else out << "  " << u << std::string(38 - u.size(), ' ') << c.summary << "\n";
  }
  return out.str();
}

}  // namespace

int cmd_repl(const VerbArgs& args) {
  po::options_description visible("options");
  visible.add_options()("help,h", "show this help")
      ("model,m", po::value<std::string>()->default_value(""), "model to use (default: the file's only model)")
      ("threads", po::value<int>()->default_value(1), "threads for computation")
      ("device", po::value<std::string>()->default_value("cpu"), "cpu or cuda")
      ("no-history", "neither read nor write the history file");
  po::variables_map vm;
  if (!parse_options(args, visible, Positional::OneFile, vm, usage())) return kExitOk;
  ReplRequest r;
  if (vm.count("file")) r.file = vm["file"].as<std::string>();
  r.model = vm["model"].as<std::string>();
  if (!r.model.empty() && r.file.empty()) throw UsageError("--model needs a FILE");
  r.threads = vm["threads"].as<int>();
  if (r.threads < 1) throw UsageError("--threads must be at least 1");
  r.device = vm["device"].as<std::string>();
  if (r.device != "cpu" && r.device != "cuda") throw UsageError("--device must be cpu or cuda");
  r.interactive = isatty(STDIN_FILENO) != 0;
  if (!vm.count("no-history") && r.interactive) r.history_file = history_file();
  return call_engine_repl(r);
}

}  // namespace cvm
