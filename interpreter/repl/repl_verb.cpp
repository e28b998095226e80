// `cvm repl`: a session on a model. On a terminal: a prompt, line editing, history and
// completion, Ctrl-C stopping a run and not the session, errors never ending it. Else a
// script read from stdin: no prompt, results on stdout, and the first error ends it
// (exit 1, or 3 for an internal error).
#include <iostream>

#include "interpreter/repl/completion.h"
#include "interpreter/repl/dispatch.h"
#include "interpreter/runtime/interrupt.h"
#include "interpreter/repl/line_editor.h"
#include "interpreter/repl/session.h"

namespace cvm::repl {
namespace {

int run_script(Session& session, const ReplRequest& r) {
  if (!r.file.empty()) {
    if (LineResult loaded = load_file(session, r.file, r.model, std::cout); loaded.code != kExitOk) return loaded.code;
  }
  LinePlace place{"<stdin>", 0};
  for (std::string line; std::getline(std::cin, line);) {
    ++place.line;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    LineResult result = execute_line(session, line, place, std::cout, [] { return false; });
    if (result.code != kExitOk) return result.code;
    if (result.quit) break;
  }
  return kExitOk;
}

int run_interactive(Session& session, const ReplRequest& r) {
  std::cout << "cvm repl " << CVM_VERSION << ": :help lists the commands, Tab completes, :quit or Ctrl-D leaves\n";
  if (!r.file.empty()) load_file(session, r.file, r.model, std::cout);
  interp::SigintFlag sigint;
  LineEditor editor(r.history_file, [&](const std::string& before_cursor) { return complete(session, before_cursor); });
  while (auto line = editor.read_line(prompt(session))) {
    interp::SigintFlag::clear();
    LineResult result = execute_line(session, *line, LinePlace{"<repl>", 1}, std::cout, [] { return interp::SigintFlag::raised(); });
    if (result.quit) return kExitOk;
  }
  std::cout << "\n";  // Ctrl-D leaves the cursor after the prompt
  return kExitOk;
}

int repl(const ReplRequest& r) {
  if (r.device == "cuda" && !at::hasCUDA()) {
    std::cerr << "cvm: error: --device cuda: this LibTorch has no CUDA support (or no GPU is present); use --device cpu\n";
    return kExitModelError;
  }
  Session session(r.threads, r.device);
  return r.interactive ? run_interactive(session, r) : run_script(session, r);
}

}  // namespace
}  // namespace cvm::repl

extern "C" int cvm_engine_repl(const cvm::ReplRequest* request) { return cvm::repl::repl(*request); }
