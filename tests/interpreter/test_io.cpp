// Tests of the data I/O layer: .npy, .npz and HDF5 reading and writing, frame sources,
// error messages, and reading the convis reference file.
#include <hdf5.h>
#include <zip.h>

#include <catch2/catch.hpp>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <string>
#include <unistd.h>

#include "interpreter/io/hdf5_file.h"
#include "interpreter/io/npy.h"
#include "interpreter/io/npz.h"
#include "tests/support/temp_dir.h"
#include "tests/support/reference_file.h"

namespace fs = std::filesystem;
using cvm::io::Array;
using cvm::io::DataError;

namespace {

using cvm::test::TempDir;

Array ramp(std::vector<int64_t> shape, float scale = 0.5f) {
  Array a;
  a.shape = std::move(shape);
  a.data.resize(static_cast<size_t>(a.numel()));
  for (size_t i = 0; i < a.data.size(); ++i) a.data[i] = static_cast<float>(i) * scale - 3.0f;
  return a;
}

/// A .npy file built by hand with the given header dict and raw data bytes (version 1.0).
std::string hand_npy(const std::string& dict, const std::string& data) {
  std::string text = dict;
  while ((10 + text.size() + 1) % 64 != 0) text += ' ';
  text += '\n';
  std::string out("\x93NUMPY\x01\x00", 8);
  out += static_cast<char>(text.size() & 0xFF);
  out += static_cast<char>(text.size() >> 8);
  return out + text + data;
}

template <typename T>
std::string raw(const std::vector<T>& v) {
  return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(T));
}

/// Runs `f`, requires a DataError and that its message mentions every one of `parts`.
template <typename F>
void require_data_error(F f, std::vector<std::string> parts) {
  try {
    f();
    FAIL("expected a DataError");
  } catch (const DataError& e) {
    std::string msg = e.what();
    INFO("message: " << msg);
    for (const auto& p : parts) CHECK(msg.find(p) != std::string::npos);
  }
}

using cvm::test::reference_file;

/// Reads a scalar attribute of an HDF5 object, as the test's independent check.
template <typename T>
T read_attribute(const std::string& file, const std::string& object, const std::string& key,
                 hid_t type) {
  hid_t f = H5Fopen(file.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(f >= 0);
  hid_t a = H5Aopen_by_name(f, object.c_str(), key.c_str(), H5P_DEFAULT, H5P_DEFAULT);
  REQUIRE(a >= 0);
  T value{};
  REQUIRE(H5Aread(a, type, &value) >= 0);
  H5Aclose(a);
  H5Fclose(f);
  return value;
}

std::string read_string_attribute(const std::string& file, const std::string& object,
                                  const std::string& key) {
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);
  H5Tset_cset(t, H5T_CSET_UTF8);
  char* p = read_attribute<char*>(file, object, key, t);
  std::string s = p ? p : "";
  free(p);
  H5Tclose(t);
  return s;
}

}  // namespace

// ---------------------------------------------------------------------------------------
// .npy

TEST_CASE("npy round trip keeps shape and values", "[io][npy]") {
  TempDir dir;
  for (auto shape : std::vector<std::vector<int64_t>>{{}, {7}, {3, 4}, {2, 3, 4, 5, 6}, {0, 3}}) {
    Array a = ramp(shape);
    std::string bytes = cvm::io::encode_npy(a);
    // numpy aligns the data start on 64 bytes
    REQUIRE(bytes.size() >= 128);
    size_t header_len = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
    CHECK((10 + header_len) % 64 == 0);
    CHECK(bytes.size() == 10 + header_len + a.data.size() * 4);

    std::string path = dir / "a.npy";
    cvm::io::write_npy(path, a);
    Array b = cvm::io::read_npy(path);
    CHECK(b.shape == a.shape);
    CHECK(b.data == a.data);
  }
  // exact header for a 0-d array and a 1-d array, as numpy writes them
  std::string zero_d = cvm::io::encode_npy(ramp({}));
  CHECK(zero_d.find("{'descr': '<f4', 'fortran_order': False, 'shape': (), }") != std::string::npos);
  std::string one_d = cvm::io::encode_npy(ramp({5}));
  CHECK(one_d.find("'shape': (5,), }") != std::string::npos);
  CHECK(cvm::io::read_npy(dir / "a.npy").shape == std::vector<int64_t>{0, 3});
  CHECK_FALSE(fs::exists(dir / "a.npy.partial-" + std::to_string(::getpid())));
}

