// HDF5 files: reading whole datasets and streaming input frames out of them, and writing
// run outputs frame chunk by frame chunk.
//
// Reading converts any integer or float dataset to float32 (compressed datasets included).
// Writing goes to a temporary file next to the final one that is renamed on commit(), so
// an interrupted or failed run never leaves a half-written file under the final name.
// HDF5's own error stack is never printed; every failure is a DataError in plain words.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>
#include <vector>

#include "interpreter/io/array.h"
#include "interpreter/io/frame_source.h"

namespace cvm::io {

/// Reads a whole dataset (any integer or float type, any rank incl. scalar) as float32.
Array read_hdf5_dataset(const std::string& file, const std::string& dataset);

/// Names (not paths) of the datasets directly inside `group` ("/" for the root), sorted.
std::vector<std::string> list_hdf5_datasets(const std::string& file, const std::string& group);

/// Whether `dataset` exists in `file` and is a dataset. Throws DataError if the file itself
/// cannot be opened.
bool hdf5_has_dataset(const std::string& file, const std::string& dataset);

/// A numeric attribute of an object (group or dataset) as a double, or nullopt when the
/// object has no such attribute or it is not a number. Throws DataError if the file or the
/// object cannot be opened.
std::optional<double> read_hdf5_number_attribute(const std::string& file, const std::string& object,
                                                 const std::string& key);

/// A whole numeric dataset as float64 (exact for float64 and float32 data); its shape in
/// `shape` when given.
std::vector<double> read_hdf5_doubles(const std::string& file, const std::string& dataset,
                                      std::vector<int64_t>* shape = nullptr);

/// A whole dataset of bytes, as Hdf5OutputFile::write_bytes writes it.
std::vector<uint8_t> read_hdf5_bytes(const std::string& file, const std::string& dataset);

/// A text attribute of an object, or nullopt when there is none or it is not text.
std::optional<std::string> read_hdf5_string_attribute(const std::string& file, const std::string& object,
                                                      const std::string& key);

/// Frames of a dataset of shape [T, X, Y] or [B, C, T, X, Y], read as hyperslabs: only the
/// requested frames are ever read from disk. The file stays open while the source lives.
class Hdf5FrameSource : public FrameSource {
 public:
  /// Opens `dataset` in `file` and checks it; throws DataError if it is not a usable video.
  Hdf5FrameSource(const std::string& file, const std::string& dataset);
  ~Hdf5FrameSource() override;
  Hdf5FrameSource(const Hdf5FrameSource&) = delete;
  Hdf5FrameSource& operator=(const Hdf5FrameSource&) = delete;

  std::array<int64_t, 5> shape() const override;
  Array read(int64_t t0, int64_t n) override;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Streaming writer for the outputs of a run. Streams are float32 datasets
/// /outputs/<name> of shape [B, C, T, X, Y] that grow along time as frames are appended.
class Hdf5OutputFile {
 public:
  /// Creates `<final_path>.partial-<pid>` next to `final_path`.
  explicit Hdf5OutputFile(std::string final_path);
  /// Without commit(): closes and deletes the temporary file.
  ~Hdf5OutputFile();
  Hdf5OutputFile(const Hdf5OutputFile&) = delete;
  Hdf5OutputFile& operator=(const Hdf5OutputFile&) = delete;
  Hdf5OutputFile(Hdf5OutputFile&&) noexcept;
  Hdf5OutputFile& operator=(Hdf5OutputFile&&) noexcept;

  /// Creates the extendible dataset /outputs/<name> of shape [B, C, 0, X, Y]; `name` may
  /// contain '/' (e.g. "records/opl"), intermediate groups are created as needed.
  void add_stream(const std::string& name, std::array<int64_t, 4> bcxy);
  /// Appends `frames` frames laid out [B, C, frames, X, Y] in C order to stream `name`.
  void append(const std::string& name, const float* data, int64_t frames);
  /// Frames appended so far to stream `name`.
  int64_t frames_written(const std::string& name) const;

  /// Sets (or replaces) an attribute on "/" or on a dataset or group path.
  void set_attribute(const std::string& object_path, const std::string& key,
                     const std::string& value);
  void set_attribute(const std::string& object_path, const std::string& key, double value);
  void set_attribute(const std::string& object_path, const std::string& key, int64_t value);
  /// Any other integer type is stored as int64 (avoids int -> double/int64 ambiguity).
  template <typename T,
            std::enable_if_t<std::is_integral_v<T> && !std::is_same_v<T, bool>, int> = 0>
  void set_attribute(const std::string& object_path, const std::string& key, T value) {
    set_attribute(object_path, key, static_cast<int64_t>(value));
  }

  /// Writes a small whole dataset at `path` (e.g. "/params/kernel"), creating groups.
  void write_dataset(const std::string& path, const Array& array);
  /// Writes float64 values (shape {n} when `shape` is empty), e.g. a loss history.
  void write_doubles(const std::string& path, const std::vector<double>& values,
                     std::vector<int64_t> shape = {});
  /// Writes opaque bytes as a 1-d uint8 dataset (e.g. an optimizer's serialized state).
  void write_bytes(const std::string& path, const std::vector<uint8_t>& bytes);

  /// Flushes, closes and renames the file to its final path (replacing an existing file).
  void commit();

  /// The path the file will have after commit().
  const std::string& final_path() const;
  /// The temporary path written until commit().
  const std::string& temporary_path() const;

 private:
  void write_raw(const std::string& path, const std::vector<int64_t>& shape, int64_t file_type,
                 int64_t memory_type, const void* data);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cvm::io
