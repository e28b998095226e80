// What every verb of the `cvm` command shares: the usage error (exit 2), option parsing
// with --help, the model options (--model, --set, --params, --device, --threads) and
// small option parsers. Each verb lives in its own file and is declared in verbs.h.
#pragma once

#include <boost/program_options.hpp>
#include <stdexcept>
#include <string>
#include <vector>

#include "interpreter/engine_api.h"

namespace cvm {

namespace po = boost::program_options;

/// A mistake on the command line: printed with a pointer to --help, exit 2.
struct UsageError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// The positional arguments a verb takes: none, one FILE (read as vm["file"]) or any
/// number of FILEs (vm["files"]).
enum class Positional { None, OneFile, Files };

/// Parses a verb's options and its positional arguments; prints help and returns false
/// when --help was given.
bool parse_options(const std::vector<std::string>& args, const po::options_description& visible, Positional positional,
                   po::variables_map& vm, const std::string& usage);

/// --model, --set, --params, --device, --threads.
po::options_description model_options();

/// The ModelRequest those options describe, for FILE.
ModelRequest model_request(const po::variables_map& vm, const std::string& file);

/// "T,X,Y" as three positive sizes; `option` names the option in the error.
std::vector<int64_t> parse_size(const std::string& text, const char* option);

}  // namespace cvm
