// SHA-256 of a model's source file, recorded in every output (provenance), and of a
// text (a fit's settings, to recognise its checkpoints).
#pragma once

#include <string>

namespace cvm::interp {

/// Lower-case hex SHA-256 of a file's bytes (OpenSSL); "" when it cannot be read.
std::string file_sha256(const std::string& path);

/// Lower-case hex SHA-256 of a text's bytes.
std::string text_sha256(const std::string& text);

}  // namespace cvm::interp
