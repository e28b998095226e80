// The canonical layout (docs/formatting.md): lines as the author broke them, indented by
// the brackets open at their start, spaced by the pair of tokens that meet, and the type
// and value columns of consecutive `param` lines aligned.
#include "frontend/syntax/format_layout.h"

#include <algorithm>

namespace cvm {
namespace {

constexpr size_t kBlockIndent = 2;         // per open `{`
constexpr size_t kContinuationIndent = 4;  // a statement's continuation line; the inside of a
                                           // `(` or `[` that ends its line
constexpr size_t kCommentGap = 2;          // between code and a line comment after it
constexpr size_t kMaxValuePad = 10;        // value columns that would need more stay unaligned
constexpr size_t kNone = static_cast<size_t>(-1);

bool is_code(const LayoutToken& t, const char* text) {
  return t.kind == LayoutTokenKind::Code && t.text == text;
}

bool is_closer(const LayoutToken& t) { return is_code(t, ")") || is_code(t, "]") || is_code(t, "}"); }

bool is_line_comment(const LayoutToken& t) {
  return t.kind == LayoutTokenKind::LineComment || t.kind == LayoutTokenKind::DocComment;
}

/// Columns taken by the last line of `s` (code points after its last line break).
size_t width(const std::string& s) {
  size_t start = s.rfind('\n');
  start = start == std::string::npos ? 0 : start + 1;
  size_t n = 0;
  for (size_t i = start; i < s.size(); ++i) {
    if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) ++n;
  }
  return n;
}

/// Spaces between two tokens that meet on one line.
size_t spaces_between(const LayoutToken& a, const LayoutToken& b) {
  if (is_line_comment(b)) return kCommentGap;
  if (is_code(a, "(") || is_code(a, "[")) return 0;
  if (is_code(b, ")") || is_code(b, "]") || is_code(b, ",") || is_code(b, ";")) return 0;
  if (a.kind != LayoutTokenKind::Code || b.kind != LayoutTokenKind::Code) return 1;
  if (a.text == "." || b.text == "." || a.text == "^" || b.text == "^") return 0;
  if (a.role == LayoutRole::Prefix || a.role == LayoutRole::UnitOperator) return 0;
  if (b.role == LayoutRole::UnitOperator || b.role == LayoutRole::HugsLeft) return 0;
  if (b.text == ":") return 0;
  if (a.text == "{" && b.text == "}") return 0;
  return 1;
}

/// One line of the output: tokens [begin, end), as the source broke them.
struct Line {
  size_t begin = 0;
  size_t end = 0;
  bool blank_before = false;
};

/// The source's lines; a run of blank lines becomes one, none at the start of the file,
/// right after `{` or right before `}`.
std::vector<Line> split_lines(const std::vector<LayoutToken>& t) {
  std::vector<Line> lines;
  for (size_t i = 0; i < t.size(); ++i) {
    if (i == 0 || t[i].newlines_before > 0) {
      Line line;
      line.begin = i;
      line.blank_before = i > 0 && t[i].newlines_before > 1 && !is_code(t[i - 1], "{") && !is_code(t[i], "}");
      lines.push_back(line);
    }
    lines.back().end = i + 1;
  }
  return lines;
}

// ------------------------------------------------------------------ parameter columns

/// Start column of token `k` of `line` past the indentation, with the extra spaces `pad`.
size_t column_of(const std::vector<LayoutToken>& t, const Line& line, const std::vector<size_t>& pad, size_t k) {
  size_t c = 0;
  for (size_t i = line.begin; i < k; ++i) {
    c += width(t[i].text) + spaces_between(t[i], t[i + 1]) + pad[i + 1];
  }
  return c;
}

/// A line that starts a parameter and holds nothing that breaks columns (braces, block comments).
bool is_param_line(const std::vector<LayoutToken>& t, const Line& line) {
  if (t[line.begin].role != LayoutRole::ParamKeyword) return false;
  for (size_t i = line.begin; i < line.end; ++i) {
    if (t[i].kind == LayoutTokenKind::BlockComment || is_code(t[i], "{") || is_code(t[i], "}")) return false;
  }
  return true;
}

/// The parameter's type, when its first token follows the `:` on the line.
size_t type_token(const std::vector<LayoutToken>& t, const Line& line) {
  for (size_t i = line.begin; i + 1 < line.end; ++i) {
    if (t[i].role == LayoutRole::ParamColon) return t[i + 1].kind == LayoutTokenKind::Code ? i + 1 : kNone;
  }
  return kNone;
}

/// The parameter's `=`, when it is on the line.
size_t assign_token(const std::vector<LayoutToken>& t, const Line& line) {
  for (size_t i = line.begin + 1; i < line.end; ++i) {
    if (t[i].role == LayoutRole::ParamAssign) return i;
  }
  return kNone;
}

/// Pads the token that `pick` chooses on each line of `run` to the rightmost one's column,
/// unless a line would need more than `max_pad` spaces.
template <typename Pick>
void align(const std::vector<LayoutToken>& t, const std::vector<Line>& run, std::vector<size_t>& pad, Pick pick,
           size_t max_pad) {
  std::vector<std::pair<size_t, size_t>> found;  // token, its column
  size_t target = 0;
  for (const Line& line : run) {
    size_t k = pick(t, line);
    if (k == kNone) continue;
    size_t c = column_of(t, line, pad, k);
    found.emplace_back(k, c);
    target = std::max(target, c);
  }
  for (const auto& [k, c] : found) {
    if (target - c > max_pad) return;
  }
  for (const auto& [k, c] : found) pad[k] += target - c;
}

/// Extra spaces before tokens: in each run of consecutive parameter lines (no blank or
/// other line between), the types start in one column, and the `=` stand in one column
/// unless that would put more than kMaxValuePad extra spaces before one of them.
std::vector<size_t> param_columns(const std::vector<LayoutToken>& t, const std::vector<Line>& lines) {
  std::vector<size_t> pad(t.size(), 0);
  for (size_t first = 0; first < lines.size();) {
    std::vector<Line> run;
    size_t next = first + 1;
    if (is_param_line(t, lines[first])) {
      run.push_back(lines[first]);
      while (next < lines.size() && !lines[next].blank_before && is_param_line(t, lines[next])) {
        run.push_back(lines[next++]);
      }
    }
    if (run.size() > 1) {
      align(t, run, pad, type_token, kNone);
      align(t, run, pad, assign_token, kMaxValuePad);
    }
    first = next;
  }
  return pad;
}

// ------------------------------------------------------------------ indentation

/// Writes the lines, indenting each by the brackets open at its start.
class Printer {
 public:
  Printer(const std::vector<LayoutToken>& t, const std::vector<size_t>& pad) : t_(t), pad_(pad) {
    next_code_.assign(t.size() + 1, kNone);
    for (size_t i = t.size(); i-- > 0;) {
      next_code_[i] = t[i].kind == LayoutTokenKind::Code ? i : next_code_[i + 1];
    }
  }

