// NumPy .npy reading, writing and frame streaming (see npy.h).
#include "interpreter/io/npy.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>
#include <new>
#include <string_view>
#include <system_error>
#include <vector>

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "cvm::io assumes a little-endian host"
#endif

namespace cvm::io {
namespace {

namespace fs = std::filesystem;

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;

enum class Kind { Float, Signed, Unsigned, Bool };

struct Dtype {
  Kind kind = Kind::Float;
  int size = 4;
};

struct NpyHeader {
  Dtype dtype;
  std::vector<int64_t> shape;
  bool fortran_order = false;
  size_t data_offset = 0;  // bytes from the start of the file to the first value
};

std::string in_quotes(const std::string& s) { return "'" + s + "'"; }

/// Python tuple notation, as numpy writes it in headers: "()", "(3,)", "(2, 3)".
std::string tuple_text(const std::vector<int64_t>& shape) {
  std::string s = "(";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i) s += ", ";
    s += std::to_string(shape[i]);
  }
  if (shape.size() == 1) s += ",";
  return s + ")";
}

Dtype parse_descr(const std::string& descr, const std::string& what) {
  auto fail = [&](const std::string& why) -> DataError {
    return DataError(in_quotes(what) + " " + why);
  };
  if (descr.size() < 2) throw fail("has an unknown data type " + in_quotes(descr));
  const char order = descr[0];
  const char kind = descr[1];
  switch (kind) {
    case 'O':
      throw fail("holds Python objects (dtype object), not numbers");
    case 'U':
    case 'S':
    case 'a':
      throw fail("holds text (dtype " + in_quotes(descr) + "), not numbers");
    case 'c':
      throw fail("holds complex numbers (dtype " + in_quotes(descr) +
                 "); save the real part as float32");
    case 'M':
    case 'm':
      throw fail("holds dates or times (dtype " + in_quotes(descr) + "), not numbers");
    case 'V':
      throw fail("holds raw records (dtype " + in_quotes(descr) + "), not numbers");
    default:
      break;
  }
  const std::string digits = descr.substr(2);
  if (digits.empty() || digits.size() > 3 ||
      !std::all_of(digits.begin(), digits.end(),
                   [](char c) { return std::isdigit(static_cast<unsigned char>(c)) != 0; }))
    throw fail("has an unknown data type " + in_quotes(descr));
  const int size = std::stoi(digits);
  if (order == '>' && size > 1)
    throw fail("stores big-endian numbers (dtype " + in_quotes(descr) +
               "); save it little-endian, e.g. with arr.astype('<f4')");
  if (order != '<' && order != '|' && order != '=' && order != '>')
    throw fail("has an unknown data type " + in_quotes(descr));
  if (kind == 'f') {
    if (size == 4 || size == 8) return {Kind::Float, size};
    if (size == 2)
      throw fail("holds half-precision numbers (float16), which are not supported; "
                 "convert them with arr.astype('float32')");
    throw fail("holds " + std::to_string(size * 8) + "-bit floats, which are not supported; "
               "convert them with arr.astype('float32')");
  }
  if ((kind == 'i' || kind == 'u') && (size == 1 || size == 2 || size == 4 || size == 8))
    return {kind == 'i' ? Kind::Signed : Kind::Unsigned, size};
  if (kind == 'b' && size == 1) return {Kind::Bool, 1};
  throw fail("has data type " + in_quotes(descr) +
             ", which is not supported (use float32, float64, integers or booleans)");
}

/// Reads the small hand-written Python dict that forms a .npy header.
class HeaderParser {
 public:
  HeaderParser(std::string_view text, const std::string& what) : text_(text), what_(what) {}

