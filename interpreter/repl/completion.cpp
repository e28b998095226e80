#include "interpreter/repl/completion.h"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <set>

#include "frontend/semantic/builtins.h"
#include "frontend/units/unit.h"
#include "interpreter/repl/command_table.h"
#include "interpreter/repl/session.h"

namespace cvm::repl {
namespace {

bool starts_with(const std::string& s, const std::string& prefix) { return s.compare(0, prefix.size(), prefix) == 0; }

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

std::vector<std::string> words_of(const std::string& text) {
  std::vector<std::string> words;
  std::string w;
  for (char c : text) {
    if (c == ' ' || c == '\t') {
      if (!w.empty()) words.push_back(w);
      w.clear();
    } else {
      w += c;
    }
  }
  if (!w.empty()) words.push_back(w);
  return words;
}

bool is_number(const std::string& w) {
  if (w.empty()) return false;
  char* end = nullptr;
  std::strtod(w.c_str(), &end);
  return end == w.c_str() + w.size();
}

/// The candidates among `words` that start with `word`, sorted and unique.
std::vector<std::string> matching(const std::string& word, const std::vector<std::string>& words) {
  std::set<std::string> out;
  for (const auto& w : words) {
    if (starts_with(w, word)) out.insert(w);
  }
  return {out.begin(), out.end()};
}

/// Dotted names completed one part at a time: for `lowpass.t` and the name
/// `lowpass.tau` the candidate is `lowpass.tau`; for `low` it is the group `lowpass.`.
std::vector<std::string> next_parts(const std::string& word, const std::vector<std::string>& names) {
  std::vector<std::string> parts;
  for (const auto& n : names) {
    if (!starts_with(n, word)) continue;
    size_t dot = n.find('.', word.size());
    parts.push_back(dot == std::string::npos ? n : n.substr(0, dot + 1));
  }
  return matching(word, parts);
}

/// Every path a view can name: parameters and layers bare, and the p./m./s. views.
std::vector<std::string> view_names(const Session& s) {
  std::vector<std::string> names = {"p._all", "p._search.", "m", "s", "p"};
  if (!s.has_model()) return names;
  const graph::ModelGraph& g = s.graph();
  std::set<std::string> param_groups;
  for (const auto& p : g.params) {
    names.push_back(p.path);
    names.push_back("p." + p.path);
    names.push_back("p._all." + p.flat_name());
    for (size_t dot = p.path.find('.'); dot != std::string::npos; dot = p.path.find('.', dot + 1)) {
      param_groups.insert(p.path.substr(0, dot));
    }
    size_t last = p.path.rfind('.');
    names.push_back("p._search." + (last == std::string::npos ? p.path : p.path.substr(last + 1)));
  }
  for (const auto& n : g.nodes) {
    if (n.path.empty()) continue;
    if (!param_groups.count(n.path)) names.push_back(n.path);  // a layer without parameters
    names.push_back("m." + n.path);
    for (const auto& st : n.states) names.push_back("s." + n.prefix + st);
  }
  return names;
}

/// File names under the folder part of `word`; folders end with '/'; files keep only the
/// given extensions (all when there are none).
std::vector<std::string> file_names(const std::string& word, const std::vector<std::string>& extensions) {
  namespace fs = std::filesystem;
  size_t slash = word.rfind('/');
  std::string folder = slash == std::string::npos ? "" : word.substr(0, slash + 1);
  std::string base = slash == std::string::npos ? word : word.substr(slash + 1);
  std::vector<std::string> out;
  std::error_code ec;
  for (fs::directory_iterator it(folder.empty() ? "." : folder, ec), end; !ec && it != end; it.increment(ec)) {
    std::string name = it->path().filename().string();
    if (!starts_with(name, base) || (name[0] == '.' && !starts_with(base, "."))) continue;
    std::error_code type_error;
    if (it->is_directory(type_error)) {
      out.push_back(folder + name + "/");
      continue;
    }
    bool wanted = extensions.empty();
    for (const auto& e : extensions) wanted |= ends_with(name, e);
    if (wanted) out.push_back(folder + name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> command_names(bool with_colon_only) {
  std::vector<std::string> names;
  for (const auto& c : kCommands) {
    std::string n = c.name;
    if (n[0] == ':') names.push_back(n);
    else if (!with_colon_only && n.find(' ') == std::string::npos) names.push_back(n);
  }
  return names;
}

std::vector<std::string> with_suffix(std::vector<std::string> names, const std::string& suffix) {
  for (auto& n : names) n += suffix;
  return names;
}

/// The token that ends `head` before its trailing white space: "30" in "tau = 30 ".
std::string token_before(const std::string& head) {
  size_t end = head.find_last_not_of(" \t");
  if (end == std::string::npos) return "";
  size_t begin = end;
  while (begin > 0 && std::string(" \t=(,[").find(head[begin - 1]) == std::string::npos) --begin;
  return head.substr(begin, end + 1 - begin);
}

/// Inside `:run NAME(...`: the argument names of the stimulus NAME.
std::vector<std::string> stimulus_arguments(const std::string& head) {
  size_t open = head.rfind('(');
  size_t name_end = open;
  while (name_end > 0 && head[name_end - 1] == ' ') --name_end;
  size_t name_start = name_end;
  while (name_start > 0 && (std::isalnum(static_cast<unsigned char>(head[name_start - 1])) || head[name_start - 1] == '_')) {
    --name_start;
  }
  std::vector<std::string> names;
  if (const Builtin* b = find_builtin(head.substr(name_start, name_end - name_start))) {
    for (const auto& a : b->args) names.push_back(a.name);
  }
  return names;
}

}  // namespace

bool is_complete_word(const std::string& candidate) {
  return !candidate.empty() && !ends_with(candidate, ".") && !ends_with(candidate, "/") && !ends_with(candidate, "(");
}

Completion complete(const Session& session, const std::string& before_cursor) {
  Completion c;
  const std::string& line = before_cursor;
  size_t start = line.size();
  while (start > 0 && std::string(" \t=(,[").find(line[start - 1]) == std::string::npos) --start;
  c.start = start;
  const std::string word = line.substr(start);
  const std::string head = line.substr(0, start);
  const std::vector<std::string> before = words_of(head);

  if (before.empty()) {
    c.candidates = word.empty() || word[0] != ':' ? next_parts(word, view_names(session)) : matching(word, command_names(true));
    return c;
  }
  // A unit after a number, wherever values are written (settings and stimulus calls).
  const std::string& command = before.front();
  if ((head.back() == ' ' || head.back() == '\t') && (command[0] != ':' || command == ":run") &&
      is_number(token_before(head))) {
    c.candidates = matching(word, unit_names());
    return c;
  }
  const size_t argument = before.size() - 1;  // index of the word among the command's arguments
  if (command == ":help") {
    c.candidates = matching(word, command_names(false));
  } else if (command == ":load") {
    if (argument == 0) c.candidates = file_names(word, {".cvm"});
  } else if (command == ":use") {
    std::vector<std::string> names;
    for (const auto& m : session.models()) names.push_back(m.name);
    if (argument == 0) c.candidates = matching(word, names);
  } else if (command == ":describe") {
    if (argument == 0) c.candidates = next_parts(word, view_names(session));
  } else if (command == ":save") {
    if (argument == 0) c.candidates = file_names(word, {".h5", ".hdf5"});
  } else if (command == ":export") {
    if (argument == 0) c.candidates = file_names(word, {".h5", ".npz"});
  } else if (command == ":plot") {
    if (argument == 0) c.candidates = file_names(word, {".png", ".svg"});
  } else if (command == ":impulse") {
    c.candidates = before.back() == "plot" ? file_names(word, {".png", ".svg"}) : matching(word, {"at", "chunk", "plot"});
  } else if (command == ":run") {
    size_t open = head.rfind('('), close = head.rfind(')');
    bool in_call = open != std::string::npos && (close == std::string::npos || close < open);
    if (in_call) {
      size_t k = head.find_last_not_of(" \t");
      if (head[k] == '(' || head[k] == ',') c.candidates = matching(word, stimulus_arguments(head));
    } else if (argument == 0) {
      c.candidates = matching(word, with_suffix(builtin_names(BuiltinKind::Stimulus), "("));
      for (const auto& f : file_names(word, {".h5", ".hdf5", ".npy"})) c.candidates.push_back(f);
      std::sort(c.candidates.begin(), c.candidates.end());
    } else {
      c.candidates = matching(word, {"chunk"});
    }
  } else if (command[0] != ':' && head.find('=') != std::string::npos) {
    // The value of a setting: an initialiser for a tensor, true or false.
    std::vector<std::string> values = with_suffix(builtin_names(BuiltinKind::Initialiser), "(");
    values.push_back("true");
    values.push_back("false");
    c.candidates = matching(word, values);
  }
  return c;
}

}  // namespace cvm::repl
