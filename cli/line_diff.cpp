// The edit script is the longest common subsequence of the lines between the texts' common
// head and tail. When that middle part is too large for the table, it is shown as all
// removed, then all added: a longer diff, still a correct one.
#include "cli/line_diff.h"

#include <algorithm>
#include <cstdint>
#include <vector>

namespace cvm {
namespace {

constexpr size_t kContext = 3;
constexpr size_t kMaxTableCells = size_t{1} << 22;  // 16 MiB of uint32_t

/// Lines with their "\n" (the last one may have none).
std::vector<std::string> split_lines(const std::string& s) {
  std::vector<std::string> out;
  for (size_t start = 0; start < s.size();) {
    size_t end = s.find('\n', start);
    end = end == std::string::npos ? s.size() : end + 1;
    out.push_back(s.substr(start, end - start));
    start = end;
  }
  return out;
}

enum class Op : char { Same = ' ', Remove = '-', Add = '+' };

/// The steps from `a` to `b`: Same moves on in both, Remove in `a`, Add in `b`.
std::vector<Op> edit_script(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  size_t head = 0;
  while (head < a.size() && head < b.size() && a[head] == b[head]) ++head;
  size_t tail = 0;
  while (tail < a.size() - head && tail < b.size() - head &&
         a[a.size() - 1 - tail] == b[b.size() - 1 - tail]) {
    ++tail;
  }
  size_t n = a.size() - head - tail;
  size_t m = b.size() - head - tail;
  std::vector<Op> ops(head, Op::Same);
  size_t i = 0, j = 0;
  if ((n + 1) * (m + 1) <= kMaxTableCells) {
    // common(i, j): length of the longest common subsequence of the middles from i and j on.
    std::vector<uint32_t> table((n + 1) * (m + 1), 0);
    auto common = [&](size_t r, size_t c) -> uint32_t& { return table[r * (m + 1) + c]; };
    for (size_t r = n; r-- > 0;) {
      for (size_t c = m; c-- > 0;) {
        common(r, c) = a[head + r] == b[head + c] ? common(r + 1, c + 1) + 1
                                                  : std::max(common(r + 1, c), common(r, c + 1));
      }
    }
    while (i < n && j < m) {
      if (a[head + i] == b[head + j]) {
        ops.push_back(Op::Same);
        ++i, ++j;
      } else if (common(i + 1, j) >= common(i, j + 1)) {
        ops.push_back(Op::Remove);
        ++i;
      } else {
        ops.push_back(Op::Add);
        ++j;
      }
    }
  }
  ops.insert(ops.end(), n - i, Op::Remove);
  ops.insert(ops.end(), m - j, Op::Add);
  ops.insert(ops.end(), tail, Op::Same);
  return ops;
}

std::string range_text(size_t start, size_t count) {
  // An empty range names the line before it, as diff -u does.
  return std::to_string(count == 0 ? start : start + 1) + "," + std::to_string(count);
}

}  // namespace

std::string unified_diff(const std::string& before, const std::string& after, const std::string& before_name,
                         const std::string& after_name) {
  std::vector<std::string> a = split_lines(before);
  std::vector<std::string> b = split_lines(after);
  std::vector<Op> ops = edit_script(a, b);
  // Line of `a` and of `b` at the start of each step.
  std::vector<size_t> line_a(ops.size() + 1, 0), line_b(ops.size() + 1, 0);
  for (size_t k = 0; k < ops.size(); ++k) {
    line_a[k + 1] = line_a[k] + (ops[k] != Op::Add);
    line_b[k + 1] = line_b[k] + (ops[k] != Op::Remove);
  }

  std::string out;
  for (size_t k = 0; k < ops.size();) {
    while (k < ops.size() && ops[k] == Op::Same) ++k;
    if (k == ops.size()) break;
    size_t start = k > kContext ? k - kContext : 0;
    size_t end = k;
    for (;;) {
      while (end < ops.size() && ops[end] != Op::Same) ++end;
      size_t next = end;
      while (next < ops.size() && ops[next] == Op::Same) ++next;
      if (next == ops.size() || next - end > 2 * kContext) break;
      end = next;
    }
    end = std::min(end + kContext, ops.size());
    out += "@@ -" + range_text(line_a[start], line_a[end] - line_a[start]) + " +" +
           range_text(line_b[start], line_b[end] - line_b[start]) + " @@\n";
    for (size_t s = start; s < end; ++s) {
      const std::string& line = ops[s] == Op::Add ? b[line_b[s]] : a[line_a[s]];
      out += static_cast<char>(ops[s]);
      out += line;
      if (line.empty() || line.back() != '\n') out += "\n\\ No newline at end of file\n";
    }
    k = end;
  }
  if (out.empty()) return out;
  return "--- " + before_name + "\n+++ " + after_name + "\n" + out;
}

}  // namespace cvm
