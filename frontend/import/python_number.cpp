#include "frontend/import/python_number.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <limits>
#include <string>

namespace cvm {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

std::string_view strip(std::string_view s) {
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

/// Reads a run of digits with single underscores between digits from s[i]; appends the
/// digits to `out`. Returns false when the run is empty or an underscore is misplaced.
bool read_digits(std::string_view s, size_t& i, std::string& out) {
  size_t start = i;
  while (i < s.size() && (is_digit(s[i]) || s[i] == '_')) {
    if (s[i] == '_') {
      bool between = i > start && is_digit(s[i - 1]) && i + 1 < s.size() && is_digit(s[i + 1]);
      if (!between) return false;
    } else {
      out += s[i];
    }
    ++i;
  }
  return i > start;
}

bool equals_lower(std::string_view s, std::string_view word) {
  if (s.size() != word.size()) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != word[i]) return false;
  }
  return true;
}

/// The sign and digits of int(text), or nullopt when Python raises ValueError.
std::optional<std::string> int_digits(std::string_view text) {
  std::string_view s = strip(text);
  std::string digits;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) digits += s[i++];
  if (!read_digits(s, i, digits) || i != s.size()) return std::nullopt;
  return digits;
}

}  // namespace

bool python_int_syntax(std::string_view text) { return int_digits(text).has_value(); }

std::optional<long long> python_int(std::string_view text) {
  std::optional<std::string> digits = int_digits(text);
  if (!digits) return std::nullopt;
  errno = 0;
  char* end = nullptr;
  long long v = std::strtoll(digits->c_str(), &end, 10);
  if (errno == ERANGE) return std::nullopt;
  return v;
}

std::optional<double> python_float(std::string_view text) {
  std::string_view s = strip(text);
  std::string number;
  size_t i = 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) number += s[i++];
  std::string_view rest = s.substr(i);
  double sign = number == "-" ? -1.0 : 1.0;
  if (equals_lower(rest, "inf") || equals_lower(rest, "infinity")) {
    return sign * std::numeric_limits<double>::infinity();
  }
  if (equals_lower(rest, "nan")) return std::numeric_limits<double>::quiet_NaN();
  bool whole = i < s.size() && is_digit(s[i]) && read_digits(s, i, number);
  if (i < s.size() && is_digit(s[i])) return std::nullopt;  // a misplaced underscore stopped the run
  bool fraction = false;
  if (i < s.size() && s[i] == '.') {
    number += s[i++];
    if (i < s.size() && s[i] == '_') return std::nullopt;
    if (i < s.size() && is_digit(s[i])) {
      if (!read_digits(s, i, number)) return std::nullopt;
      fraction = true;
    }
  }
  if (!whole && !fraction) return std::nullopt;
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    number += s[i++];
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) number += s[i++];
    if (!(i < s.size() && is_digit(s[i])) || !read_digits(s, i, number)) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  return std::strtod(number.c_str(), nullptr);  // out of range gives ±inf or 0, as Python does
}

}  // namespace cvm