TEST_CASE("npy parses float64 and Fortran-order arrays", "[io][npy]") {
  std::vector<double> d = {1.5, -2.0, 3.25, 4.0, 5.0, 6.0};
  Array a = cvm::io::parse_npy(
      hand_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3), }", raw(d)), "d.npy");
  CHECK(a.shape == std::vector<int64_t>{2, 3});
  CHECK(a.data == std::vector<float>{1.5f, -2.0f, 3.25f, 4.0f, 5.0f, 6.0f});

  // Fortran order: element (i, j) is stored at i + 2 * j
  std::vector<double> f = {0, 10, 1, 11, 2, 12};  // C-order [[0,1,2],[10,11,12]]
  Array b = cvm::io::parse_npy(
      hand_npy("{'descr': '<f8', 'fortran_order': True, 'shape': (2, 3), }", raw(f)), "f.npy");
  CHECK(b.shape == std::vector<int64_t>{2, 3});
  CHECK(b.data == std::vector<float>{0, 1, 2, 10, 11, 12});

  // 3-d Fortran order
  std::vector<float> f3(24);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) f3[static_cast<size_t>(i + 2 * j + 6 * k)] = static_cast<float>(100 * i + 10 * j + k);
  Array c = cvm::io::parse_npy(
      hand_npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3, 4), }", raw(f3)), "f3");
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int k = 0; k < 4; ++k) CHECK(c.data[static_cast<size_t>(12 * i + 4 * j + k)] == 100 * i + 10 * j + k);
}

TEST_CASE("npy reads integer and boolean types", "[io][npy]") {
  auto shape3 = "{'descr': '%', 'fortran_order': False, 'shape': (3,), }";
  auto dict = [&](const std::string& descr) {
    std::string s = shape3;
    return s.replace(s.find('%'), 1, descr);
  };
  CHECK(cvm::io::parse_npy(hand_npy(dict("<i8"), raw(std::vector<int64_t>{-5, 0, 7})), "x").data ==
        std::vector<float>{-5, 0, 7});
  CHECK(cvm::io::parse_npy(hand_npy(dict("<u2"), raw(std::vector<uint16_t>{1, 65535, 3})), "x").data ==
        std::vector<float>{1, 65535, 3});
  CHECK(cvm::io::parse_npy(hand_npy(dict("|i1"), raw(std::vector<int8_t>{-128, 1, 127})), "x").data ==
        std::vector<float>{-128, 1, 127});
  CHECK(cvm::io::parse_npy(hand_npy(dict("|u1"), raw(std::vector<uint8_t>{0, 200, 255})), "x").data ==
        std::vector<float>{0, 200, 255});
  CHECK(cvm::io::parse_npy(hand_npy(dict("|b1"), raw(std::vector<uint8_t>{1, 0, 1})), "x").data ==
        std::vector<float>{1, 0, 1});
  CHECK(cvm::io::parse_npy(hand_npy(dict("<i4"), raw(std::vector<int32_t>{-1, 2, 3})), "x").data ==
        std::vector<float>{-1, 2, 3});

  // version 2.0 header (4-byte length)
  std::string text = "{'descr': '<f4', 'fortran_order': False, 'shape': (2,), }";
  while ((12 + text.size() + 1) % 64) text += ' ';
  text += '\n';
  std::string v2("\x93NUMPY\x02\x00", 8);
  for (int i = 0; i < 4; ++i) v2 += static_cast<char>((text.size() >> (8 * i)) & 0xFF);
  v2 += text + raw(std::vector<float>{4.5f, -1.f});
  CHECK(cvm::io::parse_npy(v2, "v2").data == std::vector<float>{4.5f, -1.f});
}

