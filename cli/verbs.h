// The verbs of the `cvm` command, one function each (one file each: check_verbs.cpp for
// check and graph, engine_verbs.cpp for params, run and sample, fmt_verb.cpp,
// impulse_verb.cpp for impulse and plot, repl_verb.cpp, fit_verb.cpp,
// import_verb.cpp). Each takes the arguments after
// the verb and returns an exit code; usage mistakes throw UsageError (verb_support.h).
#pragma once

#include <string>
#include <vector>

namespace cvm {

using VerbArgs = std::vector<std::string>;

int cmd_check(const VerbArgs& args);
int cmd_graph(const VerbArgs& args);
int cmd_params(const VerbArgs& args);
int cmd_run(const VerbArgs& args);
int cmd_sample(const VerbArgs& args);
int cmd_fmt(const VerbArgs& args);
int cmd_impulse(const VerbArgs& args);
int cmd_plot(const VerbArgs& args);
int cmd_repl(const VerbArgs& args);
int cmd_fit(const VerbArgs& args);
int cmd_import(const VerbArgs& args);

}  // namespace cvm
