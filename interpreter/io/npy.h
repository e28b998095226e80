// NumPy .npy files: parse and encode them in memory, read and write them on disk, and
// stream frames out of a large .npy video without loading it whole.
//
// Reading accepts what numpy commonly writes (little-endian floats, integers and booleans,
// format versions 1.0 to 3.0, C or Fortran order) and converts the values to float32.
// Writing always produces float32 ('<f4'), C order, format version 1.0 when it fits.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <string>

#include "interpreter/io/array.h"
#include "interpreter/io/frame_source.h"

namespace cvm::io {

/// Parses the complete contents of a .npy file. `what` names the data in error messages
/// (a path, or "entry 'x' of 'file.npz'"). Throws DataError for anything unusable.
Array parse_npy(const std::string& bytes, const std::string& what);

/// Reads a .npy file into memory, converting its values to float32.
Array read_npy(const std::string& path);

/// The bytes of a .npy file holding `array` as float32 in C order.
std::string encode_npy(const Array& array);

/// Writes `array` as a float32 .npy file. The file appears only once it is complete.
void write_npy(const std::string& path, const Array& array);

/// Frames of a .npy video of shape [T, X, Y] or [B, C, T, X, Y] (C order), read from disk
/// chunk by chunk: only the requested frames are ever held in memory.
class NpyFrameSource : public FrameSource {
 public:
  /// Opens `path` and checks its header; throws DataError if it is not a usable video.
  explicit NpyFrameSource(const std::string& path);
  ~NpyFrameSource() override;
  NpyFrameSource(const NpyFrameSource&) = delete;
  NpyFrameSource& operator=(const NpyFrameSource&) = delete;

  std::array<int64_t, 5> shape() const override;
  Array read(int64_t t0, int64_t n) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cvm::io
