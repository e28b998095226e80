// Runs one reference case: a .cvm file under tests/reference/<system>/ whose header names a
// case of the reference file, run by the built `cvm` whole and in chunks, with the output
// compared to the reference's whole-run output. Header directives (comment lines at the top):
//
//   // case: filter_delay_3__impulse     the case in /cases (required)
//   // params: reference | none           --params REF:/cases/C/params when it has datasets (default)
//   // state: reference                   --state REF:/cases/C/state_init
//   // compare: 1e-5 | exact | mean R     max|got - ref| <= tol * max|ref| (default 1e-5), equal,
//                                         or |mean got - mean ref| <= R * |mean ref|
//   // chunks: 0 50 7                     chunk sizes to run (0 = whole; default: 0, the
//                                         case's chunk_dt, 7)
//   // seed: N                            --seed N
//   // output: NAME [NAME...]             the reference outputs to compare (default: the only
//                                         one), each with the model's only output or, when it
//                                         has several, with its output of that name;
//                                         NAME=OUT compares with the model's output OUT
//   // record: PATH=DATASET [...]         also `cvm run --record PATH`, each compared (1e-5 of
//                                         max|ref|) with /cases/C/DATASET, e.g.
//                                         `// record: opl=intermediates/opl`
//   // param-value: NAME=V                  use V for every element of parameter NAME instead of
//                                         the stored value (where convis applies another value
//                                         than the one it stores)
//
// Usage: run_case CVM REFERENCE.h5 CASE.cvm. Exit 0 when every run matches.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

#include "interpreter/io/hdf5_file.h"
#include "interpreter/io/named_arrays.h"

namespace fs = std::filesystem;
using cvm::io::Array;

namespace {

std::map<std::string, std::string> read_directives(const std::string& path) {
  std::map<std::string, std::string> d;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("//", 0) != 0) break;
    std::string body = line.substr(2);
    auto colon = body.find(':');
    if (colon == std::string::npos) continue;
    auto trim = [](std::string s) {
      s.erase(0, s.find_first_not_of(" \t"));
      s.erase(s.find_last_not_of(" \t\r") + 1);
      return s;
    };
    d[trim(body.substr(0, colon))] = trim(body.substr(colon + 1));
  }
  return d;
}

std::string shape_text(const std::vector<int64_t>& s) {
  std::string out = "[";
  for (size_t i = 0; i < s.size(); ++i) out += (i ? ", " : "") + std::to_string(s[i]);
  return out + "]";
}

