// End to end against convis: `cvm run` of LN with the kernel of reference case
// model_ln__random, loaded from a convis-style .npz (flat name conv_weight), reproduces
// convis's output within 1e-5 of max|ref|, whole and with --chunk 7.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

#include "interpreter/io/hdf5_file.h"
#include "interpreter/io/npz.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;

namespace {

std::string reference_file() {
  std::string path = std::string(CVM_REFERENCE_DIR) + "/convis_reference.h5";
  if (!fs::exists(path)) FAIL("reference file missing: " << path << " (expected ../shared/reference beside the project)");
  return path;
}

int run(const std::string& command) {
  int status = std::system((command + " > /dev/null").c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

double max_relative_error(const cvm::io::Array& got, const cvm::io::Array& ref) {
  REQUIRE(got.numel() == ref.numel());
  double max_ref = 0, max_err = 0;
  for (size_t i = 0; i < ref.data.size(); ++i) {
    max_ref = std::max(max_ref, std::abs(static_cast<double>(ref.data[i])));
    max_err = std::max(max_err, std::abs(static_cast<double>(got.data[i]) - ref.data[i]));
  }
  return max_err / max_ref;
}

}  // namespace

TEST_CASE("cvm run reproduces convis's LN on model_ln__random, whole and chunked", "[reference][e2e]") {
  std::string ref = reference_file();
  cvm::test::TempDir temp("cvm_ref_ln");
  const fs::path& dir = temp.path;
  std::string cvm = CVM_BINARY;
  std::string model = std::string(CVM_TEST_DATA_DIR) + "/data/ln_random.cvm";
  std::string npz = (dir / "ln_params.npz").string();

  // convis's parameter file: one entry per flat name, the weight as convis stores it.
  cvm::io::Array weight = cvm::io::read_hdf5_dataset(ref, "/cases/model_ln__random/params/conv_weight");
  cvm::io::write_npz(npz, {{"conv_weight", weight}});
  cvm::io::Array expected = cvm::io::read_hdf5_dataset(ref, "/cases/model_ln__random/output/output");

  for (std::string chunk : {"", " --chunk 7", " --chunk 1"}) {
    std::string out = (dir / "out.h5").string();
    std::string cmd = cvm + " run " + model + " --input " + ref + ":/cases/model_ln__random/input --params " + npz +
                      " --output " + out + chunk;
    INFO(cmd);
    REQUIRE(run(cmd) == 0);
    cvm::io::Array got = cvm::io::read_hdf5_dataset(out, "/outputs/output");
    REQUIRE(got.shape == expected.shape);
    CHECK(max_relative_error(got, expected) < 1e-5);
  }
}

TEST_CASE("a parameter file that does not match the model is an error that lists the names", "[reference][e2e]") {
  std::string ref = reference_file();
  cvm::test::TempDir temp("cvm_ref_bad");
  const fs::path& dir = temp.path;
  std::string npz = (dir / "bad.npz").string();
  cvm::io::Array w = cvm::io::read_hdf5_dataset(ref, "/cases/model_ln__random/params/conv_weight");
  cvm::io::write_npz(npz, {{"conv_wieght", w}});
  std::string model = std::string(CVM_TEST_DATA_DIR) + "/data/ln_random.cvm";
  std::string out = (dir / "out.h5").string();
  std::string cmd = std::string(CVM_BINARY) + " run " + model + " --input " + ref +
                    ":/cases/model_ln__random/input --params " + npz + " --output " + out + " 2> " +
                    (dir / "err.txt").string();
  REQUIRE(run(cmd) == 1);
  CHECK_FALSE(fs::exists(out));
  std::ifstream err(dir / "err.txt");
  std::string text((std::istreambuf_iterator<char>(err)), std::istreambuf_iterator<char>());
  CHECK(text.find("conv_wieght") != std::string::npos);
  CHECK(text.find("conv_weight") != std::string::npos);
}