  NpyHeader parse() {
    NpyHeader h;
    bool have_descr = false, have_order = false, have_shape = false;
    expect('{');
    while (true) {
      skip_space();
      if (peek() == '}') break;
      std::string key = string_literal();
      expect(':');
      skip_space();
      if (key == "descr") {
        if (peek() == '[')
          throw DataError(in_quotes(what_) +
                          " holds a structured (record) array, which is not supported");
        h.dtype = parse_descr(string_literal(), what_);
        have_descr = true;
      } else if (key == "fortran_order") {
        h.fortran_order = boolean();
        have_order = true;
      } else if (key == "shape") {
        h.shape = tuple();
        have_shape = true;
      } else {
        skip_value();
      }
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() == '}') break;
      bad("expected ',' or '}'");
    }
    if (!have_descr || !have_order || !have_shape)
      bad("it lacks one of 'descr', 'fortran_order' or 'shape'");
    return h;
  }

 private:
  [[noreturn]] void bad(const std::string& why) {
    throw DataError(in_quotes(what_) + " has a damaged .npy header (" + why + ")");
  }
  char peek() const { return pos_ < text_.size() ? text_[pos_] : '\0'; }
  void skip_space() {
    while (pos_ < text_.size() && std::isspace(static_cast<unsigned char>(text_[pos_]))) ++pos_;
  }
  void expect(char c) {
    skip_space();
    if (peek() != c) bad(std::string("expected '") + c + "'");
    ++pos_;
  }
  std::string string_literal() {
    skip_space();
    char q = peek();
    if (q != '\'' && q != '"') bad("expected a quoted name");
    size_t end = text_.find(q, pos_ + 1);
    if (end == std::string_view::npos) bad("unterminated string");
    std::string s(text_.substr(pos_ + 1, end - pos_ - 1));
    pos_ = end + 1;
    return s;
  }
  bool boolean() {
    if (text_.substr(pos_, 4) == "True") {
      pos_ += 4;
      return true;
    }
    if (text_.substr(pos_, 5) == "False") {
      pos_ += 5;
      return false;
    }
    bad("expected True or False");
  }
  std::vector<int64_t> tuple() {
    std::vector<int64_t> dims;
    expect('(');
    while (true) {
      skip_space();
      if (peek() == ')') break;
      if (!std::isdigit(static_cast<unsigned char>(peek()))) bad("bad shape");
      int64_t v = 0;
      while (std::isdigit(static_cast<unsigned char>(peek()))) {
        int d = text_[pos_++] - '0';
        if (v > (std::numeric_limits<int64_t>::max() - d) / 10) bad("shape too large");
        v = v * 10 + d;
      }
      if (peek() == 'L') ++pos_;  // Python 2 long suffix
      dims.push_back(v);
      skip_space();
      if (peek() == ',') {
        ++pos_;
        continue;
      }
      if (peek() != ')') bad("bad shape");
    }
    ++pos_;
    return dims;
  }
  void skip_value() {
    int depth = 0;
    while (pos_ < text_.size()) {
      char c = text_[pos_];
      if (c == '\'' || c == '"') {
        string_literal();
        continue;
      }
      if (c == '(' || c == '[' || c == '{') ++depth;
      if (c == ')' || c == ']' || c == '}') {
        if (depth == 0) return;
        --depth;
      }
      if (c == ',' && depth == 0) return;
      ++pos_;
    }
  }

  std::string_view text_;
  const std::string& what_;
  size_t pos_ = 0;
};

/// Where the header text lies, from the first bytes of a file (at least 12 if available).
struct Preamble {
  size_t text_start = 0;
  size_t text_length = 0;
};

Preamble parse_preamble(const char* p, size_t n, const std::string& what) {
  if (n < 10 || std::memcmp(p, kMagic, kMagicSize) != 0)
    throw DataError(in_quotes(what) +
                    " is not a .npy file (it does not start with NumPy's magic bytes)");
  auto major = static_cast<unsigned char>(p[6]);
  auto minor = static_cast<unsigned char>(p[7]);
  auto byte = [&](size_t i) { return static_cast<size_t>(static_cast<unsigned char>(p[i])); };
  if (major == 1) return {10, byte(8) | (byte(9) << 8)};
  if (major == 2 || major == 3) {
    if (n < 12) throw DataError(in_quotes(what) + " is truncated inside its .npy header");
    return {12, byte(8) | (byte(9) << 8) | (byte(10) << 16) | (byte(11) << 24)};
  }
  throw DataError(in_quotes(what) + " uses .npy format version " + std::to_string(major) + "." +
                  std::to_string(minor) + ", which is not supported (1.0, 2.0 and 3.0 are)");
}

