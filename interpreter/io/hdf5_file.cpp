// HDF5 reading (whole datasets, frame hyperslabs) and streaming output (see hdf5_file.h).
#include "interpreter/io/hdf5_file.h"

#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cstring>
#include <filesystem>
#include <map>
#include <new>
#include <system_error>
#include <utility>

namespace cvm::io {
namespace {

namespace fs = std::filesystem;

/// Owns one HDF5 identifier and closes it with the matching H5?close function.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer closer) : id_(id), close_(closer) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, H5I_INVALID_HID)), close_(o.close_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, H5I_INVALID_HID);
      close_ = o.close_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  explicit operator bool() const { return id_ >= 0; }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = H5I_INVALID_HID;
  }
  /// Closes now and reports whether closing succeeded (it writes pending data for files).
  bool close() {
    if (id_ < 0) return true;
    herr_t r = close_(id_);
    id_ = H5I_INVALID_HID;
    return r >= 0;
  }

 private:
  hid_t id_ = H5I_INVALID_HID;
  Closer close_ = nullptr;
};

/// HDF5 prints its error stack to stderr by default; our messages replace it.
void quiet_hdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

std::string in_quotes(const std::string& s) { return "'" + s + "'"; }

std::string absolute(const std::string& object_path) {
  if (object_path.empty() || object_path[0] != '/') return "/" + object_path;
  return object_path;
}