  void print(const Line& line) {
    size_t indent = indentation(line);
    if (line.blank_before) out_ += '\n';
    std::string text(indent, ' ');
    for (size_t i = line.begin; i < line.end; ++i) {
      const LayoutToken& tok = t_[i];
      if (i > line.begin) text.append(spaces_between(t_[i - 1], tok) + pad_[i], ' ');
      text += tok.text;
      if (tok.kind != LayoutTokenKind::Code) continue;
      if (tok.text == "{") {
        size_t inner = block_indent() + kBlockIndent;
        open_.push_back({true, inner, inner - kBlockIndent});
      } else if (tok.text == "(" || tok.text == "[") {
        bool more_on_line = i + 1 < line.end && !is_line_comment(t_[i + 1]);
        open_.push_back({false, more_on_line ? width(text) : indent + kContinuationIndent, indent});
      } else if (is_closer(tok) && !open_.empty()) {
        open_.pop_back();
      }
    }
    out_ += text;
    out_ += '\n';
  }

  std::string take() { return std::move(out_); }

 private:
  /// An open bracket: the indentation of the lines inside it and of the line it closes on.
  struct Open {
    bool brace;
    size_t inner;
    size_t outer;
  };

  size_t block_indent() const {
    for (auto it = open_.rbegin(); it != open_.rend(); ++it) {
      if (it->brace) return it->inner;
    }
    return 0;
  }

  size_t indentation(const Line& line) const {
    const LayoutToken& first = t_[line.begin];
    if (is_closer(first) && !open_.empty()) return open_.back().outer;
    if (!open_.empty() && !open_.back().brace) return open_.back().inner;
    // In a block (or at the top): an item, a comment before one, a brace or a closing
    // brace stand at the block's indentation; the rest continues the item above.
    size_t block = block_indent();
    size_t code = next_code_[line.begin];
    if (code == kNone || t_[code].starts_item || is_code(t_[code], "{") || is_code(t_[code], "}")) return block;
    return block + kContinuationIndent;
  }

  const std::vector<LayoutToken>& t_;
  const std::vector<size_t>& pad_;
  std::vector<size_t> next_code_;  // index of the first code token at or after each token
  std::vector<Open> open_;
  std::string out_;
};

}  // namespace

std::string lay_out(const std::vector<LayoutToken>& tokens) {
  std::vector<Line> lines = split_lines(tokens);
  std::vector<size_t> pad = param_columns(tokens, lines);
  Printer printer(tokens, pad);
  for (const Line& line : lines) printer.print(line);
  return printer.take();
}

}  // namespace cvm