/// Parses the preamble and header of `p[0, n)`; n must cover the whole header.
NpyHeader parse_header(const char* p, size_t n, const std::string& what) {
  Preamble pre = parse_preamble(p, n, what);
  if (pre.text_start + pre.text_length > n)
    throw DataError(in_quotes(what) + " is truncated inside its .npy header");
  NpyHeader h = HeaderParser(std::string_view(p + pre.text_start, pre.text_length), what).parse();
  h.data_offset = pre.text_start + pre.text_length;
  return h;
}

int64_t checked_numel(const std::vector<int64_t>& shape, const std::string& what) {
  int64_t n = 1;
  for (auto d : shape) {
    if (d < 0) throw DataError(in_quotes(what) + " has a negative size in its shape");
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / 16 / d)
      throw DataError(in_quotes(what) + " has an impossibly large shape " + tuple_text(shape));
    n *= d;
  }
  return n;
}

template <typename T>
void convert_as(const char* src, int64_t count, float* dst) {
  for (int64_t i = 0; i < count; ++i) {
    T v;
    std::memcpy(&v, src + i * static_cast<int64_t>(sizeof(T)), sizeof(T));
    dst[i] = static_cast<float>(v);
  }
}

/// Converts `count` little-endian values of type `dt` to float32.
void convert(const char* src, int64_t count, Dtype dt, float* dst) {
  switch (dt.kind) {
    case Kind::Float:
      if (dt.size == 4) return convert_as<float>(src, count, dst);
      return convert_as<double>(src, count, dst);
    case Kind::Signed:
      if (dt.size == 1) return convert_as<int8_t>(src, count, dst);
      if (dt.size == 2) return convert_as<int16_t>(src, count, dst);
      if (dt.size == 4) return convert_as<int32_t>(src, count, dst);
      return convert_as<int64_t>(src, count, dst);
    case Kind::Unsigned:
      if (dt.size == 1) return convert_as<uint8_t>(src, count, dst);
      if (dt.size == 2) return convert_as<uint16_t>(src, count, dst);
      if (dt.size == 4) return convert_as<uint32_t>(src, count, dst);
      return convert_as<uint64_t>(src, count, dst);
    case Kind::Bool:
      for (int64_t i = 0; i < count; ++i) dst[i] = src[i] != 0 ? 1.0f : 0.0f;
      return;
  }
}

/// Reorders values stored first-index-fastest (Fortran) into C order.
std::vector<float> fortran_to_c(const std::vector<float>& f, const std::vector<int64_t>& shape) {
  const size_t rank = shape.size();
  if (rank < 2) return f;
  std::vector<int64_t> stride(rank, 1);  // C-order strides
  for (size_t i = rank - 1; i-- > 0;) stride[i] = stride[i + 1] * shape[i + 1];
  std::vector<float> c(f.size());
  std::vector<int64_t> idx(rank, 0);
  int64_t offset = 0;
  for (size_t k = 0; k < f.size(); ++k) {
    c[static_cast<size_t>(offset)] = f[k];
    for (size_t i = 0; i < rank; ++i) {  // advance, first index fastest
      if (++idx[i] < shape[i]) {
        offset += stride[i];
        break;
      }
      offset -= stride[i] * (idx[i] - 1);
      idx[i] = 0;
    }
  }
  return c;
}

std::string temporary_name(const std::string& path) {
  return path + ".partial-" + std::to_string(::getpid());
}

}  // namespace