TEST_CASE("npy rejects unusable files with clear messages", "[io][npy][errors]") {
  TempDir dir;
  require_data_error([&] { cvm::io::read_npy(dir / "missing.npy"); }, {"missing.npy", "no such file"});
  {
    std::ofstream(dir / "bad.npy") << "this is not numpy";
  }
  require_data_error([&] { cvm::io::read_npy(dir / "bad.npy"); }, {"bad.npy", "not a .npy file"});
  auto dict = [](const std::string& descr) {
    return "{'descr': '" + descr + "', 'fortran_order': False, 'shape': (1,), }";
  };
  require_data_error([&] { cvm::io::parse_npy(hand_npy(dict(">f4"), "abcd"), "be.npy"); },
                     {"be.npy", "big-endian"});
  require_data_error([&] { cvm::io::parse_npy(hand_npy(dict("|O"), "abcdefgh"), "obj.npy"); },
                     {"obj.npy", "Python objects"});
  require_data_error([&] { cvm::io::parse_npy(hand_npy(dict("<f2"), "ab"), "half.npy"); },
                     {"half.npy", "float16"});
  require_data_error(
      [&] {
        cvm::io::parse_npy(
            hand_npy("{'descr': '<f4', 'fortran_order': False, 'shape': (10,), }", "abcd"), "short.npy");
      },
      {"short.npy", "truncated"});
}

TEST_CASE("NpyFrameSource reads frame ranges from disk", "[io][npy]") {
  TempDir dir;
  SECTION("3-d") {
    Array a = ramp({20, 3, 4});
    cvm::io::write_npy(dir / "v3.npy", a);
    cvm::io::NpyFrameSource src(dir / "v3.npy");
    CHECK(src.shape() == std::array<int64_t, 5>{1, 1, 20, 3, 4});
    CHECK(src.frames() == 20);
    Array chunk = src.read(5, 4);
    CHECK(chunk.shape == std::vector<int64_t>{1, 1, 4, 3, 4});
    CHECK(std::equal(chunk.data.begin(), chunk.data.end(), a.data.begin() + 5 * 12));
    Array tail = src.read(18, 10);
    CHECK(tail.shape == std::vector<int64_t>{1, 1, 2, 3, 4});
    CHECK(std::equal(tail.data.begin(), tail.data.end(), a.data.begin() + 18 * 12));
    CHECK(src.read(20, 5).shape == std::vector<int64_t>{1, 1, 0, 3, 4});
  }
  SECTION("5-d with several batches and channels, float64 on disk") {
    const int64_t B = 2, C = 3, T = 9, X = 2, Y = 3;
    std::vector<double> d(static_cast<size_t>(B * C * T * X * Y));
    for (size_t i = 0; i < d.size(); ++i) d[i] = static_cast<double>(i);
    {
      std::ofstream out(dir / "v5.npy", std::ios::binary);
      out << hand_npy("{'descr': '<f8', 'fortran_order': False, 'shape': (2, 3, 9, 2, 3), }", raw(d));
    }
    cvm::io::NpyFrameSource src(dir / "v5.npy");
    CHECK(src.shape() == std::array<int64_t, 5>{B, C, T, X, Y});
    Array whole = cvm::io::read_npy(dir / "v5.npy");
    Array chunk = src.read(3, 4);
    REQUIRE(chunk.shape == std::vector<int64_t>{B, C, 4, X, Y});
    for (int64_t b = 0; b < B; ++b)
      for (int64_t c = 0; c < C; ++c)
        for (int64_t t = 0; t < 4; ++t)
          for (int64_t xy = 0; xy < X * Y; ++xy)
            CHECK(chunk.data[static_cast<size_t>(((b * C + c) * 4 + t) * X * Y + xy)] ==
                  whole.data[static_cast<size_t>(((b * C + c) * T + t + 3) * X * Y + xy)]);
  }
  SECTION("errors") {
    cvm::io::write_npy(dir / "flat.npy", ramp({4, 4}));
    require_data_error([&] { cvm::io::NpyFrameSource s(dir / "flat.npy"); },
                       {"flat.npy", "3 dimensions"});
    std::vector<float> f(2 * 2 * 2);
    {
      std::ofstream out(dir / "fortran.npy", std::ios::binary);
      out << hand_npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2, 2), }", raw(f));
    }
    require_data_error([&] { cvm::io::NpyFrameSource s(dir / "fortran.npy"); },
                       {"fortran.npy", "C order"});
    require_data_error([&] { cvm::io::NpyFrameSource s(dir / "nope.npy"); }, {"nope.npy"});
  }
}

// ---------------------------------------------------------------------------------------
// .npz

