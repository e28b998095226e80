// `cvm params`, `cvm run` and `cvm sample`: verbs that compute. They check their options
// here and hand a request to the interpreter library (engine_loader.h).
#include <unistd.h>

#include "cli/engine_loader.h"
#include "cli/verb_support.h"
#include "cli/verbs.h"

namespace cvm {

int cmd_params(const VerbArgs& args) {
  po::options_description visible("options");
  visible.add_options()("help,h", "show this help")
      ("format,f", po::value<std::string>()->default_value("text"), "text or json")
      ("export", po::value<std::string>()->default_value(""), "write the values to P.npz (convis's format) or P.h5");
  visible.add(model_options());
  po::variables_map vm;
  if (!parse_options(args, visible, Positional::OneFile, vm,
             "usage: cvm params FILE [--model M] [--format text|json] [--set PATH=VALUE]...\n"
             "                  [--params P.npz|P.h5] [--export P.npz|P.h5]\n\n"
             "Lists every parameter of a model: path, value, unit, bounds, prior, doc."))
    return kExitOk;
  if (!vm.count("file")) throw UsageError("cvm params needs a FILE");
  ParamsRequest r;
  r.model = model_request(vm, vm["file"].as<std::string>());
  r.format = vm["format"].as<std::string>();
  r.export_path = vm["export"].as<std::string>();
  if (r.format != "text" && r.format != "json") throw UsageError("--format must be text or json");
  return call_engine_params(r);
}

int cmd_run(const VerbArgs& args) {
  po::options_description visible("options");
  visible.add_options()("help,h", "show this help")
      ("input,i", po::value<std::vector<std::string>>()->composing(),
       "input data: F.h5:/dataset or F.npy ([time, x, y] or 5-d); NAME=F.h5:/dataset for a model with several inputs")
      ("stimulus,s", po::value<std::string>()->default_value(""),
       "a stimulus instead of --input, e.g. 'moving_grating(t = 2000, x = 50, y = 50)' or 'impulse(t = 100)'")
      ("output,o", po::value<std::string>(), "output HDF5 file (written under a temporary name, renamed when complete)")
      ("chunk", po::value<int64_t>()->default_value(0), "frames per chunk (default 500); any chunking gives the same result")
      ("seed", po::value<uint64_t>(), "seed for random numbers")
      ("state", po::value<std::string>()->default_value(""),
       "initial state: S.h5[:/group] or S.npz with one dataset per state, named like parameters (lif_V)")
      ("record", po::value<std::vector<std::string>>()->composing(), "also save the output of this layer (path), at /outputs/records/PATH")
      ("quiet,q", "print no summary");
  visible.add(model_options());
  po::variables_map vm;
  if (!parse_options(args, visible, Positional::OneFile, vm,
             "usage: cvm run FILE [--model M] (--input F.h5:/dataset | --input F.npy | --stimulus EXPR)\n"
             "               --output OUT.h5 [--chunk N] [--set PATH=VALUE]... [--params P.h5|P.npz]\n"
             "               [--seed S] [--state S.h5[:/group]] [--threads N] [--record PATH]...\n\n"
             "Runs a model chunk by chunk and writes each output to /outputs/NAME in OUT.h5."))
    return kExitOk;
  if (!vm.count("file")) throw UsageError("cvm run needs a FILE");
  if (!vm.count("output")) throw UsageError("cvm run needs --output OUT.h5");
  RunRequest r;
  r.model = model_request(vm, vm["file"].as<std::string>());
  if (vm.count("input")) r.inputs = vm["input"].as<std::vector<std::string>>();
  r.stimulus = vm["stimulus"].as<std::string>();
  if (r.inputs.empty() == r.stimulus.empty()) throw UsageError("give either --input or --stimulus");
  r.output = vm["output"].as<std::string>();
  r.chunk = vm["chunk"].as<int64_t>();
  if (r.chunk < 0) throw UsageError("--chunk must be positive");
  if (vm.count("seed")) r.seed = vm["seed"].as<uint64_t>();
  r.state_file = vm["state"].as<std::string>();
  if (vm.count("record")) r.records = vm["record"].as<std::vector<std::string>>();
  r.quiet = vm.count("quiet") > 0;
  r.progress = isatty(STDERR_FILENO) && !r.quiet;
  return call_engine_run(r);
}

int cmd_sample(const VerbArgs& args) {
  po::options_description visible("options");
  visible.add_options()("help,h", "show this help")
      ("kernel", po::value<std::string>()->default_value("random"),
       "the LN kernel: random or randn (normal), rand (uniform in [0, 1)), sparse (1 with probability p)")
      ("kernel-size", po::value<std::string>()->default_value("10,5,5"), "kernel size T,X,Y")
      ("input,i", po::value<std::string>()->default_value("random"),
       "random or randn (normal), rand, sparse, or a stimulus such as 'moving_bar(t = 500, x = 20, y = 20)'")
      ("size", po::value<std::string>()->default_value("2000,20,20"), "size T,X,Y of a random input")
      ("p", po::value<double>()->default_value(0.1), "probability of a 1 in sparse kernels and inputs")
      ("seed", po::value<uint64_t>()->default_value(0), "np.random.seed(SEED) before the kernel and input are drawn")
      ("chunk", po::value<int64_t>()->default_value(0), "frames per chunk (default 500); any chunking gives the same result")
      ("output,o", po::value<std::string>(), "output HDF5 file (written under a temporary name, renamed when complete)")
      ("threads", po::value<int>()->default_value(1), "threads for computation")
      ("quiet,q", "print no summary");
  po::variables_map vm;
  if (!parse_options(args, visible, Positional::None, vm,
             "usage: cvm sample [--kernel random|randn|rand|sparse] [--kernel-size T,X,Y]\n"
             "                  [--input random|randn|rand|sparse|STIMULUS] [--size T,X,Y] [--p P]\n"
             "                  [--seed S] [--chunk N] --output OUT.h5\n\n"
             "Writes synthetic data as convis's SampleGenerator does: after np.random.seed(S), a\n"
             "random kernel, then a random input (or a stimulus), and the output of the LN model\n"
             "clamp(kernel * input, 0, 1e6). OUT.h5 holds /outputs/input and /outputs/output\n"
             "[1, 1, T, X, Y], and /kernel [T, X, Y] (the impulse response)."))
    return kExitOk;
  if (!vm.count("output")) throw UsageError("cvm sample needs --output OUT.h5");
  SampleRequest r;
  auto random_kind = [](const std::string& k) { return k == "random" || k == "randn" || k == "rand" || k == "sparse"; };
  r.kernel = vm["kernel"].as<std::string>();
  if (!random_kind(r.kernel)) throw UsageError("--kernel must be random, randn, rand or sparse");
  r.kernel_size = parse_size(vm["kernel-size"].as<std::string>(), "--kernel-size");
  r.input = vm["input"].as<std::string>();
  if (r.input.empty()) throw UsageError("--input must be random, randn, rand, sparse or a stimulus call");
  r.size = parse_size(vm["size"].as<std::string>(), "--size");
  r.p = vm["p"].as<double>();
  if (!(r.p >= 0 && r.p <= 1)) throw UsageError("--p must lie in [0, 1]");
  uint64_t seed = vm["seed"].as<uint64_t>();
  if (seed > 0xffffffffULL) throw UsageError("--seed must lie in [0, 4294967295] (numpy's range)");
  r.seed = static_cast<uint32_t>(seed);
  r.chunk = vm["chunk"].as<int64_t>();
  if (r.chunk < 0) throw UsageError("--chunk must be positive");
  r.output = vm["output"].as<std::string>();
  r.threads = vm["threads"].as<int>();
  if (r.threads < 1) throw UsageError("--threads must be at least 1");
  r.quiet = vm.count("quiet") > 0;
  r.progress = isatty(STDERR_FILENO) && !r.quiet;
  return call_engine_sample(r);
}

}  // namespace cvm