Array parse_npy(const std::string& bytes, const std::string& what) {
  NpyHeader h = parse_header(bytes.data(), bytes.size(), what);
  int64_t n = checked_numel(h.shape, what);
  size_t need = static_cast<size_t>(n) * static_cast<size_t>(h.dtype.size);
  size_t have = bytes.size() - h.data_offset;
  if (have < need)
    throw DataError(in_quotes(what) + " is truncated: its header announces shape " +
                    tuple_text(h.shape) + " (" + std::to_string(need) + " bytes of data) but only " +
                    std::to_string(have) + " bytes follow");
  Array a;
  a.shape = h.shape;
  try {
    a.data.resize(static_cast<size_t>(n));
  } catch (const std::bad_alloc&) {
    throw DataError(in_quotes(what) + " is too large to load into memory (shape " +
                    tuple_text(h.shape) + ")");
  }
  convert(bytes.data() + h.data_offset, n, h.dtype, a.data.data());
  if (h.fortran_order) a.data = fortran_to_c(a.data, a.shape);
  return a;
}

Array read_npy(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw DataError("cannot open " + in_quotes(path) + ": no such file");
  if (fs::is_directory(path, ec))
    throw DataError(in_quotes(path) + " is a folder, not a .npy file");
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError("cannot open " + in_quotes(path) + ": permission denied or unreadable");
  std::string bytes;
  try {
    bytes.assign(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  } catch (const std::bad_alloc&) {
    throw DataError(in_quotes(path) + " is too large to load into memory");
  }
  if (in.bad()) throw DataError("cannot read " + in_quotes(path) + ": read error");
  return parse_npy(bytes, path);
}

std::string encode_npy(const Array& array) {
  if (static_cast<int64_t>(array.data.size()) != array.numel())
    throw DataError("cannot encode an array of shape " + tuple_text(array.shape) + " holding " +
                    std::to_string(array.data.size()) + " values");
  std::string dict =
      "{'descr': '<f4', 'fortran_order': False, 'shape': " + tuple_text(array.shape) + ", }";
  // numpy pads the header with spaces and a final newline so the data starts on a
  // multiple of 64 bytes; version 2.0 is needed only when the header exceeds 65535 bytes.
  auto padded = [&](size_t preamble) {
    size_t total = preamble + dict.size() + 1;
    return dict + std::string((64 - total % 64) % 64, ' ') + "\n";
  };
  std::string text = padded(10);
  int major = 1;
  if (text.size() > 0xFFFF) {
    major = 2;
    text = padded(12);
  }
  std::string out(kMagic, kMagicSize);
  out += static_cast<char>(major);
  out += '\0';
  size_t len = text.size();
  for (int i = 0; i < (major == 1 ? 2 : 4); ++i) out += static_cast<char>((len >> (8 * i)) & 0xFF);
  out += text;
  out.append(reinterpret_cast<const char*>(array.data.data()), array.data.size() * sizeof(float));
  return out;
}

void write_npy(const std::string& path, const Array& array) {
  std::string bytes = encode_npy(array);
  std::string tmp = temporary_name(path);
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    if (!out)
      throw DataError("cannot create " + in_quotes(path) +
                      ": the folder does not exist or is not writable");
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    out.close();
    if (!out) {
      std::error_code ec;
      fs::remove(tmp, ec);
      throw DataError("cannot write " + in_quotes(path) + ": the disk may be full");
    }
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    std::error_code ignored;
    fs::remove(tmp, ignored);
    throw DataError("cannot write " + in_quotes(path) + ": " + ec.message());
  }
}

// ---------------------------------------------------------------------------------------
// NpyFrameSource

struct NpyFrameSource::Impl {
  std::string path;
  std::ifstream in;
  NpyHeader header;
  std::array<int64_t, 5> shape{};
  std::vector<char> buffer;
};