std::string where(const std::string& file, const std::string& dataset) {
  return "dataset " + in_quotes(absolute(dataset)) + " in " + in_quotes(file);
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

std::string temporary_name(const std::string& path) {
  return path + ".partial-" + std::to_string(::getpid());
}

Handle open_file(const std::string& path) {
  quiet_hdf5();
  std::error_code ec;
  if (!fs::exists(path, ec)) throw DataError("cannot open " + in_quotes(path) + ": no such file");
  if (fs::is_directory(path, ec))
    throw DataError(in_quotes(path) + " is a folder, not an HDF5 file");
  if (H5Fis_hdf5(path.c_str()) <= 0)
    throw DataError(in_quotes(path) + " is not an HDF5 file (or it is damaged)");
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
  Handle file(H5Fopen(path.c_str(), H5F_ACC_RDONLY, fapl.get()), H5Fclose);
  if (!file)
    throw DataError("cannot open HDF5 file " + in_quotes(path) +
                    ": it may be unreadable, damaged, or open for writing by another program");
  return file;
}

/// The shortest prefix of `path` that does not exist, or "" if the whole path exists.
std::string first_missing(hid_t file, const std::string& path) {
  std::string prefix;
  size_t pos = 0;
  while (pos < path.size()) {
    size_t end = path.find('/', pos);
    if (end == std::string::npos) end = path.size();
    if (end > pos) {
      prefix += "/" + path.substr(pos, end - pos);
      if (H5Lexists(file, prefix.c_str(), H5P_DEFAULT) <= 0) return prefix;
    }
    pos = end + 1;
  }
  return "";
}

/// Opens the object at `path` ("/" for the root); `kind` ("dataset", "group", "object")
/// is used in messages.
Handle open_object(hid_t file, const std::string& file_name, const std::string& path,
                   const std::string& kind) {
  std::string full = absolute(path);
  std::string missing = first_missing(file, full);
  if (!missing.empty()) {
    std::string msg = in_quotes(file_name) + " has no " + kind + " " + in_quotes(full);
    if (missing != full) msg += " (there is no " + in_quotes(missing) + ")";
    throw DataError(msg);
  }
  Handle obj(H5Oopen(file, full.c_str(), H5P_DEFAULT), H5Oclose);
  if (!obj)
    throw DataError("cannot open " + in_quotes(full) + " in " + in_quotes(file_name) +
                    " (it may be a broken link)");
  return obj;
}

std::string type_words(H5T_class_t c) {
  switch (c) {
    case H5T_STRING: return "text";
    case H5T_COMPOUND: return "records (a compound type)";
    case H5T_ENUM: return "enumerated values (e.g. booleans saved by h5py; store them as integers)";
    case H5T_BITFIELD: return "bit fields";
    case H5T_OPAQUE: return "opaque bytes";
    case H5T_REFERENCE: return "references to other objects";
    case H5T_VLEN: return "variable-length sequences";
    case H5T_ARRAY: return "arrays in each element";
    case H5T_TIME: return "times";
    default: return "values of an unknown type";
  }
}

/// Opens a dataset holding integers or floats and returns it with its shape.
Handle open_numeric_dataset(hid_t file, const std::string& file_name, const std::string& path,
                            std::vector<int64_t>& dims) {
  Handle ds = open_object(file, file_name, path, "dataset");
  H5I_type_t it = H5Iget_type(ds.get());
  if (it != H5I_DATASET)
    throw DataError(in_quotes(absolute(path)) + " in " + in_quotes(file_name) + " is " +
                    (it == H5I_GROUP ? "a group" : "not a dataset") + ", not a dataset");
  Handle type(H5Dget_type(ds.get()), H5Tclose);
  H5T_class_t c = type ? H5Tget_class(type.get()) : H5T_NO_CLASS;
  if (c != H5T_INTEGER && c != H5T_FLOAT)
    throw DataError(where(file_name, path) + " holds " + type_words(c) + ", not numbers");
  Handle space(H5Dget_space(ds.get()), H5Sclose);
  if (!space) throw DataError("cannot read the shape of " + where(file_name, path));
  if (H5Sget_simple_extent_type(space.get()) == H5S_NULL)
    throw DataError(where(file_name, path) + " is empty (it has no data space)");
  int rank = H5Sget_simple_extent_ndims(space.get());
  if (rank < 0) throw DataError("cannot read the shape of " + where(file_name, path));
  std::vector<hsize_t> d(static_cast<size_t>(rank));
  if (rank > 0) H5Sget_simple_extent_dims(space.get(), d.data(), nullptr);
  dims.assign(d.begin(), d.end());
  return ds;
}

/// Explains why reading a dataset failed, as far as we can tell.
std::string read_failure(hid_t ds, const std::string& file_name, const std::string& path) {
  std::string msg = "cannot read " + where(file_name, path);
  Handle dcpl(H5Dget_create_plist(ds), H5Pclose);
  int n = dcpl ? H5Pget_nfilters(dcpl.get()) : 0;
  for (int i = 0; i < n; ++i) {
    unsigned flags = 0;
    unsigned cd[16];
    size_t ncd = 16;
    char name[256] = {0};
    H5Z_filter_t f = H5Pget_filter2(dcpl.get(), static_cast<unsigned>(i), &flags, &ncd, cd,
                                    sizeof name, name, nullptr);
    if (f >= 0 && H5Zfilter_avail(f) <= 0)
      return msg + ": it is compressed with filter " + in_quotes(name[0] ? name : "?") + " (id " +
             std::to_string(f) + "), which this program cannot decode; re-save it with gzip "
             "compression or none";
  }
  return msg + ": the file may be damaged or truncated";
}

int64_t checked_numel(const std::vector<int64_t>& dims, const std::string& what) {
  int64_t n = 1;
  for (auto d : dims) {
    if (d != 0 && n > (int64_t{1} << 40) / d)
      throw DataError(what + " is too large to load into memory (shape " + shape_text(dims) + ")");
    n *= d;
  }
  return n;
}

std::vector<float> allocate(int64_t n, const std::string& what) {
  try {
    return std::vector<float>(static_cast<size_t>(n));
  } catch (const std::bad_alloc&) {
    throw DataError(what + " is too large to load into memory");
  }
}

/// Link creation properties that create missing intermediate groups.
Handle intermediate_groups() {
  Handle lcpl(H5Pcreate(H5P_LINK_CREATE), H5Pclose);
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  return lcpl;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// Whole datasets

Array read_hdf5_dataset(const std::string& file, const std::string& dataset) {
  Handle f = open_file(file);
  Array a;
  Handle ds = open_numeric_dataset(f.get(), file, dataset, a.shape);
  int64_t n = checked_numel(a.shape, where(file, dataset));
  a.data = allocate(n, where(file, dataset));
  if (n > 0 &&
      H5Dread(ds.get(), H5T_NATIVE_FLOAT, H5S_ALL, H5S_ALL, H5P_DEFAULT, a.data.data()) < 0)
    throw DataError(read_failure(ds.get(), file, dataset));
  return a;
}

std::vector<std::string> list_hdf5_datasets(const std::string& file, const std::string& group) {
  Handle f = open_file(file);
  Handle g = open_object(f.get(), file, group, "group");
  if (H5Iget_type(g.get()) != H5I_GROUP)
    throw DataError(in_quotes(absolute(group)) + " in " + in_quotes(file) + " is not a group");
  H5G_info_t info;
  if (H5Gget_info(g.get(), &info) < 0)
    throw DataError("cannot list group " + in_quotes(absolute(group)) + " in " + in_quotes(file));
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    ssize_t len = H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0,
                                     H5P_DEFAULT);
    if (len <= 0) continue;
    std::string name(static_cast<size_t>(len) + 1, '\0');
    H5Lget_name_by_idx(g.get(), ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                       H5P_DEFAULT);
    name.resize(static_cast<size_t>(len));
    Handle obj(H5Oopen(g.get(), name.c_str(), H5P_DEFAULT), H5Oclose);
    if (obj && H5Iget_type(obj.get()) == H5I_DATASET) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

bool hdf5_has_dataset(const std::string& file, const std::string& dataset) {
  Handle f = open_file(file);
  std::string full = absolute(dataset);
  if (full == "/" || !first_missing(f.get(), full).empty()) return false;
  Handle obj(H5Oopen(f.get(), full.c_str(), H5P_DEFAULT), H5Oclose);
  return obj && H5Iget_type(obj.get()) == H5I_DATASET;
}

std::optional<double> read_hdf5_number_attribute(const std::string& file, const std::string& object,
                                                 const std::string& key) {
  Handle f = open_file(file);
  std::string full = absolute(object);
  if (full != "/" && !first_missing(f.get(), full).empty()) {
    throw DataError(in_quotes(file) + " has no " + in_quotes(full));
  }
  Handle obj(H5Oopen(f.get(), full.c_str(), H5P_DEFAULT), H5Oclose);
  if (!obj) throw DataError("cannot open " + in_quotes(full) + " in " + in_quotes(file));
  if (H5Aexists(obj.get(), key.c_str()) <= 0) return std::nullopt;
  Handle attr(H5Aopen(obj.get(), key.c_str(), H5P_DEFAULT), H5Aclose);
  Handle type(H5Aget_type(attr.get()), H5Tclose);
  H5T_class_t cls = H5Tget_class(type.get());
  if (cls != H5T_INTEGER && cls != H5T_FLOAT) return std::nullopt;
  Handle space(H5Aget_space(attr.get()), H5Sclose);
  if (H5Sget_simple_extent_npoints(space.get()) != 1) return std::nullopt;
  double value = 0;
  if (H5Aread(attr.get(), H5T_NATIVE_DOUBLE, &value) < 0) return std::nullopt;
  return value;
}

namespace {

/// Every value of a numeric dataset, converted by HDF5 to `memory_type` (T's type); its
/// dimensions in `dims`.
template <typename T>
std::vector<T> read_numeric(const std::string& file, const std::string& dataset, hid_t memory_type,
                            std::vector<int64_t>& dims) {
  Handle f = open_file(file);
  Handle ds = open_numeric_dataset(f.get(), file, dataset, dims);
  int64_t n = checked_numel(dims, where(file, dataset));
  std::vector<T> values(static_cast<size_t>(n));
  if (n > 0 && H5Dread(ds.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data()) < 0)
    throw DataError(read_failure(ds.get(), file, dataset));
  return values;
}

}  // namespace

std::vector<double> read_hdf5_doubles(const std::string& file, const std::string& dataset,
                                      std::vector<int64_t>* shape) {
  std::vector<int64_t> dims;
  std::vector<double> values = read_numeric<double>(file, dataset, H5T_NATIVE_DOUBLE, dims);
  if (shape) *shape = dims;
  return values;
}

std::vector<uint8_t> read_hdf5_bytes(const std::string& file, const std::string& dataset) {
  std::vector<int64_t> dims;
  return read_numeric<uint8_t>(file, dataset, H5T_NATIVE_UINT8, dims);
}

std::optional<std::string> read_hdf5_string_attribute(const std::string& file, const std::string& object,
                                                      const std::string& key) {
  Handle f = open_file(file);
  Handle obj = open_object(f.get(), file, object, "object");
  if (H5Aexists(obj.get(), key.c_str()) <= 0) return std::nullopt;
  Handle attr(H5Aopen(obj.get(), key.c_str(), H5P_DEFAULT), H5Aclose);
  Handle type(H5Aget_type(attr.get()), H5Tclose);
  if (H5Tget_class(type.get()) != H5T_STRING) return std::nullopt;
  Handle space(H5Aget_space(attr.get()), H5Sclose);
  if (H5Sget_simple_extent_npoints(space.get()) != 1) return std::nullopt;
  if (H5Tis_variable_str(type.get()) > 0) {
    Handle memory(H5Tcopy(H5T_C_S1), H5Tclose);
    H5Tset_size(memory.get(), H5T_VARIABLE);
    H5Tset_cset(memory.get(), H5Tget_cset(type.get()));
    char* text = nullptr;
    if (H5Aread(attr.get(), memory.get(), &text) < 0 || !text) return std::nullopt;
    std::string value(text);
    H5free_memory(text);
    return value;
  }
  size_t size = H5Tget_size(type.get());
  std::string value(size, '\0');
  Handle memory(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(memory.get(), size);
  if (H5Aread(attr.get(), memory.get(), value.data()) < 0) return std::nullopt;
  value.resize(std::strlen(value.c_str()));
  return value;
}

// ---------------------------------------------------------------------------------------
// Hdf5FrameSource

struct Hdf5FrameSource::Impl {
  std::string file_name, dataset;
  Handle file, ds;
  int rank = 0;
  std::array<int64_t, 5> shape{};
};

Hdf5FrameSource::Hdf5FrameSource(const std::string& file, const std::string& dataset)
    : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.file_name = file;
  s.dataset = absolute(dataset);
  s.file = open_file(file);
  std::vector<int64_t> dims;
  open_numeric_dataset(s.file.get(), file, dataset, dims);
  if (dims.size() == 3) {
    s.shape = {1, 1, dims[0], dims[1], dims[2]};
  } else if (dims.size() == 5) {
    s.shape = {dims[0], dims[1], dims[2], dims[3], dims[4]};
  } else {
    throw DataError(where(file, dataset) + " has shape " + shape_text(dims) +
                    "; an input video must have 3 dimensions [time, x, y] or 5 dimensions "
                    "[batch, channel, time, x, y]");
  }
  s.rank = static_cast<int>(dims.size());
  // A chunk cache larger than HDF5's 1 MiB default keeps compressed chunks that span
  // several reads from being decompressed again for every read.
  Handle dapl(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose);
  H5Pset_chunk_cache(dapl.get(), 12421, 64u << 20, 1.0);
  s.ds = Handle(H5Dopen2(s.file.get(), s.dataset.c_str(), dapl.get()), H5Dclose);
  if (!s.ds) throw DataError("cannot open " + where(file, dataset));
}

Hdf5FrameSource::~Hdf5FrameSource() = default;

std::array<int64_t, 5> Hdf5FrameSource::shape() const { return impl_->shape; }

Array Hdf5FrameSource::read(int64_t t0, int64_t n) {
  Impl& s = *impl_;
  const auto [B, C, T, X, Y] = s.shape;
  if (t0 < 0)
    throw DataError("cannot read frame " + std::to_string(t0) + " of " + where(s.file_name, s.dataset));
  n = std::max<int64_t>(0, std::min(n, T - t0));
  Array out;
  out.shape = {B, C, n, X, Y};
  out.data = allocate(checked_numel(out.shape, where(s.file_name, s.dataset)),
                      where(s.file_name, s.dataset));
  if (out.data.empty()) return out;
  std::vector<hsize_t> start, count;
  auto h = [](int64_t v) { return static_cast<hsize_t>(v); };
  if (s.rank == 3) {
    start = {h(t0), 0, 0};
    count = {h(n), h(X), h(Y)};
  } else {
    start = {0, 0, h(t0), 0, 0};
    count = {h(B), h(C), h(n), h(X), h(Y)};
  }
  Handle file_space(H5Dget_space(s.ds.get()), H5Sclose);
  Handle mem_space(H5Screate_simple(s.rank, count.data(), nullptr), H5Sclose);
  if (!file_space || !mem_space ||
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start.data(), nullptr, count.data(),
                          nullptr) < 0 ||
      H5Dread(s.ds.get(), H5T_NATIVE_FLOAT, mem_space.get(), file_space.get(), H5P_DEFAULT,
              out.data.data()) < 0) {
    std::string why = read_failure(s.ds.get(), s.file_name, s.dataset);
    throw DataError(why + " (frames " + std::to_string(t0) + " to " + std::to_string(t0 + n - 1) +
                    ")");
  }
  return out;
}

// ---------------------------------------------------------------------------------------
// Hdf5OutputFile

namespace {
struct Stream {
  Handle ds;
  std::array<int64_t, 4> bcxy{};
  int64_t frames = 0;
};
}  // namespace

struct Hdf5OutputFile::Impl {
  std::string final_path, tmp_path;
  Handle file;
  std::map<std::string, Stream> streams;
  bool committed = false;

  std::string where_stream(const std::string& name) const {
    return "output " + in_quotes(name) + " of " + in_quotes(final_path);
  }
  Stream& stream(const std::string& name) {
    auto it = streams.find(name);
    if (it == streams.end())
      throw DataError("cannot write " + where_stream(name) + ": no such output was declared");
    return it->second;
  }
};

Hdf5OutputFile::Hdf5OutputFile(std::string final_path) : impl_(std::make_unique<Impl>()) {
  quiet_hdf5();
  Impl& s = *impl_;
  s.final_path = std::move(final_path);
  s.tmp_path = temporary_name(s.final_path);
  std::error_code ec;
  fs::path parent = fs::path(s.final_path).parent_path();
  if (!parent.empty() && !fs::is_directory(parent, ec))
    throw DataError("cannot create output file " + in_quotes(s.final_path) + ": the folder " +
                    in_quotes(parent.string()) + " does not exist");
  if (fs::is_directory(s.final_path, ec))
    throw DataError("cannot create output file " + in_quotes(s.final_path) + ": it is a folder");
  Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  H5Pset_fclose_degree(fapl.get(), H5F_CLOSE_STRONG);
  s.file = Handle(H5Fcreate(s.tmp_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl.get()), H5Fclose);
  if (!s.file)
    throw DataError("cannot create output file " + in_quotes(s.final_path) +
                    ": the folder is not writable or the disk is full");
}

Hdf5OutputFile::~Hdf5OutputFile() {
  if (!impl_ || impl_->committed) return;
  impl_->streams.clear();
  impl_->file.reset();
  std::error_code ec;
  fs::remove(impl_->tmp_path, ec);
}

Hdf5OutputFile::Hdf5OutputFile(Hdf5OutputFile&&) noexcept = default;

Hdf5OutputFile& Hdf5OutputFile::operator=(Hdf5OutputFile&& other) noexcept {
  Hdf5OutputFile old(std::move(*this));  // discards our current file, if any
  impl_ = std::move(other.impl_);
  return *this;
}

namespace {
[[noreturn]] void throw_closed(const std::string& path) {
  throw DataError("cannot write to " + in_quotes(path) + ": the file was already committed");
}
}  // namespace

void Hdf5OutputFile::add_stream(const std::string& name, std::array<int64_t, 4> bcxy) {
  Impl& s = *impl_;
  if (s.committed) throw_closed(s.final_path);
  if (name.empty() || name.front() == '/' || name.back() == '/')
    throw DataError("cannot create output " + in_quotes(name) + " in " + in_quotes(s.final_path) +
                    ": not a valid name");
  for (auto v : bcxy)
    if (v < 1)
      throw DataError("cannot create " + s.where_stream(name) + ": its size " +
                      shape_text({bcxy[0], bcxy[1], bcxy[2], bcxy[3]}) + " has an empty dimension");
  if (s.streams.count(name))
    throw DataError("cannot create " + s.where_stream(name) + ": it was declared twice");
  const auto [B, C, X, Y] = bcxy;
  auto h = [](int64_t v) { return static_cast<hsize_t>(v); };
  hsize_t dims[5] = {h(B), h(C), 0, h(X), h(Y)};
  hsize_t maxdims[5] = {h(B), h(C), H5S_UNLIMITED, h(X), h(Y)};
  // Chunks of up to 64 frames of one (batch, channel), kept near 1 MiB.
  const int64_t frame_bytes = X * Y * static_cast<int64_t>(sizeof(float));
  const int64_t chunk_t = std::clamp<int64_t>((int64_t{1} << 20) / frame_bytes, 1, 64);
  hsize_t chunk[5] = {1, 1, h(chunk_t), h(X), h(Y)};
  Handle space(H5Screate_simple(5, dims, maxdims), H5Sclose);
  Handle dcpl(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
  H5Pset_chunk(dcpl.get(), 5, chunk);
  // Appends usually fill chunks partially: keep every (batch, channel) chunk in the cache.
  Handle dapl(H5Pcreate(H5P_DATASET_ACCESS), H5Pclose);
  const int64_t cache = std::clamp<int64_t>(2 * B * C * chunk_t * frame_bytes, 1 << 20, 256 << 20);
  H5Pset_chunk_cache(dapl.get(), 12421, static_cast<size_t>(cache), 1.0);
  Handle lcpl = intermediate_groups();
  std::string path = "/outputs/" + name;
  Handle ds(H5Dcreate2(s.file.get(), path.c_str(), H5T_IEEE_F32LE, space.get(), lcpl.get(),
                       dcpl.get(), dapl.get()),
            H5Dclose);
  if (!ds)
    throw DataError("cannot create " + s.where_stream(name) + ": " + in_quotes(path) +
                    " clashes with an existing dataset or group");
  s.streams[name] = Stream{std::move(ds), bcxy, 0};
}

void Hdf5OutputFile::append(const std::string& name, const float* data, int64_t frames) {
  Impl& s = *impl_;
  if (s.committed) throw_closed(s.final_path);
  Stream& st = s.stream(name);
  if (frames < 0) throw DataError("cannot append a negative number of frames to " + s.where_stream(name));
  if (frames == 0) return;
  const auto [B, C, X, Y] = st.bcxy;
  auto h = [](int64_t v) { return static_cast<hsize_t>(v); };
  hsize_t extent[5] = {h(B), h(C), h(st.frames + frames), h(X), h(Y)};
  hsize_t start[5] = {0, 0, h(st.frames), 0, 0};
  hsize_t count[5] = {h(B), h(C), h(frames), h(X), h(Y)};
  if (H5Dset_extent(st.ds.get(), extent) < 0)
    throw DataError("cannot extend " + s.where_stream(name) + ": the disk may be full");
  Handle file_space(H5Dget_space(st.ds.get()), H5Sclose);
  Handle mem_space(H5Screate_simple(5, count, nullptr), H5Sclose);
  if (!file_space || !mem_space ||
      H5Sselect_hyperslab(file_space.get(), H5S_SELECT_SET, start, nullptr, count, nullptr) < 0 ||
      H5Dwrite(st.ds.get(), H5T_NATIVE_FLOAT, mem_space.get(), file_space.get(), H5P_DEFAULT,
               data) < 0) {
    extent[2] = h(st.frames);
    H5Dset_extent(st.ds.get(), extent);
    throw DataError("cannot write frames to " + s.where_stream(name) + ": the disk may be full");
  }
  st.frames += frames;
}

int64_t Hdf5OutputFile::frames_written(const std::string& name) const {
  auto it = impl_->streams.find(name);
  return it == impl_->streams.end() ? 0 : it->second.frames;
}

namespace {
/// Replaces attribute `key` of `object_path` by a scalar of `type` holding `*value`.
void write_attribute(hid_t file, const std::string& file_name, const std::string& object_path,
                     const std::string& key, hid_t type, const void* value) {
  Handle obj = open_object(file, file_name, object_path, "object");
  const std::string what = "attribute " + in_quotes(key) + " of " + in_quotes(absolute(object_path)) +
                           " in " + in_quotes(file_name);
  if (H5Aexists(obj.get(), key.c_str()) > 0 && H5Adelete(obj.get(), key.c_str()) < 0)
    throw DataError("cannot replace " + what);
  Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Handle attr(H5Acreate2(obj.get(), key.c_str(), type, space.get(), H5P_DEFAULT, H5P_DEFAULT),
              H5Aclose);
  if (!attr || H5Awrite(attr.get(), type, value) < 0) throw DataError("cannot write " + what);
}
}  // namespace

void Hdf5OutputFile::set_attribute(const std::string& object_path, const std::string& key,
                                   const std::string& value) {
  if (impl_->committed) throw_closed(impl_->final_path);
  Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(type.get(), H5T_VARIABLE);
  H5Tset_cset(type.get(), H5T_CSET_UTF8);
  const char* text = value.c_str();
  write_attribute(impl_->file.get(), impl_->final_path, object_path, key, type.get(), &text);
}

void Hdf5OutputFile::set_attribute(const std::string& object_path, const std::string& key,
                                   double value) {
  if (impl_->committed) throw_closed(impl_->final_path);
  write_attribute(impl_->file.get(), impl_->final_path, object_path, key, H5T_NATIVE_DOUBLE,
                  &value);
}

void Hdf5OutputFile::set_attribute(const std::string& object_path, const std::string& key,
                                   int64_t value) {
  if (impl_->committed) throw_closed(impl_->final_path);
  write_attribute(impl_->file.get(), impl_->final_path, object_path, key, H5T_NATIVE_INT64,
                  &value);
}

void Hdf5OutputFile::write_dataset(const std::string& path, const Array& array) {
  if (static_cast<int64_t>(array.data.size()) != array.numel())
    throw DataError("cannot write dataset " + in_quotes(absolute(path)) + " in " + in_quotes(impl_->final_path) +
                    ": shape " + shape_text(array.shape) + " but " + std::to_string(array.data.size()) + " values");
  write_raw(path, array.shape, H5T_IEEE_F32LE, H5T_NATIVE_FLOAT, array.data.data());
}

void Hdf5OutputFile::write_doubles(const std::string& path, const std::vector<double>& values,
                                   std::vector<int64_t> shape) {
  if (shape.empty()) shape = {static_cast<int64_t>(values.size())};
  int64_t n = 1;
  for (auto d : shape) n *= d;
  if (n != static_cast<int64_t>(values.size()))
    throw DataError("cannot write dataset " + in_quotes(absolute(path)) + ": shape " + shape_text(shape) + " but " +
                    std::to_string(values.size()) + " values");
  write_raw(path, shape, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, values.data());
}

void Hdf5OutputFile::write_bytes(const std::string& path, const std::vector<uint8_t>& bytes) {
  write_raw(path, {static_cast<int64_t>(bytes.size())}, H5T_STD_U8LE, H5T_NATIVE_UINT8, bytes.data());
}

void Hdf5OutputFile::write_raw(const std::string& path, const std::vector<int64_t>& shape, int64_t file_type,
                               int64_t memory_type, const void* data) {
  Impl& s = *impl_;
  if (s.committed) throw_closed(s.final_path);
  const std::string full = absolute(path);
  const std::string what = "dataset " + in_quotes(full) + " in " + in_quotes(s.final_path);
  if (first_missing(s.file.get(), full).empty())
    throw DataError("cannot write " + what + ": it already exists");
  std::vector<hsize_t> dims(shape.begin(), shape.end());
  Handle space(dims.empty() ? H5Screate(H5S_SCALAR)
                            : H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr),
               H5Sclose);
  Handle lcpl = intermediate_groups();
  Handle ds(H5Dcreate2(s.file.get(), full.c_str(), file_type, space.get(), lcpl.get(), H5P_DEFAULT, H5P_DEFAULT),
            H5Dclose);
  if (!ds) throw DataError("cannot create " + what + ": a parent is not a group");
  int64_t n = 1;
  for (auto d : shape) n *= d;
  if (n > 0 && H5Dwrite(ds.get(), memory_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data) < 0)
    throw DataError("cannot write " + what + ": the disk may be full");
}

void Hdf5OutputFile::commit() {
  Impl& s = *impl_;
  if (s.committed) throw_closed(s.final_path);
  s.committed = true;  // from here on the temporary file is ours to remove on failure
  auto fail = [&](const std::string& why) {
    s.streams.clear();
    s.file.reset();
    std::error_code ignored;
    fs::remove(s.tmp_path, ignored);
    throw DataError("cannot write output file " + in_quotes(s.final_path) + ": " + why);
  };
  s.streams.clear();
  if (H5Fflush(s.file.get(), H5F_SCOPE_GLOBAL) < 0 || !s.file.close())
    fail("the disk may be full");
  std::error_code ec;
  fs::rename(s.tmp_path, s.final_path, ec);
  if (ec) fail(ec.message());
}

const std::string& Hdf5OutputFile::final_path() const { return impl_->final_path; }
const std::string& Hdf5OutputFile::temporary_path() const { return impl_->tmp_path; }

}  // namespace cvm::io
