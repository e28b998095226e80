// The interactive line editor of `cvm repl`, on libedit (BSD licence): emacs-style
// editing (or what ~/.editrc says), history kept across sessions in a file (loaded at the
// start, each line appended as it is entered), Tab completion through a callback, and
// Ctrl-C as a key that clears the line instead of a signal.
#pragma once

#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "interpreter/repl/completion.h"

namespace cvm::repl {

class LineEditor {
 public:
  using Completer = std::function<Completion(const std::string& before_cursor)>;

  /// `history_file` may be empty: no history is read or written.
  LineEditor(std::string history_file, Completer completer);
  ~LineEditor();
  LineEditor(const LineEditor&) = delete;
  LineEditor& operator=(const LineEditor&) = delete;

  /// Reads one line after `prompt`, without its newline; nullopt at the end of input (Ctrl-D).
  std::optional<std::string> read_line(const std::string& prompt);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cvm::repl
