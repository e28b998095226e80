// Impulse responses: `cvm impulse` reproduces every convis impulse case of the reference
// file that has a case file in tests/reference/convis/ (the input of each case is an
// impulse; its frame and pixel are read from it), and impulse_response leaves the state of
// a model with memory exactly as it found it.
//
// The reference runs each case whole from a fresh state; `cvm impulse` runs zeros first
// (as convis's plot_impulse does). A layer that adds frames at the start of a run
// (TimePadding) adds them to the run of zeros, so its response is compared with the last
// frames of the reference, and the reference's first frames must then be zeros.
#include <catch2/catch.hpp>
#include <hdf5.h>
#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>

#include "frontend/semantic/compile.h"
#include "interpreter/io/hdf5_file.h"
#include "interpreter/runtime/impulse.h"
#include "interpreter/runtime/parameters.h"
#include "interpreter/runtime/plan.h"
#include "tests/support/reference_file.h"
#include "tests/support/temp_dir.h"

namespace fs = std::filesystem;

namespace {

using cvm::test::reference_file;

/// The groups directly inside /cases of the reference file.
std::vector<std::string> reference_cases() {
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  const hid_t file = H5Fopen(reference_file().c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  REQUIRE(file >= 0);
  const hid_t group = H5Gopen2(file, "/cases", H5P_DEFAULT);
  REQUIRE(group >= 0);
  H5G_info_t info;
  REQUIRE(H5Gget_info(group, &info) >= 0);
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t len = H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    std::string name(static_cast<size_t>(len) + 1, '\0');
    H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(), H5P_DEFAULT);
    name.resize(static_cast<size_t>(len));
    names.push_back(name);
  }
  H5Gclose(group);
  H5Fclose(file);
  return names;
}

/// The header directives of a case file ("// key: value" lines at the top).
std::map<std::string, std::string> directives(const std::string& path) {
  std::map<std::string, std::string> d;
  std::ifstream in(path);
  std::string line;
  auto trim = [](std::string s) {
    s.erase(0, s.find_first_not_of(" \t"));
    s.erase(s.find_last_not_of(" \t\r") + 1);
    return s;
  };
  while (std::getline(in, line) && line.rfind("//", 0) == 0) {
    const std::string body = line.substr(2);
    const auto colon = body.find(':');
    if (colon != std::string::npos) d[trim(body.substr(0, colon))] = trim(body.substr(colon + 1));
  }
  return d;
}

int run(const std::string& command) {
  const int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/// Where the single 1 of an impulse input [1, 1, T, X, Y] lies: {t, x, y}.
std::array<int64_t, 3> impulse_position(const at::Tensor& input) {
  REQUIRE(input.dim() == 5);
  REQUIRE(input.ne(0).sum().item<int64_t>() == 1);
  const int64_t i = input.reshape({-1}).argmax().item<int64_t>();
  REQUIRE(input.reshape({-1})[i].item<float>() == 1.0f);
  const int64_t nx = input.size(3), ny = input.size(4);
  return {i / (nx * ny), (i / ny) % nx, i % ny};
}

const char* kStatefulModel = R"(
import std.convis
model Chain {
  input s
  layer conv = Conv3d(kernel_size = [12, 3, 3]) { weight = random(seed = 3, scale = 0.1) }
  layer lp = TemporalLowPassFilterRecursive(tau = 15 ms)
  layer nl = NLRectifyScale(scale = 2, bias = 0.1)
  s -> conv -> lp -> nl
  output out = nl
}
)";

}  // namespace

