// The `cvm` command: one verb each (check, graph, run, params, sample). Verbs that only read
// models (check, graph) run the frontend here; verbs that compute load the interpreter
// library at run time (engine_loader.h), so `cvm check` starts without LibTorch.
#include <unistd.h>

#include <boost/program_options.hpp>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/engine_loader.h"
#include "frontend/diagnostics/render.h"
#include "frontend/graph/graph_print.h"
#include "frontend/semantic/compile.h"
#include "frontend/syntax/ast_dump.h"
#include "interpreter/engine_api.h"

namespace po = boost::program_options;

namespace cvm {
namespace {

const char* kUsage =
    "usage: cvm <verb> [options]\n"
    "\n"
    "verbs:\n"
    "  check   FILE...           check models for errors (names, units, shapes)\n"
    "  graph   FILE              print a model's graph (text, dot or json)\n"
    "  params  FILE              list a model's parameters, or export them\n"
    "  run     FILE              run a model on an input or stimulus, write HDF5\n"
    "  sample                    write synthetic (input, output) data of a random LN model\n"
    "\n"
    "'cvm <verb> --help' describes a verb. Exit codes: 0 ok, 1 error in the model or\n"
    "data, 2 usage error, 3 internal error.\n";

struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Parses a verb's options; prints help and returns false when --help was given.
bool parse(const std::vector<std::string>& args, const po::options_description& visible,
           const po::options_description& all, const po::positional_options_description& pos,
           po::variables_map& vm, const std::string& usage) {
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

int cmd_check(const std::vector<std::string>& args) {
  po::options_description visible("options");
  visible.add_options()("help,h", "show this help")
      ("dump-ast", "print the syntax tree of each file")
      ("dump-graph", "print the checked graph of each model that needs no arguments");
  po::options_description all;
  all.add(visible).add_options()("files", po::value<std::vector<std::string>>());
  po::positional_options_description pos;
  pos.add("files", -1);
  po::variables_map vm;
  if (!parse(args, visible, all, pos, vm,
             "usage: cvm check FILE... [--dump-ast] [--dump-graph]\n\n"
             "Checks every model and fit block of each file: syntax, imports, names, units,\n"
             "channel counts and kernel ranks. Prints diagnostics to stderr; exit 1 on errors."))
    return kExitOk;
  if (!vm.count("files")) throw UsageError("cvm check needs at least one FILE");
  bool ok = true;
  for (const auto& file : vm["files"].as<std::vector<std::string>>()) {
    Compilation c;
    bool good = check_file(c, file);
    if (vm.count("dump-ast") && c.entry) dump_ast(std::cout, c.sources, c.program.file(*c.entry)->ast);
    if (vm.count("dump-graph") && good) {
      for (const auto& m : c.program.file(*c.entry)->ast.models) {
        if (m.is_primitive) continue;
        Compilation c2;
        if (auto g = compile_model(c2, file, m.name.name)) graph::print_text(std::cout, *g);
      }
    }
    render_all(std::cerr, c.sources, c.sink);
    ok &= good;
  }
  return ok ? kExitOk : kExitModelError;
}

int cmd_graph(const std::vector<std::string>& args) {
  po::options_description visible("options");
  visible.add_options()("help,h", "show this help")
      ("model,m", po::value<std::string>()->default_value(""), "model to print (default: the file's only model)")
      ("format,f", po::value<std::string>()->default_value("text"), "text, dot or json");
  po::options_description all;
  all.add(visible).add_options()("file", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (!parse(args, visible, all, pos, vm,
             "usage: cvm graph FILE [--model M] [--format text|dot|json]\n\n"
             "Prints the checked graph of a model: its inputs, layers (nested models\n"
             "flattened), connections, outputs and parameters."))
    return kExitOk;
  if (!vm.count("file")) throw UsageError("cvm graph needs a FILE");
  std::string format = vm["format"].as<std::string>();
  if (format != "text" && format != "dot" && format != "json") throw UsageError("--format must be text, dot or json");
  Compilation c;
  auto g = compile_model(c, vm["file"].as<std::string>(), vm["model"].as<std::string>());
  render_all(std::cerr, c.sources, c.sink);
  if (!g) return kExitModelError;
  if (format == "dot") graph::print_dot(std::cout, *g);
  else if (format == "json") graph::print_json(std::cout, *g);
  else graph::print_text(std::cout, *g);
  return kExitOk;
}

int cmd_params(const std::vector<std::string>& args) {
  po::options_description visible("options");
  visible.add_options()("help,h", "show this help")
      ("format,f", po::value<std::string>()->default_value("text"), "text or json")
      ("export", po::value<std::string>()->default_value(""), "write the values to P.npz (convis's format) or P.h5");
  visible.add(model_options());
  po::options_description all;
  all.add(visible).add_options()("file", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (!parse(args, visible, all, pos, vm,
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

int cmd_run(const std::vector<std::string>& args) {
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
  po::options_description all;
  all.add(visible).add_options()("file", po::value<std::string>());
  po::positional_options_description pos;
  pos.add("file", 1);
  po::variables_map vm;
  if (!parse(args, visible, all, pos, vm,
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

/// "T,X,Y" as three sizes.
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

int cmd_sample(const std::vector<std::string>& args) {
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
  po::options_description all;
  all.add(visible);
  po::positional_options_description pos;
  po::variables_map vm;
  if (!parse(args, visible, all, pos, vm,
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

int dispatch(int argc, char** argv) {
  if (argc < 2) {
    std::cerr << kUsage;
    return kExitUsage;
  }
  std::string verb = argv[1];
  std::vector<std::string> args(argv + 2, argv + argc);
  if (verb == "--help" || verb == "-h" || verb == "help") {
    std::cout << kUsage;
    return kExitOk;
  }
  if (verb == "--version") {
    std::cout << "cvm " << CVM_VERSION << "\n";
    return kExitOk;
  }
  try {
    if (verb == "check") return cmd_check(args);
    if (verb == "graph") return cmd_graph(args);
    if (verb == "params") return cmd_params(args);
    if (verb == "run") return cmd_run(args);
    if (verb == "sample") return cmd_sample(args);
    std::cerr << "cvm: unknown verb '" << verb << "'";
    std::string guess = did_you_mean(verb, {"check", "graph", "params", "run", "sample"});
    if (!guess.empty()) std::cerr << "; " << guess;
    std::cerr << "\n\n" << kUsage;
    return kExitUsage;
  } catch (const UsageError& e) {
    std::cerr << "cvm " << verb << ": " << e.what() << "\n(see 'cvm " << verb << " --help')\n";
    return kExitUsage;
  }
}

}  // namespace
}  // namespace cvm

int main(int argc, char** argv) {
  try {
    return cvm::dispatch(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "cvm: internal error: " << e.what() << "\n";
    return cvm::kExitInternal;
  }
}
