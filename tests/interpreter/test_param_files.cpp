// Parameter files end to end: convis-style .npz files (flat names) load into `cvm run`,
// `cvm params --export` writes files that load back to identical outputs, and a file with
// a misspelt name is rejected with the names listed.
#include <catch2/catch.hpp>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sys/wait.h>
#include <unistd.h>

#include "interpreter/io/hdf5_file.h"
#include "interpreter/io/npz.h"
#include "tests/support/temp_dir.h"
#include "tests/support/reference_file.h"

namespace fs = std::filesystem;

namespace {

using cvm::test::reference_file;

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

cvm::io::Array run_ln(const fs::path& dir, const std::string& params, const std::string& name) {
  std::string ref = reference_file();
  std::string out = (dir / (name + ".h5")).string();
  std::string cmd = std::string(CVM_BINARY) + " run " + CVM_TEST_DATA_DIR + "/data/ln_random.cvm --input " + ref +
                    ":/cases/model_ln__random/input --params " + params + " --output " + out;
  INFO(cmd);
  REQUIRE(run(cmd) == 0);
  return cvm::io::read_hdf5_dataset(out, "/outputs/output");
}

}  // namespace

TEST_CASE("a convis .npz loads, and exported parameters load back to identical outputs", "[reference][e2e]") {
  std::string ref = reference_file();
  cvm::test::TempDir temp("cvm_param_files");
  const fs::path& dir = temp.path;
  std::string npz = (dir / "convis.npz").string();
  // convis's save_parameters: one entry per flat name, the weight as convis stores it.
  cvm::io::write_npz(npz, {{"conv_weight", cvm::io::read_hdf5_dataset(ref, "/cases/model_ln__random/params/conv_weight")}});
  cvm::io::Array from_convis = run_ln(dir, npz, "from_convis");
  CHECK(max_relative_error(from_convis, cvm::io::read_hdf5_dataset(ref, "/cases/model_ln__random/output/output")) < 1e-5);

  for (std::string format : {".npz", ".h5"}) {
    std::string exported = (dir / ("exported" + format)).string();
    std::string cmd = std::string(CVM_BINARY) + " params " + CVM_TEST_DATA_DIR + "/data/ln_random.cvm --params " + npz +
                      " --export " + exported;
    INFO(cmd);
    REQUIRE(run(cmd) == 0);
    cvm::io::Array again = run_ln(dir, exported, "again" + format.substr(1));
    REQUIRE(again.shape == from_convis.shape);
    CHECK(again.data == from_convis.data);
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