/// The whitespace-separated words of a directive's value.
std::vector<std::string> words(const std::string& text) {
  std::istringstream in(text);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

int run(const std::string& command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

struct Comparison {
  bool ok = false;
  std::string text;
};

Comparison compare(const Array& got, const Array& ref, const std::string& mode) {
  Comparison c;
  if (got.shape != ref.shape) {
    c.text = "shape " + shape_text(got.shape) + ", reference " + shape_text(ref.shape);
    return c;
  }
  double max_ref = 0, max_err = 0, sum_got = 0, sum_ref = 0;
  int64_t differ = 0;
  for (size_t i = 0; i < ref.data.size(); ++i) {
    max_ref = std::max(max_ref, std::abs(static_cast<double>(ref.data[i])));
    double e = std::abs(static_cast<double>(got.data[i]) - ref.data[i]);
    if (!(e <= max_err)) max_err = e;  // NaN propagates
    if (got.data[i] != ref.data[i]) ++differ;
    sum_got += got.data[i];
    sum_ref += ref.data[i];
  }
  std::ostringstream t;
  if (mode == "exact") {
    c.ok = differ == 0;
    t << differ << " of " << ref.data.size() << " values differ (max |diff| " << max_err << ")";
  } else if (mode.rfind("mean", 0) == 0) {
    double rtol = std::stod(mode.substr(4));
    double n = static_cast<double>(ref.data.size());
    double mg = sum_got / n, mr = sum_ref / n;
    c.ok = std::abs(mg - mr) <= rtol * std::abs(mr);
    t << "mean " << mg << ", reference " << mr << " (allowed relative difference " << rtol << ")";
  } else {
    double tol = std::stod(mode);
    double rel = max_ref > 0 ? max_err / max_ref : max_err;
    c.ok = rel <= tol;
    t << "max |diff| / max |ref| = " << rel << " (tolerance " << tol << ")";
  }
  c.text = t.str();
  return c;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 4) {
    std::cerr << "usage: run_case CVM REFERENCE.h5 CASE.cvm\n";
    return 2;
  }
  std::string cvm = argv[1], ref = argv[2], file = argv[3];
  if (!fs::exists(ref)) {
    std::cerr << "reference file " << ref << " is missing (expected ../shared/reference beside the project)\n";
    return 1;
  }
  auto d = read_directives(file);
  if (!d.count("case")) {
    std::cerr << file << ": no '// case:' line\n";
    return 1;
  }
  std::string c = "/cases/" + d["case"];
  try {
    fs::path dir = fs::temp_directory_path() / ("cvm_reference_" + std::to_string(::getpid()));
    fs::create_directories(dir);
    std::string args = " --input " + ref + ":" + c + "/input";
    if (d["params"] != "none" && !cvm::io::list_hdf5_datasets(ref, c + "/params").empty()) {
      std::string params = ref + ":" + c + "/params";
      if (d.count("param-value")) {
        // A copy of the case's parameters with one of them replaced.
        std::string spec = d["param-value"];
        std::string name = spec.substr(0, spec.find('='));
        float value = std::stof(spec.substr(spec.find('=') + 1));
        std::string copy = (dir / "params.h5").string();
        cvm::io::Hdf5OutputFile out(copy);
        for (auto& [n, a] : cvm::io::read_named_arrays(params, "/params")) {
          if (n == name) std::fill(a.data.begin(), a.data.end(), value);
          out.write_dataset("/params/" + n, a);
        }
        out.commit();
        params = copy;
      }
      args += " --params " + params;
    }
    if (d["state"] == "reference") args += " --state " + ref + ":" + c + "/state_init";
    if (d.count("seed")) args += " --seed " + d["seed"];
    std::vector<std::string> names = words(d["output"]);
    if (names.empty()) {
      names = cvm::io::list_hdf5_datasets(ref, c + "/output");
      if (names.size() != 1) {
        std::cerr << c << " has " << names.size() << " outputs; name them with '// output:'\n";
        return 1;
      }
    }
    // What to compare: (label, reference dataset, dataset of cvm's output or "" for its only
    // output, comparison mode).
    struct Check {
      std::string label, reference, got, mode;
    };
    std::string mode = d.count("compare") ? d["compare"] : "1e-5";
    std::vector<Check> checks;
    for (const auto& n : names) {
      auto eq = n.find('=');
      std::string reference = n.substr(0, eq);
      std::string got = eq == std::string::npos ? "" : "/outputs/" + n.substr(eq + 1);
      checks.push_back({names.size() > 1 ? reference : "", c + "/output/" + reference, got, mode});
    }
    for (const auto& spec : words(d["record"])) {
      auto eq = spec.find('=');
      if (eq == std::string::npos) {
        std::cerr << file << ": '// record: " << spec << "' is not PATH=DATASET\n";
        return 1;
      }
      std::string path = spec.substr(0, eq);
      args += " --record " + path;
      checks.push_back({"record " + path, c + "/" + spec.substr(eq + 1), "/outputs/records/" + path, "1e-5"});
    }
    std::vector<int64_t> chunks;
    if (d.count("chunks")) {
      std::istringstream s(d["chunks"]);
      for (int64_t k; s >> k;) chunks.push_back(k);
    } else {
      chunks.push_back(0);
      auto dt = cvm::io::read_hdf5_number_attribute(ref, c, "chunk_dt");
      if (dt && *dt > 0) chunks.push_back(static_cast<int64_t>(*dt));
      chunks.push_back(7);
    }
    bool all_ok = true;
    for (int64_t chunk : chunks) {
      std::string out = (dir / ("out_" + std::to_string(chunk) + ".h5")).string();
      std::string cmd = cvm + " run " + file + args + " --output " + out + " --quiet" +
                        (chunk > 0 ? " --chunk " + std::to_string(chunk) : "");
      std::string label = d["case"] + (chunk > 0 ? ", chunks of " + std::to_string(chunk) : ", whole");
      if (int code = run(cmd); code != 0) {
        std::cout << "FAIL " << label << ": cvm exited with " << code << "\n  " << cmd << "\n";
        all_ok = false;
        continue;
      }
      auto outputs = cvm::io::list_hdf5_datasets(out, "/outputs");
      for (const Check& check : checks) {
        std::string what = label + (check.label.empty() ? "" : ", " + check.label);
        std::string dataset = check.got;
        if (dataset.empty()) dataset = outputs.size() == 1 ? "/outputs/" + outputs[0] : "/outputs/" + check.label;
        if (dataset == "/outputs/") {
          std::cout << "FAIL " << what << ": the model has " << outputs.size() << " outputs; name one with "
                    << "'// output: NAME=OUTPUT'\n";
          all_ok = false;
          continue;
        }
        if (!cvm::io::hdf5_has_dataset(out, dataset)) {
          std::cout << "FAIL " << what << ": cvm wrote no " << dataset << "\n";
          all_ok = false;
          continue;
        }
        Comparison cmp = compare(cvm::io::read_hdf5_dataset(out, dataset),
                                 cvm::io::read_hdf5_dataset(ref, check.reference), check.mode);
        std::cout << (cmp.ok ? "ok   " : "FAIL ") << what << ": " << cmp.text << "\n";
        if (!cmp.ok) std::cout << "  " << cmd << "\n";
        all_ok = all_ok && cmp.ok;
      }
    }
    fs::remove_all(dir);
    return all_ok ? 0 : 1;
  } catch (const std::exception& e) {
    std::cerr << "error: " << e.what() << "\n";
    return 1;
  }
}