NpyFrameSource::NpyFrameSource(const std::string& path) : impl_(std::make_unique<Impl>()) {
  Impl& s = *impl_;
  s.path = path;
  std::error_code ec;
  if (!fs::exists(path, ec)) throw DataError("cannot open " + in_quotes(path) + ": no such file");
  if (fs::is_directory(path, ec))
    throw DataError(in_quotes(path) + " is a folder, not a .npy file");
  auto file_size = fs::file_size(path, ec);
  if (ec) throw DataError("cannot open " + in_quotes(path) + ": " + ec.message());
  s.in.open(path, std::ios::binary);
  if (!s.in) throw DataError("cannot open " + in_quotes(path) + ": permission denied or unreadable");

  std::vector<char> head(12);
  s.in.read(head.data(), 12);
  size_t got = static_cast<size_t>(s.in.gcount());
  Preamble pre = parse_preamble(head.data(), got, path);
  size_t header_size = pre.text_start + pre.text_length;
  if (header_size > file_size) throw DataError(in_quotes(path) + " is truncated inside its .npy header");
  head.resize(header_size);
  s.in.clear();
  s.in.seekg(0);
  s.in.read(head.data(), static_cast<std::streamsize>(header_size));
  if (static_cast<size_t>(s.in.gcount()) != header_size)
    throw DataError("cannot read the .npy header of " + in_quotes(path));
  s.header = parse_header(head.data(), header_size, path);

  const auto& dims = s.header.shape;
  if (dims.size() == 3) {
    s.shape = {1, 1, dims[0], dims[1], dims[2]};
  } else if (dims.size() == 5) {
    s.shape = {dims[0], dims[1], dims[2], dims[3], dims[4]};
  } else {
    throw DataError(in_quotes(path) + " has shape " + tuple_text(dims) +
                    "; an input video must have 3 dimensions [time, x, y] or 5 dimensions "
                    "[batch, channel, time, x, y]");
  }
  if (s.header.fortran_order && checked_numel(dims, path) > 1)
    throw DataError(in_quotes(path) +
                    " is stored in Fortran order, which cannot be streamed frame by frame; "
                    "save it in C order, e.g. np.save(path, np.ascontiguousarray(arr))");
  int64_t n = checked_numel(dims, path);
  uint64_t need = static_cast<uint64_t>(n) * static_cast<uint64_t>(s.header.dtype.size);
  if (file_size - s.header.data_offset < need)
    throw DataError(in_quotes(path) + " is truncated: its header announces shape " +
                    tuple_text(dims) + " (" + std::to_string(need) + " bytes of data) but only " +
                    std::to_string(file_size - s.header.data_offset) + " bytes follow");
}

NpyFrameSource::~NpyFrameSource() = default;

std::array<int64_t, 5> NpyFrameSource::shape() const { return impl_->shape; }

Array NpyFrameSource::read(int64_t t0, int64_t n) {
  Impl& s = *impl_;
  const auto [B, C, T, X, Y] = s.shape;
  if (t0 < 0) throw DataError("cannot read frame " + std::to_string(t0) + " of " + in_quotes(s.path));
  if (n < 0) n = 0;
  n = std::max<int64_t>(0, std::min(n, T - t0));
  Array out;
  out.shape = {B, C, n, X, Y};
  out.data.resize(static_cast<size_t>(out.numel()));
  if (n == 0) return out;
  const int64_t item = s.header.dtype.size;
  const int64_t frame_values = X * Y;
  const int64_t slab_values = n * frame_values;
  s.buffer.resize(static_cast<size_t>(slab_values * item));
  for (int64_t bc = 0; bc < B * C; ++bc) {
    int64_t first = (bc * T + t0) * frame_values;
    s.in.clear();
    s.in.seekg(static_cast<std::streamoff>(s.header.data_offset + first * item));
    s.in.read(s.buffer.data(), static_cast<std::streamsize>(s.buffer.size()));
    if (!s.in || static_cast<size_t>(s.in.gcount()) != s.buffer.size())
      throw DataError("cannot read frames " + std::to_string(t0) + " to " +
                      std::to_string(t0 + n - 1) + " of " + in_quotes(s.path) +
                      ": the file is truncated or unreadable");
    convert(s.buffer.data(), slab_values, s.header.dtype, out.data.data() + bc * slab_values);
  }
  return out;
}

}  // namespace cvm::io
