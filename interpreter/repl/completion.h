// Tab completion in `cvm repl`: the words that may complete the one before the cursor,
// from what the line says so far: commands after ':', parameter, layer and state paths
// (bare and as p./m./s. views, p._all flat names, p._search.), unit names after a number,
// stimulus names and their arguments after :run, initialisers in a setting, model names
// after :use, and file names after :load, :save, :export, :plot and :run.
//
// Paths complete one part at a time, like convis's attribute completion in a notebook:
// `low` gives `lowpass.`, then `lowpass.t` gives `lowpass.tau`.
#pragma once

#include <string>
#include <vector>

namespace cvm::repl {

class Session;

struct Completion {
  size_t start = 0;                     // where the word being completed starts
  std::vector<std::string> candidates;  // sorted; each starts with the word
};

/// The candidates for the word that ends `before_cursor` (the line up to the cursor).
Completion complete(const Session& session, const std::string& before_cursor);

/// Whether a candidate is a whole word (a space may follow it) rather than the start of a
/// longer one (a group `lowpass.`, a folder `data/`, a call `moving_grating(`).
bool is_complete_word(const std::string& candidate);

}  // namespace cvm::repl
