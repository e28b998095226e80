#include "frontend/import/number_text.h"

#include <charconv>
#include <cmath>

namespace cvm {

std::string number_text(double value, bool integer) {
  if (value == 0) return "0";  // also -0
  if (integer) return std::to_string(static_cast<long long>(value));
  char buffer[64];
  double magnitude = std::fabs(value);
  auto format = magnitude >= 1e-5 && magnitude < 1e15 ? std::chars_format::fixed : std::chars_format::scientific;
  auto result = std::to_chars(buffer, buffer + sizeof buffer, value, format);
  return std::string(buffer, result.ptr);
}

}  // namespace cvm
