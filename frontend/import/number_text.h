// Numbers as `cvm import` writes them into .cvm text: the shortest text that reads back as
// the same double (so an imported value is exactly convis's), in plain notation for
// everyday magnitudes and in exponent notation for very small or large ones.
#pragma once

#include <string>

namespace cvm {

/// `value` as .cvm number text; `integer` writes it as an integer (for `int` parameters).
std::string number_text(double value, bool integer = false);

}  // namespace cvm
