#include "cli/verb_support.h"

#include <iostream>
#include <sstream>

namespace cvm {

bool parse_options(const std::vector<std::string>& args, const po::options_description& visible, Positional positional,
                   po::variables_map& vm, const std::string& usage) {
  po::options_description all;
  all.add(visible);
  po::positional_options_description pos;
  if (positional == Positional::OneFile) {
    all.add_options()("file", po::value<std::string>());
    pos.add("file", 1);
  } else if (positional == Positional::Files) {
    all.add_options()("files", po::value<std::vector<std::string>>());
    pos.add("files", -1);
  }
  try {
    po::store(po::command_line_parser(args).options(all).positional(pos).run(), vm);
    if (vm.count("help")) {
      std::cout << usage << "\n" << visible;
      return false;
    }
    po::notify(vm);
  } catch (const po::error& e) {
    throw UsageError(e.what());
  }
  return true;
}

po::options_description model_options() {
  po::options_description o("model options");
  o.add_options()
      ("model,m", po::value<std::string>()->default_value(""), "model to use (default: the file's only model)")
      ("set", po::value<std::vector<std::string>>()->composing(), "PATH=VALUE: set a parameter, e.g. --set 'nl.scale=2' or --set 'lowpass.tau=20 ms'")
      ("params", po::value<std::string>()->default_value(""), "load parameter values: P.npz (convis's save_parameters) or P.h5[:/group]")
      ("device", po::value<std::string>()->default_value("cpu"), "cpu or cuda")
      ("threads", po::value<int>()->default_value(1), "threads for computation");
  return o;
}

ModelRequest model_request(const po::variables_map& vm, const std::string& file) {
  ModelRequest r;
  r.file = file;
  r.model = vm["model"].as<std::string>();
  if (vm.count("set")) r.sets = vm["set"].as<std::vector<std::string>>();
  r.params_file = vm["params"].as<std::string>();
  r.device = vm["device"].as<std::string>();
  r.threads = vm["threads"].as<int>();
  if (r.threads < 1) throw UsageError("--threads must be at least 1");
  if (r.device != "cpu" && r.device != "cuda") throw UsageError("--device must be cpu or cuda");
  return r;
}

std::vector<int64_t> parse_size(const std::string& text, const char* option) {
  std::vector<int64_t> sizes;
  std::stringstream in(text);
  std::string item;
  while (std::getline(in, item, ',')) {
    try {
      size_t used = 0;
      long long v = std::stoll(item, &used);
      if (used != item.size() || v < 1) throw std::invalid_argument(item);
      sizes.push_back(v);
    } catch (const std::exception&) {
      throw UsageError(std::string(option) + " takes three positive sizes T,X,Y, e.g. 10,5,5; found '" + text + "'");
    }
  }
  if (sizes.size() != 3) throw UsageError(std::string(option) + " takes three sizes T,X,Y, e.g. 10,5,5; found '" + text + "'");
  return sizes;
}

}  // namespace cvm
