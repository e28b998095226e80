// SHA-256 of a model's source file, recorded in every output (provenance).
#pragma once

#include <string>

namespace cvm::interp {

/// Lower-case hex SHA-256 of a file's bytes (OpenSSL); "" when it cannot be read.
std::string file_sha256(const std::string& path);

}  // namespace cvm::interp
