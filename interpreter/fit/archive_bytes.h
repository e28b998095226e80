// A LibTorch serialize archive as bytes and back: how a checkpoint keeps the optimizer's
// state and the layers' states (each an archive) in HDF5 datasets of bytes.
#pragma once

#include <cstdint>
#include <vector>

#include <torch/serialize/input-archive.h>
#include <torch/serialize/output-archive.h>

namespace cvm::interp::fit {

/// The bytes `archive` saves.
inline std::vector<uint8_t> archive_bytes(torch::serialize::OutputArchive& archive) {
  std::vector<uint8_t> bytes;
  archive.save_to([&](const void* data, size_t size) {
    const auto* p = static_cast<const uint8_t*>(data);
    bytes.insert(bytes.end(), p, p + size);
    return size;
  });
  return bytes;
}

/// Loads `archive` from bytes archive_bytes gave.
inline void load_archive(torch::serialize::InputArchive& archive, const std::vector<uint8_t>& bytes) {
  archive.load_from(reinterpret_cast<const char*>(bytes.data()), bytes.size());
}

}  // namespace cvm::interp::fit