TEST_CASE("npz write and read round trip", "[io][npz]") {
  TempDir dir;
  std::vector<std::pair<std::string, Array>> entries = {
      {"weight", ramp({2, 3, 4})}, {"bias", ramp({})}, {"alpha", ramp({5}, 2.0f)}};
  std::string path = dir / "bundle.npz";
  cvm::io::write_npz(path, entries);
  CHECK_FALSE(fs::exists(path + ".partial-" + std::to_string(::getpid())));
  auto back = cvm::io::read_npz(path);
  REQUIRE(back.size() == 3);
  for (size_t i = 0; i < 3; ++i) {
    CHECK(back[i].first == entries[i].first);
    CHECK(back[i].second.shape == entries[i].second.shape);
    CHECK(back[i].second.data == entries[i].second.data);
  }
  // overwriting replaces the archive
  cvm::io::write_npz(path, {{"only", ramp({2})}});
  REQUIRE(cvm::io::read_npz(path).size() == 1);
  // an empty archive is still a valid file
  cvm::io::write_npz(dir / "empty.npz", {});
  CHECK(cvm::io::read_npz(dir / "empty.npz").empty());
}

TEST_CASE("npz reads deflate-compressed entries (np.savez_compressed)", "[io][npz]") {
  TempDir dir;
  std::string path = dir / "compressed.npz";
  Array a = ramp({3, 50});
  std::string bytes = cvm::io::encode_npy(a);
  int err = 0;
  zip_t* z = zip_open(path.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
  REQUIRE(z);
  zip_source_t* src = zip_source_buffer(z, bytes.data(), bytes.size(), 0);
  zip_int64_t idx = zip_file_add(z, "x.npy", src, 0);
  REQUIRE(idx >= 0);
  zip_set_file_compression(z, static_cast<zip_uint64_t>(idx), ZIP_CM_DEFLATE, 9);
  REQUIRE(zip_close(z) == 0);
  auto back = cvm::io::read_npz(path);
  REQUIRE(back.size() == 1);
  CHECK(back[0].first == "x");
  CHECK(back[0].second.data == a.data);
}

TEST_CASE("npz errors name the file", "[io][npz][errors]") {
  TempDir dir;
  require_data_error([&] { cvm::io::read_npz(dir / "missing.npz"); }, {"missing.npz", "no such file"});
  {
    std::ofstream(dir / "bad.npz") << "definitely not a zip archive, just some text here";
  }
  require_data_error([&] { cvm::io::read_npz(dir / "bad.npz"); }, {"bad.npz", "not a .npz"});
  require_data_error([&] { cvm::io::write_npz(dir / "no/such/folder/x.npz", {{"a", ramp({1})}}); },
                     {"x.npz"});
  require_data_error([&] { cvm::io::write_npz(dir / "dup.npz", {{"a", ramp({1})}, {"a", ramp({1})}}); },
                     {"dup.npz", "twice"});
  CHECK_FALSE(fs::exists(dir / "dup.npz"));
}

// ---------------------------------------------------------------------------------------
// HDF5

TEST_CASE("Hdf5OutputFile appends in chunks, sets attributes and commits", "[io][hdf5]") {
  TempDir dir;
  const std::string path = dir / "out.h5";
  const int64_t B = 2, C = 1, T = 23, X = 3, Y = 4;
  Array whole = ramp({B, C, T, X, Y});
  std::string tmp;
  {
    cvm::io::Hdf5OutputFile out(path);
    tmp = out.temporary_path();
    CHECK(fs::exists(tmp));
    CHECK_FALSE(fs::exists(path));
    out.add_stream("output", {B, C, X, Y});
    out.add_stream("records/opl", {1, 1, X, Y});
    // append frames [0,5), [5,12), [12,23) laid out [B, C, n, X, Y]
    for (auto [t0, n] : std::vector<std::pair<int64_t, int64_t>>{{0, 5}, {5, 7}, {12, 11}}) {
      std::vector<float> chunk;
      for (int64_t bc = 0; bc < B * C; ++bc)
        chunk.insert(chunk.end(), whole.data.begin() + (bc * T + t0) * X * Y,
                     whole.data.begin() + (bc * T + t0 + n) * X * Y);
      out.append("output", chunk.data(), n);
      out.append("records/opl", chunk.data(), n);
    }
    CHECK(out.frames_written("output") == 23);
    out.set_attribute("/", "model", std::string("ln.cvm"));
    out.set_attribute("/", "dt", 0.001);
    out.set_attribute("/", "seed", int64_t{42});
    out.set_attribute("/", "seed", 43);  // replaces
    out.set_attribute("/outputs/output", "unit", std::string("a.u."));
    out.write_dataset("/params/layer/kernel", ramp({2, 2}));
    out.write_dataset("/params/scalar", ramp({}));
    require_data_error([&] { out.append("nope", whole.data.data(), 1); }, {"nope", "out.h5"});
    require_data_error([&] { out.set_attribute("/no/such", "k", 1.0); }, {"/no/such", "out.h5"});
    out.commit();
  }
  CHECK(fs::exists(path));
  CHECK_FALSE(fs::exists(tmp));
  Array back = cvm::io::read_hdf5_dataset(path, "/outputs/output");
  CHECK(back.shape == whole.shape);
  CHECK(back.data == whole.data);
  Array opl = cvm::io::read_hdf5_dataset(path, "outputs/records/opl");
  CHECK(opl.shape == std::vector<int64_t>{1, 1, T, X, Y});
  CHECK(std::equal(opl.data.begin(), opl.data.end(), whole.data.begin()));
  CHECK(read_string_attribute(path, "/", "model") == "ln.cvm");
  CHECK(read_attribute<double>(path, "/", "dt", H5T_NATIVE_DOUBLE) == 0.001);
  CHECK(read_attribute<int64_t>(path, "/", "seed", H5T_NATIVE_INT64) == 43);
  CHECK(read_string_attribute(path, "/outputs/output", "unit") == "a.u.");
  CHECK(cvm::io::read_hdf5_dataset(path, "/params/layer/kernel").data == ramp({2, 2}).data);
  CHECK(cvm::io::read_hdf5_dataset(path, "/params/scalar").shape.empty());
  CHECK(cvm::io::list_hdf5_datasets(path, "/outputs") == std::vector<std::string>{"output"});
  CHECK(cvm::io::list_hdf5_datasets(path, "/params") == std::vector<std::string>{"scalar"});
  CHECK(cvm::io::hdf5_has_dataset(path, "/outputs/records/opl"));
  CHECK_FALSE(cvm::io::hdf5_has_dataset(path, "/outputs/records"));
  CHECK_FALSE(cvm::io::hdf5_has_dataset(path, "/outputs/missing/deeper"));

  // a second commit to the same path replaces the file
  {
    cvm::io::Hdf5OutputFile out(path);
    out.add_stream("other", {1, 1, 1, 1});
    float v = 7;
    out.append("other", &v, 1);
    out.commit();
  }
  CHECK_FALSE(cvm::io::hdf5_has_dataset(path, "/outputs/output"));
  CHECK(cvm::io::read_hdf5_dataset(path, "/outputs/other").data == std::vector<float>{7});
}

TEST_CASE("Hdf5OutputFile without commit leaves no file", "[io][hdf5]") {
  TempDir dir;
  const std::string path = dir / "never.h5";
  std::string tmp;
  {
    cvm::io::Hdf5OutputFile out(path);
    tmp = out.temporary_path();
    out.add_stream("output", {1, 1, 2, 2});
    std::vector<float> v(8, 1.0f);
    out.append("output", v.data(), 2);
    CHECK(fs::exists(tmp));
  }
  CHECK_FALSE(fs::exists(tmp));
  CHECK_FALSE(fs::exists(path));
  CHECK(fs::is_empty(dir.path));
  require_data_error([&] { cvm::io::Hdf5OutputFile out(dir / "no/folder/x.h5"); },
                     {"x.h5", "does not exist"});
}

TEST_CASE("Hdf5FrameSource reads slices of 3-d and 5-d datasets", "[io][hdf5]") {
  TempDir dir;
  const std::string path = dir / "in.h5";
  Array v3 = ramp({11, 2, 3});
  Array v5 = ramp({2, 2, 11, 2, 3});
  {
    cvm::io::Hdf5OutputFile out(path);
    out.write_dataset("/video3", v3);
    out.write_dataset("/video5", v5);
    out.write_dataset("/flat", ramp({4, 4}));
    out.commit();
  }
  cvm::io::Hdf5FrameSource s3(path, "/video3");
  CHECK(s3.shape() == std::array<int64_t, 5>{1, 1, 11, 2, 3});
  Array c = s3.read(4, 3);
  CHECK(c.shape == std::vector<int64_t>{1, 1, 3, 2, 3});
  CHECK(std::equal(c.data.begin(), c.data.end(), v3.data.begin() + 4 * 6));
  CHECK(s3.read(9, 5).shape == std::vector<int64_t>{1, 1, 2, 2, 3});
  CHECK(s3.read(11, 5).data.empty());

  cvm::io::Hdf5FrameSource s5(path, "video5");
  Array d = s5.read(2, 5);
  REQUIRE(d.shape == std::vector<int64_t>{2, 2, 5, 2, 3});
  for (int64_t bc = 0; bc < 4; ++bc)
    CHECK(std::equal(d.data.begin() + bc * 30, d.data.begin() + (bc + 1) * 30,
                     v5.data.begin() + (bc * 11 + 2) * 6));
  require_data_error([&] { cvm::io::Hdf5FrameSource s(path, "/flat"); }, {"in.h5", "/flat", "3 dimensions"});
}

TEST_CASE("HDF5 errors name the file and dataset", "[io][hdf5][errors]") {
  TempDir dir;
  require_data_error([&] { cvm::io::read_hdf5_dataset(dir / "missing.h5", "/x"); },
                     {"missing.h5", "no such file"});
  {
    std::ofstream(dir / "text.h5") << "not an hdf5 file at all";
  }
  require_data_error([&] { cvm::io::read_hdf5_dataset(dir / "text.h5", "/x"); },
                     {"text.h5", "not an HDF5 file"});
  require_data_error([&] { cvm::io::Hdf5FrameSource s(dir / "text.h5", "/x"); }, {"text.h5"});
  const std::string path = dir / "small.h5";
  {
    cvm::io::Hdf5OutputFile out(path);
    out.write_dataset("/group/data", ramp({2}));
    out.commit();
  }
  require_data_error([&] { cvm::io::read_hdf5_dataset(path, "/group/nothing"); },
                     {"small.h5", "/group/nothing"});
  require_data_error([&] { cvm::io::read_hdf5_dataset(path, "/nowhere/data"); },
                     {"small.h5", "/nowhere/data", "'/nowhere'"});
  require_data_error([&] { cvm::io::read_hdf5_dataset(path, "/group"); }, {"small.h5", "group"});
  require_data_error([&] { cvm::io::list_hdf5_datasets(path, "/absent"); }, {"small.h5", "/absent"});
  require_data_error([&] { cvm::io::Hdf5FrameSource s(path, "/missing"); }, {"small.h5", "/missing"});
  require_data_error([&] { cvm::io::hdf5_has_dataset(dir / "missing.h5", "/x"); }, {"missing.h5"});
  // failures leave no HDF5 file, dataset or property list open
  CHECK(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);
}

TEST_CASE("the convis reference file reads through the I/O layer", "[io][hdf5][reference]") {
  const std::string ref = reference_file();
  const std::string base = "/cases/model_ln__random";
  Array w = cvm::io::read_hdf5_dataset(ref, base + "/params/conv_weight");
  CHECK(w.shape == std::vector<int64_t>{1, 1, 10, 5, 5});
  CHECK(cvm::io::hdf5_has_dataset(ref, base + "/input"));
  auto names = cvm::io::list_hdf5_datasets(ref, base);
  CHECK(std::find(names.begin(), names.end(), "input") != names.end());

  // gzip + shuffle compressed inputs, read in chunks of 7 frames, equal the whole read
  for (const std::string& dataset : {base + "/input", std::string("/cases/retina_nospikes_grating/input")}) {
    INFO("dataset " << dataset);
    Array whole = cvm::io::read_hdf5_dataset(ref, dataset);
    REQUIRE(whole.shape.size() == 5);
    cvm::io::Hdf5FrameSource src(ref, dataset);
    auto shape = src.shape();
    CHECK(std::vector<int64_t>(shape.begin(), shape.end()) == whole.shape);
    const int64_t B = shape[0], C = shape[1], T = shape[2], XY = shape[3] * shape[4];
    REQUIRE(B * C == 1);
    std::vector<float> joined;
    for (int64_t t0 = 0; t0 < T; t0 += 7) {
      Array chunk = src.read(t0, 7);
      CHECK(chunk.shape[2] == std::min<int64_t>(7, T - t0));
      joined.insert(joined.end(), chunk.data.begin(), chunk.data.end());
    }
    CHECK(static_cast<int64_t>(joined.size()) == T * XY);
    CHECK(joined == whole.data);
    bool any_nonzero = std::any_of(whole.data.begin(), whole.data.end(), [](float v) { return v != 0; });
    CHECK(any_nonzero);
  }
  CHECK(H5Fget_obj_count(H5F_OBJ_ALL, H5F_OBJ_ALL) == 0);
}
