// One line typed into `cvm repl`, parsed into a command: a `:name args` command, a view
// of a tree (`p`, `p.PATH`, `p._all`, `p._search.TEXT`, `m`, `m.PATH`, `s`, `s.PATH`, a
// bare PATH), or a setting (`PATH = VALUE`). Parsing knows nothing of the model: whether
// a path exists is decided when the command runs.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <vector>

namespace cvm::repl {

/// The trees a view shows.
enum class Tree { Params, Layers, States };

/// What a view of the parameter tree shows.
enum class ParamsView {
  Tree,    // `p`, `p.PATH`, a bare PATH
  All,     // `p._all`, `p._all.FLAT_NAME`
  Search,  // `p._search.TEXT`
};

struct Command {
  enum class Kind {
    Empty,  // an empty line or a comment (# ...)
    Help, Load, Reload, Models, Use,
    View,   // p/m/s views, bare paths and :describe
    Set,    // PATH = VALUE
    Run, Save, Push, Pop, Reset, Fit, Export, Impulse, Plot, Quit,
  };
  Kind kind = Kind::Empty;
  std::vector<std::string> args;  // Help, Load, Use, Save, Fit, Export, Plot: the words after the name

  // View: which tree, and the path in it ("" for the whole tree).
  Tree tree = Tree::Params;
  ParamsView params_view = ParamsView::Tree;
  std::string path;          // View, Set: a dotted path (Search: the text searched)
  bool describe = false;     // `:describe PATH`: a layer path describes the layer

  // Set: the value text; Run: the stimulus or the input files.
  std::string text;
  size_t text_offset = 0;    // where `text` starts in the line (diagnostics point there)
  size_t path_offset = 0;    // Set: where the path starts in the line

  // Run, Impulse.
  int64_t chunk = 0;  // 0: the default
  // Impulse.
  std::array<int64_t, 3> impulse_size{500, 10, 10};
  int64_t impulse_at = 0;
  std::string plot;   // Impulse: OUT.png or OUT.svg, or ""
};

/// Parses one line; throws CommandError for a line that is no command.
Command parse_command(const std::string& line);

/// Whether `text` is a dotted path of names (`lowpass.tau`, `conv`).
bool is_path(const std::string& text);

/// The words of `text` split at white space; "double quotes" keep spaces in a word.
std::vector<std::string> split_words(const std::string& text);

}  // namespace cvm::repl
