// SHA-256 of a byte string, for the provenance line of an imported model (OpenSSL's
// implementation; the frontend links libcrypto, never LibTorch).
#pragma once

#include <string>

namespace cvm {

/// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(const std::string& bytes);

}  // namespace cvm
