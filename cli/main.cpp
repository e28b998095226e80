// The `cvm` command: reads the verb and hands the rest of the arguments to it (verbs.h).
// Verbs that only read models run the frontend here; verbs that compute load the
// interpreter library at run time (engine_loader.h), so `cvm check` starts without LibTorch.
#include <iostream>

#include "cli/verb_support.h"
#include "cli/verbs.h"
#include "frontend/diagnostics/diagnostic.h"

namespace cvm {
namespace {

const char* kUsage =
    "usage: cvm <verb> [options]\n"
    "\n"
    "verbs:\n"
    "  check   FILE...           check models for errors (names, units, shapes)\n"
    "  fmt     FILE...           format .cvm files in the one canonical layout\n"
    "  graph   FILE              print a model's graph (text, dot or json)\n"
    "  params  FILE              list a model's parameters, or export them\n"
    "  run     FILE              run a model on an input or stimulus, write HDF5\n"
    "  impulse FILE              a model's response to a one-bin impulse, with a plot\n"
    "  plot    OUT.h5            plot outputs, impulse responses, kernels or loss curves\n"
    "  repl    [FILE]            explore a model interactively\n"
    "  fit     FILE              fit a model's parameters to recorded responses\n"
    "  import  virtualretina F   translate a VirtualRetina XML file into a .cvm model\n"
    "  sample                    write synthetic (input, output) data of a random LN model\n"
    "\n"
    "'cvm <verb> --help' describes a verb. Exit codes: 0 ok, 1 error in the model or\n"
    "data, 2 usage error, 3 internal error.\n";

struct Verb {
  const char* name;
  int (*run)(const VerbArgs&);
};

const Verb kVerbs[] = {
    {"check", cmd_check}, {"fmt", cmd_fmt},         {"graph", cmd_graph}, {"params", cmd_params},
    {"run", cmd_run},     {"impulse", cmd_impulse}, {"plot", cmd_plot},   {"repl", cmd_repl},
    {"fit", cmd_fit},     {"import", cmd_import},   {"sample", cmd_sample},
};

int dispatch(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  std::string verb = argv[1];
  VerbArgs args(argv + 2, argv + argc);
  if (verb == "--help" || verb == "-h" || verb == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  if (verb == "--version") {
    std::cout << "cvm " << CVM_VERSION << "\n";
    return kExitOk;
  }
  try {
    std::vector<std::string> names;
    for (const Verb& v : kVerbs) {
      if (verb == v.name) return v.run(args);
      names.push_back(v.name);
    }
    std::cerr << "cvm: unknown verb '" << verb << "'";
    std::string guess = did_you_mean(verb, names);
    if (!guess.empty()) std::cerr << "; " << guess;
    std::cerr << "\n\n" << kUsage;
    return kExitUsage;
  } catch (const UsageError& e) {
    std::cerr << "cvm " << verb << ": " << e.what() << "\n(see 'cvm " << verb << " --help')\n";
    return kExitUsage;
  }
}

}  // namespace
}  // namespace cvm

int main(int argc, char** argv) {
  try {
    return cvm::dispatch(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "cvm: internal error: " << e.what() << "\n";
    return cvm::kExitInternal;
  }
}
