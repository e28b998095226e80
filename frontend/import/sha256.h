// SHA-256 of a byte string, for the provenance line of an imported model (OpenSSL's
// implementation; the frontend links libcrypto, never LibTorch), and the hex spelling of a
// digest (also used by the interpreter's file hashes).
#pragma once

#include <string>

namespace cvm {

/// Lower-case hex SHA-256 of `bytes`.
std::string sha256_hex(const std::string& bytes);

/// `length` digest bytes as lower-case hex (two digits a byte).
std::string digest_hex(const unsigned char* digest, unsigned int length);

}  // namespace cvm
