// Ctrl-C in an interactive session: while a SigintFlag lives, SIGINT only raises a flag
// that long commands (:run) look at between chunks, so Ctrl-C stops the run and not the
// session. The previous handler is restored when it goes. (At the prompt the line editor
// reads Ctrl-C as a key that clears the line.)
#pragma once

#include <csignal>

namespace cvm::repl {

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

}  // namespace cvm::repl
