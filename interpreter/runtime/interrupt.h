// Ctrl-C during long work: while a SigintFlag lives, SIGINT only raises a flag that
// long commands look at between chunks, so Ctrl-C stops a REPL :run and not the session,
// and stops a fit after its current step with a checkpoint written. The previous handler is restored when it goes. (At the prompt the line editor
// reads Ctrl-C as a key that clears the line.)
#pragma once

#include <csignal>

namespace cvm::interp {

class SigintFlag {
 public:
  SigintFlag();
  ~SigintFlag();
  SigintFlag(const SigintFlag&) = delete;
  SigintFlag& operator=(const SigintFlag&) = delete;

  /// Whether Ctrl-C was pressed since the last clear().
  static bool raised();
  static void clear();

 private:
  struct sigaction previous_;
};

}  // namespace cvm::interp
