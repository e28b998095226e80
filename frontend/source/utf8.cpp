#include "frontend/source/utf8.h"

namespace cvm {

std::optional<uint32_t> first_invalid_utf8(const std::string& s) {
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == 0) return static_cast<uint32_t>(i);
    size_t len = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 0;
    if (len == 0 || i + len > n) return static_cast<uint32_t>(i);
    for (size_t k = 1; k < len; ++k) {
      if ((static_cast<unsigned char>(s[i + k]) & 0xC0) != 0x80) return static_cast<uint32_t>(i);
    }
    if (len == 2 && c < 0xC2) return static_cast<uint32_t>(i);  // overlong
    i += len;
  }
  return std::nullopt;
}

}  // namespace cvm
