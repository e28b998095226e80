#include "interpreter/repl/line_editor.h"

#include <histedit.h>

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <vector>

namespace cvm::repl {
namespace {

constexpr size_t kHistorySize = 1000;

/// The common start of every candidate.
std::string common_prefix(const std::vector<std::string>& words) {
  std::string prefix = words.front();
  for (const auto& w : words) {
    size_t n = 0;
    while (n < prefix.size() && n < w.size() && prefix[n] == w[n]) ++n;
    prefix.resize(n);
  }
  return prefix;
}

/// Prints candidates in columns below the line, each without the part of the word up to
/// its last '.' or '/' (so `p.conv.` lists `weight  bias`).
void list_candidates(const std::vector<std::string>& candidates, const std::string& word) {
  size_t cut = word.find_last_of("./");
  cut = cut == std::string::npos ? 0 : cut + 1;
  std::vector<std::string> shown;
  size_t width = 0;
  for (const auto& c : candidates) {
    shown.push_back(c.substr(std::min(cut, c.size())));
    width = std::max(width, shown.back().size());
  }
  width += 2;
  const size_t per_line = std::max<size_t>(1, 78 / width);
  std::fputc('\n', stdout);
  for (size_t i = 0; i < shown.size(); ++i) {
    bool last_in_row = (i + 1) % per_line == 0 || i + 1 == shown.size();
    std::fprintf(stdout, "%-*s", last_in_row ? 0 : static_cast<int>(width), shown[i].c_str());
    if (last_in_row) std::fputc('\n', stdout);
  }
  std::fflush(stdout);
}

}  // namespace

struct LineEditor::Impl {
  std::string history_file;
  Completer completer;
  std::string prompt;
  std::string last_line;
  EditLine* el = nullptr;
  History* hist = nullptr;

  static Impl* of(EditLine* el) {
    void* data = nullptr;
    el_get(el, EL_CLIENTDATA, &data);
    return static_cast<Impl*>(data);
  }

  static char* prompt_of(EditLine* el) { return const_cast<char*>(of(el)->prompt.c_str()); }

  /// Tab: inserts what all candidates share; lists them when that adds nothing.
  static unsigned char complete(EditLine* el, int) {
    Impl* self = of(el);
    const LineInfo* li = el_line(el);
    const std::string before(li->buffer, static_cast<size_t>(li->cursor - li->buffer));
    Completion c = self->completer(before);
    if (c.candidates.empty()) return CC_REFRESH_BEEP;
    const std::string word = before.substr(c.start);
    std::string common = common_prefix(c.candidates);
    std::string insert = common.size() > word.size() ? common.substr(word.size()) : "";
    if (c.candidates.size() == 1 && is_complete_word(common) && (li->cursor == li->lastchar || *li->cursor != ' ')) {
      insert += ' ';
    }
    if (!insert.empty()) {
      el_insertstr(el, insert.c_str());
      return CC_REFRESH;
    }
    if (c.candidates.size() == 1) return CC_REFRESH;
    list_candidates(c.candidates, word);
    return CC_REDISPLAY;
  }

  /// Ctrl-C at the prompt: abandons the line and shows a fresh prompt.
  static unsigned char interrupt(EditLine* el, int) {
    const LineInfo* li = el_line(el);
    el_cursor(el, static_cast<int>(li->lastchar - li->cursor));
    el_deletestr(el, static_cast<int>(li->lastchar - li->buffer));
    std::fputs("^C\n", stdout);
    std::fflush(stdout);
    return CC_REDISPLAY;
  }

  void load_history() {
    std::ifstream in(history_file);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
      if (!line.empty()) lines.push_back(line);
    }
    if (lines.size() > kHistorySize) {  // keep the file short: rewrite its last lines
      lines.erase(lines.begin(), lines.end() - static_cast<std::ptrdiff_t>(kHistorySize));
      std::ofstream out(history_file, std::ios::trunc);
      for (const auto& l : lines) out << l << '\n';
    }
    HistEvent ev;
    for (const auto& l : lines) ::history(hist, &ev, H_ENTER, l.c_str());
    if (!lines.empty()) last_line = lines.back();
  }

  void remember(std::string line) {
    while (!line.empty() && (line.back() == ' ' || line.back() == '\t')) line.pop_back();  // left by completion
    if (line.empty() || line == last_line) return;
    HistEvent ev;
    ::history(hist, &ev, H_ENTER, line.c_str());
    last_line = line;
    if (!history_file.empty()) std::ofstream(history_file, std::ios::app) << line << '\n';
  }
};

LineEditor::LineEditor(std::string history_file, Completer completer) : impl_(std::make_unique<Impl>()) {
  impl_->history_file = std::move(history_file);
  impl_->completer = std::move(completer);
  impl_->hist = history_init();
  HistEvent ev;
  ::history(impl_->hist, &ev, H_SETSIZE, static_cast<int>(kHistorySize));
  ::history(impl_->hist, &ev, H_SETUNIQUE, 1);
  EditLine* el = el_init("cvm", stdin, stdout, stderr);
  impl_->el = el;
  el_set(el, EL_CLIENTDATA, impl_.get());
  el_set(el, EL_EDITOR, "emacs");
  el_set(el, EL_SIGNAL, 1);  // follows the window's size, restores the terminal on signals
  el_set(el, EL_HIST, history, impl_->hist);
  el_set(el, EL_PROMPT, &Impl::prompt_of);
  el_set(el, EL_ADDFN, "cvm-complete", "complete a command, path, unit or file name", &Impl::complete);
  el_set(el, EL_BIND, "^I", "cvm-complete", nullptr);
  // Ctrl-C is read as a key while editing (no SIGINT), and clears the line.
  el_set(el, EL_SETTY, "-d", "-isig", nullptr);
  el_set(el, EL_ADDFN, "cvm-interrupt", "abandon the line", &Impl::interrupt);
  el_set(el, EL_BIND, "^C", "cvm-interrupt", nullptr);
  el_source(el, nullptr);  // ~/.editrc, e.g. `bind -v` for vi keys
  if (!impl_->history_file.empty()) impl_->load_history();
}

LineEditor::~LineEditor() {
  el_end(impl_->el);
  history_end(impl_->hist);
}

std::optional<std::string> LineEditor::read_line(const std::string& prompt) {
  impl_->prompt = prompt;
  int count = 0;
  const char* text = el_gets(impl_->el, &count);
  if (!text || count <= 0) return std::nullopt;
  std::string line(text, static_cast<size_t>(count));
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  impl_->remember(line);
  return line;
}

}  // namespace cvm::repl
