// Reading convis's reference file (../shared/reference/convis_reference.h5) in tests: its
// path (a missing file fails the calling test, never skips it), datasets as tensors, and
// attributes (numbers and strings), which the project's I/O layer does not read.
#pragma once

#include <catch2/catch.hpp>
#include <hdf5.h>

#include <filesystem>
#include <string>
#include <vector>

#include <torch/torch.h>

#include "interpreter/io/hdf5_file.h"

namespace cvm::test {

/// The reference file; a missing file fails the calling test with a clear message.
inline std::string reference_file() {
  const std::string path = std::string(CVM_REFERENCE_DIR) + "/convis_reference.h5";
  if (!std::filesystem::exists(path)) {
    FAIL("convis reference file missing: " << path << " (set CVM_REFERENCE_DIR to the folder holding it)");
  }
  return path;
}

inline at::Tensor to_tensor(const io::Array& a) {
  return at::tensor(at::ArrayRef<float>(a.data), at::kFloat).reshape(a.shape);
}

/// A dataset of the reference file as a float32 tensor.
inline at::Tensor load_reference(const std::string& dataset) {
  return to_tensor(io::read_hdf5_dataset(reference_file(), dataset));
}

/// A number or string attribute of an object in the reference file.
class ReferenceAttribute {
 public:
  ReferenceAttribute(const std::string& object, const std::string& name) {
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
    file_ = H5Fopen(reference_file().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
    if (file_ >= 0) attr_ = H5Aopen_by_name(file_, object.c_str(), name.c_str(), H5P_DEFAULT, H5P_DEFAULT);
    if (attr_ < 0) {
      if (file_ >= 0) H5Fclose(file_);
      FAIL("cannot read attribute '" << name << "' of " << object);
    }
  }
  ~ReferenceAttribute() {
    H5Aclose(attr_);
    H5Fclose(file_);
  }
  ReferenceAttribute(const ReferenceAttribute&) = delete;
  ReferenceAttribute& operator=(const ReferenceAttribute&) = delete;

  double number() const {
    double v = 0;
    REQUIRE(H5Aread(attr_, H5T_NATIVE_DOUBLE, &v) >= 0);
    return v;
  }
  std::string text() const {
    const hid_t type = H5Aget_type(attr_);
    std::string s;
    if (H5Tis_variable_str(type) > 0) {
      char* p = nullptr;
      const hid_t mem = H5Tcopy(H5T_C_S1);
      H5Tset_size(mem, H5T_VARIABLE);
      H5Tset_cset(mem, H5Tget_cset(type));
      const herr_t read = H5Aread(attr_, mem, &p);
      H5Tclose(mem);
      REQUIRE(read >= 0);
      s = p ? p : "";
      H5free_memory(p);
    } else {
      std::vector<char> buf(H5Tget_size(type) + 1, '\0');
      REQUIRE(H5Aread(attr_, type, buf.data()) >= 0);
      s = buf.data();
    }
    H5Tclose(type);
    return s;
  }

 private:
  hid_t file_ = -1, attr_ = -1;
};

}  // namespace cvm::test
