// Python's int() and float() of a string, as convis applies them to the attribute values
// of a VirtualRetina XML file (they stay strings in its RetinaConfiguration): the import
// has to accept exactly what convis accepts and drop what makes convis raise.
#pragma once

#include <optional>
#include <string_view>

namespace cvm {

/// Whether int(text) in base 10 succeeds: surrounding whitespace, an optional sign,
/// digits with single underscores between them.
bool python_int_syntax(std::string_view text);

/// int(text), or nullopt where Python raises ValueError or where the value does not fit in
/// 64 bits (convis's numpy-to-torch conversion fails on it then).
std::optional<long long> python_int(std::string_view text);

/// float(text): surrounding whitespace, an optional sign, then digits with an optional
/// '.' and exponent (underscores between digits), or inf / infinity / nan in any case.
/// nullopt where Python raises ValueError.
std::optional<double> python_float(std::string_view text);

}  // namespace cvm
