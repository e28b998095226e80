// UTF-8 validity: the parser refuses files that are not UTF-8 text, and the diagnostic
// renderer never echoes invalid bytes to a terminal. One definition for both.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cvm {

/// Offset of the first byte that is not valid UTF-8 (or is NUL), if any.
std::optional<uint32_t> first_invalid_utf8(const std::string& s);

}  // namespace cvm
