#include "interpreter/runtime/file_hash.h"

#include <openssl/evp.h>

#include <fstream>
#include <memory>

#include "frontend/import/sha256.h"

namespace cvm::interp {
namespace {

using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

DigestContext start_digest() {
  DigestContext ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  EVP_DigestInit_ex(ctx.get(), EVP_sha256(), nullptr);
  return ctx;
}

std::string finish_digest(EVP_MD_CTX* ctx) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_DigestFinal_ex(ctx, digest, &len);
  return digest_hex(digest, len);
}

}  // namespace

std::string file_sha256(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  DigestContext ctx = start_digest();
  char buf[65536];
  while (in) {
    in.read(buf, sizeof buf);
    EVP_DigestUpdate(ctx.get(), buf, static_cast<size_t>(in.gcount()));
  }
  return finish_digest(ctx.get());
}

std::string text_sha256(const std::string& text) {
  DigestContext ctx = start_digest();
  EVP_DigestUpdate(ctx.get(), text.data(), text.size());
  return finish_digest(ctx.get());
}

}  // namespace cvm::interp