TEST_CASE("cvm impulse reproduces convis's impulse cases", "[impulse][reference][e2e]") {
  const std::string ref = reference_file();
  const fs::path case_dir = fs::path(CVM_TEST_DATA_DIR) / "reference" / "convis";
  cvm::test::TempDir temp("cvm_impulse_cases");
  int compared = 0;
  for (const auto& name : reference_cases()) {
    if (name.size() < 9 || name.compare(name.size() - 9, 9, "__impulse") != 0) continue;
    const fs::path file = case_dir / (name + ".cvm");
    REQUIRE(fs::exists(file));
    INFO("case " << name << " (" << file.string() << ")");
    auto d = directives(file.string());
    if (d["chunks"] == "0") {  // convis's look-ahead from the first chunk: whole runs only
      WARN("compared by its reference test only (whole runs): " << name);
      continue;
    }
    for (const char* unsupported : {"state", "seed", "param-value"}) {
      INFO("directive '" << unsupported << "' is not honoured by cvm impulse");
      REQUIRE(d.count(unsupported) == 0);
    }
    const std::string c = "/cases/" + name;
    const at::Tensor input = cvm::test::load_reference(c + "/input");
    const auto [at, x, y] = impulse_position(input);
    REQUIRE(x == input.size(3) / 2);
    REQUIRE(y == input.size(4) / 2);

    // `// output: REF=PORT` compares the reference's output REF with cvm's output PORT.
    std::string output = d["output"].substr(0, d["output"].find(' '));
    std::string port;
    if (output.find('=') != std::string::npos) {
      port = output.substr(output.find('=') + 1);
      output = output.substr(0, output.find('='));
    }
    if (output.empty()) {
      const auto names = cvm::io::list_hdf5_datasets(ref, c + "/output");
      REQUIRE(names.size() == 1);
      output = names[0];
    }
    const at::Tensor expected = cvm::test::load_reference(c + "/output/" + output);

    const std::string out = temp / (name + ".h5");
    std::string cmd = std::string(CVM_BINARY) + " impulse " + file.string() + " --shape " +
                      std::to_string(input.size(2)) + "," + std::to_string(input.size(3)) + "," +
                      std::to_string(input.size(4)) + " --at " + std::to_string(at) + " --output " + out + " --quiet";
    if (d["params"] != "none" && !cvm::io::list_hdf5_datasets(ref, c + "/params").empty()) {
      cmd += " --params " + ref + ":" + c + "/params";
    }
    INFO(cmd);
    REQUIRE(run(cmd) == 0);
    const auto outputs = cvm::io::list_hdf5_datasets(out, "/outputs");
    if (port.empty()) {
      REQUIRE(outputs.size() == 1);
      port = outputs[0];
    }
    const at::Tensor got = cvm::test::to_tensor(cvm::io::read_hdf5_dataset(out, "/outputs/" + port));
    CHECK(cvm::io::read_hdf5_number_attribute(out, "/", "impulse_frame") == static_cast<double>(at));
    CHECK(cvm::io::read_hdf5_number_attribute(out, "/", "impulse_x") == static_cast<double>(x));
    CHECK(cvm::io::read_hdf5_number_attribute(out, "/", "impulse_y") == static_cast<double>(y));

    REQUIRE(got.dim() == 5);
    REQUIRE(expected.size(2) >= got.size(2));
    const int64_t added = expected.size(2) - got.size(2);  // frames a layer put before the run
    if (added > 0) CHECK(expected.narrow(2, 0, added).abs().max().item<float>() == 0.0f);
    const at::Tensor compared_ref = expected.narrow(2, added, got.size(2));
    REQUIRE(got.sizes() == compared_ref.sizes());

    const std::string mode = d.count("compare") ? d["compare"] : "1e-5";
    const double max_ref = compared_ref.abs().max().item<double>();
    const double max_err = (got.to(at::kDouble) - compared_ref.to(at::kDouble)).abs().max().item<double>();
    const double relative = max_ref > 0 ? max_err / max_ref : max_err;
    std::cout << "impulse " << name << ": max |diff| / max |ref| = " << relative << " (" << mode << ")\n";
    if (mode == "exact") {
      CHECK(at::equal(got, compared_ref));
    } else if (mode.rfind("mean", 0) == 0) {
      const double rtol = std::stod(mode.substr(4));
      const double mg = got.mean().item<double>(), mr = compared_ref.mean().item<double>();
      CHECK(std::abs(mg - mr) <= rtol * std::abs(mr));
    } else {
      CHECK(relative <= std::stod(mode));
    }
    ++compared;
  }
  INFO("no reference case named *__impulse has a case file in " << case_dir.string());
  REQUIRE(compared > 0);
  std::cout << "impulse cases compared: " << compared << "\n";
}

TEST_CASE("impulse_response keeps the state of a model with memory", "[impulse][state]") {
  at::NoGradGuard guard;
  cvm::test::TempDir temp("cvm_impulse_state");
  const std::string path = temp / "model.cvm";
  std::ofstream(path) << kStatefulModel;
  cvm::Compilation c;
  auto g = cvm::compile_model(c, path, "");
  REQUIRE(g);
  cvm::interp::ExecutionPlan plan(*g, cvm::interp::materialise_params(*g, "."), {g->resolution});
  cvm::interp::ExecutionPlan untouched(*g, cvm::interp::materialise_params(*g, "."), {g->resolution});

  const at::Tensor x = at::rand({1, 1, 90, 7, 7});
  const at::Tensor first = x.narrow(2, 0, 45), second = x.narrow(2, 45, 45);
  plan.run_chunk({first});
  untouched.run_chunk({first});

  const auto a = cvm::interp::impulse_response(plan, {60, 7, 7}, 5, 17);
  REQUIRE(a.size() == 1);
  CHECK(a[0].sizes() == at::IntArrayRef({1, 1, 60, 7, 7}));
  CHECK(a[0].abs().max().item<double>() > 0.1);  // the rectifier's bias alone gives 0.2

  // The run continues where it was: the impulse left no trace in the state.
  CHECK(at::equal(plan.run_chunk({second})[0], untouched.run_chunk({second})[0]));

  // The same response again, after another run; and any chunking gives it.
  const auto b = cvm::interp::impulse_response(plan, {60, 7, 7}, 5, 17);
  CHECK(at::equal(a[0], b[0]));
  const auto whole = cvm::interp::impulse_response(plan, {60, 7, 7}, 5, 0);
  CHECK((whole[0] - a[0]).abs().max().item<double>() <= 1e-6 * a[0].abs().max().item<double>());
  CHECK(at::equal(plan.run_chunk({second})[0], untouched.run_chunk({second})[0]));

  // The response is the impulse's: the centre pixel moves after frame 5, not before.
  const at::Tensor centre = a[0][0][0].select(1, 3).select(1, 3);
  CHECK((centre.narrow(0, 0, 5) - centre[0]).abs().max().item<double>() == 0);
  CHECK((centre.narrow(0, 5, 20) - centre[0]).abs().max().item<double>() > 0);

  CHECK_THROWS_AS(cvm::interp::impulse_response(plan, {60, 7, 7}, 60, 0), std::invalid_argument);
  CHECK_THROWS_AS(cvm::interp::impulse_response(plan, {0, 7, 7}, 0, 0), std::invalid_argument);
}
