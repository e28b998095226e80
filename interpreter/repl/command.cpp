#include "interpreter/repl/command.h"

#include <cctype>
#include <map>

#include "frontend/diagnostics/diagnostic.h"
#include "interpreter/repl/command_error.h"
#include "interpreter/repl/command_table.h"

namespace cvm::repl {
namespace {

bool is_name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool is_name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

int64_t positive_integer(const std::string& text, const std::string& what) {
  bool digits = !text.empty() && text.size() < 16;
  for (char c : text) digits &= std::isdigit(static_cast<unsigned char>(c)) != 0;
  int64_t v = digits ? std::stoll(text) : 0;
  if (v < 1) throw CommandError(what + " takes a positive whole number; found '" + text + "'");
  return v;
}

void expect_args(const Command& c, const std::string& name, size_t least, size_t most, const std::string& usage) {
  if (c.args.size() < least || c.args.size() > most) {
    throw CommandError(most == 0 ? name + " takes no arguments" : "usage: " + name + " " + usage);
  }
}

/// `:run STIMULUS [chunk N]`: the text to run and the chunk size.
void parse_run(Command& c, const std::string& line, size_t rest) {
  std::string body = line.substr(rest);
  // A trailing `chunk N`, outside the stimulus call's parentheses.
  auto words = split_words(body);
  if (words.size() >= 2 && words[words.size() - 2] == "chunk") {
    c.chunk = positive_integer(words.back(), "chunk");
    size_t at = body.rfind("chunk");
    body = body.substr(0, at);
  }
  size_t lead = body.find_first_not_of(" \t");
  if (lead == std::string::npos) throw CommandError(":run needs a stimulus or a file, e.g. :run moving_grating(t = 200, x = 20, y = 20)");
  c.text_offset = rest + lead;
  c.text = trim(body);
}

/// `:impulse [T,X,Y] [at N] [chunk N] [plot OUT]`.
void parse_impulse(Command& c) {
  for (size_t i = 0; i < c.args.size(); ++i) {
    const std::string& w = c.args[i];
    auto value = [&](const std::string& what) -> const std::string& {
      if (i + 1 >= c.args.size()) throw CommandError(":impulse: '" + what + "' needs a value");
      return c.args[++i];
    };
    if (w == "at") {
      const std::string& v = value("at");
      c.impulse_at = v == "0" ? 0 : positive_integer(v, ":impulse at");
    } else if (w == "chunk") {
      c.chunk = positive_integer(value("chunk"), ":impulse chunk");
    } else if (w == "plot") {
      c.plot = value("plot");
    } else if (i == 0 && w.find(',') != std::string::npos) {
      std::vector<std::string> parts;
      size_t start = 0;
      for (size_t k = 0; k <= w.size(); ++k) {
        if (k == w.size() || w[k] == ',') {
          parts.push_back(w.substr(start, k - start));
          start = k + 1;
        }
      }
      if (parts.size() != 3) throw CommandError(":impulse takes the input's size as T,X,Y, e.g. 200,10,10; found '" + w + "'");
      for (size_t k = 0; k < 3; ++k) c.impulse_size[k] = positive_integer(parts[k], ":impulse size");
    } else {
      throw CommandError(":impulse: unexpected '" + w + "'; usage: :impulse [T,X,Y] [at N] [chunk N] [plot OUT.png]");
    }
  }
  c.args.clear();
}

/// A view: `p`, `p.PATH`, `p._all[.NAME]`, `p._search.TEXT`, `m[.PATH]`, `s[.PATH]` or a bare PATH.
Command parse_view(const std::string& word, bool describe) {
  Command c;
  c.kind = Command::Kind::View;
  c.describe = describe;
  std::string path = word;
  if (word == "p" || word == "m" || word == "s" || word.rfind("p.", 0) == 0 || word.rfind("m.", 0) == 0 ||
      word.rfind("s.", 0) == 0) {
    c.tree = word[0] == 'p' ? Tree::Params : word[0] == 'm' ? Tree::Layers : Tree::States;
    path = word.size() > 1 ? word.substr(2) : "";
  }
  if (c.tree == Tree::Params && (path == "_all" || path.rfind("_all.", 0) == 0)) {
    c.params_view = ParamsView::All;
    path = path.size() > 4 ? path.substr(5) : "";
  } else if (c.tree == Tree::Params && (path == "_search" || path.rfind("_search.", 0) == 0)) {
    c.params_view = ParamsView::Search;
    c.path = path.size() > 7 ? path.substr(8) : "";
    if (c.path.empty()) throw CommandError("p._search.TEXT: give the text to look for, e.g. p._search.tau");
    return c;
  }
  if (!path.empty() && !is_path(path)) {
    throw CommandError("'" + word + "' is no command and no path (:help lists the commands)");
  }
  c.path = path;
  return c;
}

const std::map<std::string, Command::Kind>& command_kinds() {
  static const std::map<std::string, Command::Kind> kinds = {
      {":help", Command::Kind::Help},     {":load", Command::Kind::Load},   {":reload", Command::Kind::Reload},
      {":models", Command::Kind::Models}, {":use", Command::Kind::Use},     {":describe", Command::Kind::View},
      {":run", Command::Kind::Run},       {":save", Command::Kind::Save},   {":push", Command::Kind::Push},
      {":pop", Command::Kind::Pop},       {":reset", Command::Kind::Reset}, {":fit", Command::Kind::Fit},
      {":export", Command::Kind::Export}, {":impulse", Command::Kind::Impulse}, {":plot", Command::Kind::Plot},
      {":quit", Command::Kind::Quit},
  };
  return kinds;
}

}  // namespace

bool is_path(const std::string& text) {
  bool start = true;
  for (char c : text) {
    if (start) {
      if (!is_name_start(c)) return false;
      start = false;
    } else if (c == '.') {
      start = true;
    } else if (!is_name_char(c)) {
      return false;
    }
  }
  return !start;
}

std::vector<std::string> split_words(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false, quoted = false;
  for (char c : text) {
    if (c == '"') {
      quoted = !quoted;
      in_word = true;
    } else if (!quoted && (c == ' ' || c == '\t')) {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else {
      word += c;
      in_word = true;
    }
  }
  if (quoted) throw CommandError("a \" is not closed");
  if (in_word) words.push_back(word);
  return words;
}

Command parse_command(const std::string& line) {
  std::string text = trim(line);
  Command c;
  if (text.empty() || text[0] == '#') return c;
  size_t lead = line.find_first_not_of(" \t");

  if (text[0] == ':') {
    size_t name_end = line.find_first_of(" \t", lead);
    std::string name = line.substr(lead, name_end == std::string::npos ? std::string::npos : name_end - lead);
    auto it = command_kinds().find(name);
    if (it == command_kinds().end()) {
      std::vector<std::string> names;
      for (const auto& k : command_kinds()) names.push_back(k.first);
      std::string hint = did_you_mean(name, names);
      throw CommandError("unknown command '" + name + "'" + (hint.empty() ? "" : "; " + hint) + " (:help lists the commands)");
    }
    c.kind = it->second;
    size_t rest = name_end == std::string::npos ? line.size() : name_end;
    if (c.kind == Command::Kind::Run) {
      parse_run(c, line, rest);
      return c;
    }
    c.args = split_words(line.substr(rest));
    switch (c.kind) {
      case Command::Kind::Help: expect_args(c, name, 0, 1, "[COMMAND]"); break;
      case Command::Kind::Load: expect_args(c, name, 1, 2, "FILE [MODEL]"); break;
      case Command::Kind::Use: expect_args(c, name, 1, 1, "MODEL"); break;
      case Command::Kind::Save: expect_args(c, name, 1, 1, "OUT.h5"); break;
      case Command::Kind::Export: expect_args(c, name, 1, 1, "P.h5 or P.npz"); break;
      case Command::Kind::Plot: expect_args(c, name, 1, 1, "OUT.png or OUT.svg"); break;
      case Command::Kind::Fit: expect_args(c, name, 0, 1, "[NAME]"); break;
      case Command::Kind::Impulse: parse_impulse(c); break;
      case Command::Kind::View: {
        expect_args(c, name, 1, 1, "PATH");
        Command view = parse_view(c.args[0], true);
        return view;
      }
      default: expect_args(c, name, 0, 0, ""); break;
    }
    return c;
  }

  size_t eq = line.find('=');
  if (eq != std::string::npos) {
    std::string path = trim(line.substr(0, eq));
    c.kind = Command::Kind::Set;
    c.path_offset = lead;
    if (path.rfind("p.", 0) == 0) {
      path = path.substr(2);
      c.path_offset += 2;
    } else if (path.rfind("m.", 0) == 0 || path.rfind("s.", 0) == 0) {
      throw CommandError("only parameters can be set ('" + path + "' names a layer or a state)");
    }
    if (!is_path(path)) throw CommandError("'" + trim(line.substr(0, eq)) + "' is not a parameter path; set one with PATH = VALUE");
    c.path = path;
    size_t value_start = line.find_first_not_of(" \t", eq + 1);
    if (value_start == std::string::npos) throw CommandError("'" + path + " =' needs a value, e.g. " + path + " = 2");
    c.text_offset = value_start;
    c.text = trim(line.substr(value_start));
    return c;
  }
  auto words = split_words(text);
  if (words.size() != 1) {
    throw CommandError("'" + text + "' is no command (:help lists the commands; commands start with ':')");
  }
  return parse_view(words[0], false);
}

}  // namespace cvm::repl
