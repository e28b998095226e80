// NumPy .npz reading and writing through libzip (see npz.h).
#include "interpreter/io/npz.h"

#include <unistd.h>
#include <zip.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>
#include <system_error>

#include "interpreter/io/npy.h"

namespace cvm::io {
namespace {

namespace fs = std::filesystem;

std::string in_quotes(const std::string& s) { return "'" + s + "'"; }

struct ArchiveCloser {
  void operator()(zip_t* z) const { zip_discard(z); }  // only reached when not committed
};
using Archive = std::unique_ptr<zip_t, ArchiveCloser>;

struct EntryCloser {
  void operator()(zip_file_t* f) const { zip_fclose(f); }
};
using Entry = std::unique_ptr<zip_file_t, EntryCloser>;

std::string zip_error_text(int code) {
  zip_error_t e;
  zip_error_init_with_code(&e, code);
  std::string s = zip_error_strerror(&e);
  zip_error_fini(&e);
  return s;
}

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::vector<std::pair<std::string, Array>> read_npz(const std::string& path) {
  std::error_code ec;
  if (!fs::exists(path, ec)) throw DataError("cannot open " + in_quotes(path) + ": no such file");
  if (fs::is_directory(path, ec))
    throw DataError(in_quotes(path) + " is a folder, not a .npz archive");
  int err = 0;
  Archive za(zip_open(path.c_str(), ZIP_RDONLY, &err));
  if (!za) {
    if (err == ZIP_ER_NOZIP || err == ZIP_ER_INCONS)
      throw DataError(in_quotes(path) + " is not a .npz archive (it is not a valid zip file)");
    throw DataError("cannot open " + in_quotes(path) + ": " + zip_error_text(err));
  }
  std::vector<std::pair<std::string, Array>> result;
  zip_int64_t count = zip_get_num_entries(za.get(), 0);
  for (zip_int64_t i = 0; i < count; ++i) {
    const char* raw_name = zip_get_name(za.get(), static_cast<zip_uint64_t>(i), ZIP_FL_ENC_GUESS);
    std::string name = raw_name ? raw_name : "#" + std::to_string(i);
    if (ends_with(name, "/")) continue;  // a folder entry
    std::string what = "entry " + in_quotes(name) + " of " + path;
    if (!ends_with(name, ".npy"))
      throw DataError(in_quotes(path) + " contains entry " + in_quotes(name) +
                      ", which is not a .npy array");
    zip_stat_t st;
    zip_stat_init(&st);
    if (zip_stat_index(za.get(), static_cast<zip_uint64_t>(i), 0, &st) != 0 ||
        !(st.valid & ZIP_STAT_SIZE))
      throw DataError("cannot read " + what + ": " + zip_strerror(za.get()));
    Entry f(zip_fopen_index(za.get(), static_cast<zip_uint64_t>(i), 0));
    if (!f) throw DataError("cannot read " + what + ": " + zip_strerror(za.get()));
    std::string bytes;
    try {
      bytes.resize(static_cast<size_t>(st.size));
    } catch (const std::bad_alloc&) {
      throw DataError(what + " is too large to load into memory");
    }
    zip_uint64_t done = 0;
    while (done < st.size) {
      zip_int64_t got = zip_fread(f.get(), bytes.data() + done, st.size - done);
      if (got < 0)
        throw DataError("cannot read " + what + ": " + zip_file_strerror(f.get()) +
                        " (the archive may be damaged)");
      if (got == 0) break;
      done += static_cast<zip_uint64_t>(got);
    }
    if (done != st.size) throw DataError("cannot read " + what + ": the archive is truncated");
    result.emplace_back(name.substr(0, name.size() - 4), parse_npy(bytes, what));
  }
  return result;
}

void write_npz(const std::string& path,
               const std::vector<std::pair<std::string, Array>>& entries) {
  std::set<std::string> seen;
  for (const auto& [name, array] : entries) {
    if (name.empty()) throw DataError("cannot write " + in_quotes(path) + ": an array has no name");
    if (!seen.insert(name).second)
      throw DataError("cannot write " + in_quotes(path) + ": the name " + in_quotes(name) +
                      " is used twice");
  }
  const std::string tmp = path + ".partial-" + std::to_string(::getpid());
  auto remove_tmp = [&] {
    std::error_code ignored;
    fs::remove(tmp, ignored);
  };
  int err = 0;
  Archive za(zip_open(tmp.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err));
  if (!za)
    throw DataError("cannot create " + in_quotes(path) + ": " + zip_error_text(err) +
                    " (does the folder exist and is it writable?)");
  // libzip reads the buffers only in zip_close, so they must live until then.
  std::vector<std::unique_ptr<std::string>> buffers;
  for (const auto& [name, array] : entries) {
    buffers.push_back(std::make_unique<std::string>(encode_npy(array)));
    const std::string& bytes = *buffers.back();
    zip_source_t* src = zip_source_buffer(za.get(), bytes.data(), bytes.size(), 0);
    if (!src) throw DataError("cannot write " + in_quotes(path) + ": " + zip_strerror(za.get()));
    zip_int64_t index =
        zip_file_add(za.get(), (name + ".npy").c_str(), src, ZIP_FL_ENC_UTF_8 | ZIP_FL_OVERWRITE);
    if (index < 0) {
      zip_source_free(src);
      throw DataError("cannot add " + in_quotes(name) + " to " + in_quotes(path) + ": " +
                      zip_strerror(za.get()));
    }
    zip_set_file_compression(za.get(), static_cast<zip_uint64_t>(index), ZIP_CM_STORE, 0);
  }
  if (zip_close(za.get()) != 0) {
    std::string why = zip_strerror(za.get());
    za.reset();  // zip_discard
    remove_tmp();
    throw DataError("cannot write " + in_quotes(path) + ": " + why);
  }
  za.release();  // closed successfully: zip_close freed it
  std::error_code ec;
  if (entries.empty() && !fs::exists(tmp, ec)) {
    // libzip writes nothing for an empty archive; numpy writes an empty zip (22 bytes).
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out.write("PK\x05\x06", 4);
    out.write(std::string(18, '\0').data(), 18);
    out.close();
    if (!out) {
      remove_tmp();
      throw DataError("cannot write " + in_quotes(path) + ": the disk may be full");
    }
  }
  fs::rename(tmp, path, ec);
  if (ec) {
    remove_tmp();
    throw DataError("cannot write " + in_quotes(path) + ": " + ec.message());
  }
}

}  // namespace cvm::io
