// `cvm import virtualretina FILE.xml --as convis`: translates a VirtualRetina retina
// description into the .cvm model convis builds from it (Retina() + parse_config), writes
// it to stdout or, atomically, to -o FILE. Runs the frontend only, in this process: the
// written text is compiled before it is written, and a text that does not compile is a
// bug of cvm (exit 3).
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "cli/verb_support.h"
#include "cli/verbs.h"
#include "frontend/diagnostics/render.h"
#include "frontend/import/retina_cvm_text.h"
#include "frontend/import/sha256.h"
#include "frontend/import/virtualretina.h"
#include "frontend/semantic/compile.h"
#include "frontend/semantic/elaborate.h"

namespace cvm {
namespace {

namespace fs = std::filesystem;

const char* kUsage =
    "usage: cvm import virtualretina FILE.xml --as convis [-o OUT.cvm] [--name M] [--crop-pool]\n\n"
    "Translates a VirtualRetina retina description (XML) into a .cvm model: the Retina that\n"
    "convis builds from it (RetinaConfiguration.read_xml, then Retina.parse_config), with\n"
    "layers opl, bipolar, gang_0_input, gang_0_spikes, gang_1_input and gang_1_spikes and\n"
    "every configured value written as an override with its unit. Keys the file leaves out\n"
    "keep Retina()'s values; kernel sizes are computed for convis's resolution (10 px/deg,\n"
    "1000 steps/s). A ganglion layer without <spiking-channel> outputs rates, as in\n"
    "VirtualRetina. Unknown elements and attributes, settings convis ignores and values it\n"
    "drops are warnings (FILE:LINE:COL); XML that is not well formed is an error (exit 1).\n"
    "The model is written to stdout, or to OUT.cvm (replaced only when all went well).";

bool is_identifier(const std::string& s) {
  if (s.empty() || std::isdigit(static_cast<unsigned char>(s[0]))) return false;
  for (char ch : s) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_') return false;
  }
  return s != "in" && s != "true" && s != "false";
}

/// The model name for FILE.xml: its stem with every other character made '_'.
std::string name_from_file(const std::string& file) {
  std::string stem = fs::path(file).stem().string();
  for (char& ch : stem) {
    if (!std::isalnum(static_cast<unsigned char>(ch))) ch = '_';
  }
  return is_identifier(stem) ? stem : "Retina_" + stem;  // e.g. 1.xml, in.xml
}

/// The names `import std.convis` makes visible (a model must not take one of them).
std::map<std::string, DeclRef> std_convis_names(Compilation& c) {
  auto id = c.program.load_text("<std.convis names>", "import std.convis\n", c.sink);
  if (!id) return {};
  return c.program.visible(*id);
}

/// What compiling the written model in memory gave.
enum class Compiled { Ok, RefusedValue, Broken };

/// Compiles the written model in memory. An error on a line that holds a value from the
/// file (a value outside the parameter's bounds) is reported at that value in the file
/// (RefusedValue); any other error is a bug of the import (Broken, printed with the text).
Compiled compile_imported(const RetinaCvmText& model, const std::string& name, DiagnosticSink& xml_sink,
                          std::string& report) {
  Compilation c;
  c.entry = c.program.load_text("<imported model>", model.text, c.sink);
  bool elaborated = false;
  if (c.entry) {
    for (const auto& m : c.program.file(*c.entry)->ast.models) {
      if (m.name.name == name) elaborated = elaborate(c.program, *c.entry, *c.entry, m, c.sink).has_value();
    }
  }
  if (elaborated && !c.sink.has_errors()) return Compiled::Ok;
  bool all_placed = c.entry.has_value() && c.sink.has_errors();
  for (const auto& d : c.sink.all()) {
    if (d.severity != Severity::Error) continue;
    auto origin = model.origins.end();
    if (c.entry && d.range.valid() && d.range.file == *c.entry) {
      origin = model.origins.find(c.sources.file(*c.entry).line_column(d.range.begin).line);
    }
    if (origin == model.origins.end()) {
      all_placed = false;
      continue;
    }
    xml_sink.error(d.code, origin->second, "cvm refuses this value: " + d.message).help = d.help;
  }
  if (all_placed) return Compiled::RefusedValue;
  std::ostringstream out;
  render_all(out, c.sources, c.sink);
  report = out.str() + "--- the model written was:\n" + model.text;
  return Compiled::Broken;
}

/// Writes `text` to `path` through a temporary file in the same folder renamed over it, so
/// `path` is never left half written. Returns "" or the reason it failed.
std::string write_atomically(const std::string& path, const std::string& text) {
  std::error_code ec;
  fs::path target(path);
  if (fs::is_directory(target, ec)) return "it is a directory";
  fs::path folder = target.has_parent_path() ? target.parent_path() : fs::path(".");
  std::string name = (folder / ("." + target.filename().string() + ".import-XXXXXX")).string();
  int fd = mkstemp(name.data());
  if (fd < 0) return std::strerror(errno);
  mode_t mask = umask(0);
  umask(mask);
  fchmod(fd, 0666 & ~mask);
  FILE* out = fdopen(fd, "wb");
  bool written = out && std::fwrite(text.data(), 1, text.size(), out) == text.size();
  std::string reason = written ? "" : std::strerror(errno);
  if (out ? std::fclose(out) != 0 : close(fd) != 0) {
    if (reason.empty()) reason = std::strerror(errno);
  }
  if (reason.empty()) fs::rename(name, target, ec);
  if (reason.empty() && ec) reason = ec.message();
  if (!reason.empty()) fs::remove(name, ec);
  return reason;
}

}  // namespace

int cmd_import(const VerbArgs& args) {
  po::options_description visible("options");
  visible.add_options()("help,h", "show this help")
      ("as", po::value<std::string>(), "the model to build: convis (convis's Retina; the only one for now)")
      ("output,o", po::value<std::string>(), "write the model to this .cvm file instead of stdout")
      ("name", po::value<std::string>(), "name of the model (default: the file's name, e.g. EXAMPLE_cat_X_cell)")
      ("crop-pool", "crop the ganglion outputs when they are pooled (sigma-pool__deg > 0), as convis does");
  po::variables_map vm;
  if (!parse_options(args, visible, Positional::Files, vm, kUsage)) return kExitOk;
  std::vector<std::string> positional;
  if (vm.count("files")) positional = vm["files"].as<std::vector<std::string>>();
  if (positional.empty()) {
    throw UsageError("cvm import needs a format and a FILE: cvm import virtualretina FILE.xml --as convis");
  }
  if (positional[0] != "virtualretina") {
    std::string guess = did_you_mean(positional[0], {"virtualretina"});
    throw UsageError("unknown format '" + positional[0] + "': cvm imports 'virtualretina'" +
                     (guess.empty() ? "" : " (" + guess + ")"));
  }
  if (positional.size() != 2) throw UsageError("cvm import virtualretina takes one FILE.xml");
  if (!vm.count("as")) throw UsageError("say what to build with --as convis");
  if (vm["as"].as<std::string>() != "convis") {
    throw UsageError("--as takes 'convis' (convis's Retina), not '" + vm["as"].as<std::string>() + "'");
  }
  const std::string& file = positional[1];
  std::string model = vm.count("name") ? vm["name"].as<std::string>() : name_from_file(file);
  if (!is_identifier(model)) throw UsageError("--name must be a name (letters, digits, '_'), not '" + model + "'");

  Compilation names;
  auto taken = std_convis_names(names);
  if (taken.empty()) {
    render_all(std::cerr, names.sources, names.sink);
    throw std::runtime_error("cannot load std.convis");
  }
  if (taken.count(model)) {
    if (vm.count("name")) throw UsageError("--name '" + model + "' is taken by std.convis: choose another name");
    model += "_imported";
  }

  SourceManager sources;
  DiagnosticSink sink;
  std::error_code ec;
  std::optional<FileId> id;
  if (fs::is_directory(file, ec)) {
    sink.error("E0001", {}, "'" + file + "' is a directory, not an XML file");
  } else if (!(id = sources.load(file, file))) {
    sink.error("E0001", {},
               "cannot read '" + file + "': " + (fs::exists(file, ec) ? "permission denied" : "no such file"));
  }
  VirtualRetinaImportOptions options;
  options.crop_pool = vm.count("crop-pool") > 0;
  std::optional<ConvisRetinaConfig> config;
  if (id) config = read_virtualretina(sources, *id, options, sink);

  Compiled compiled = Compiled::Broken;
  RetinaCvmText text;
  std::string report;
  if (config) {
    ImportProvenance provenance{fs::path(file).filename().string(), sha256_hex(sources.file(*id).text)};
    text = retina_cvm_text(*config, model, provenance);
    compiled = compile_imported(text, model, sink, report);
  }
  render_all(std::cerr, sources, sink);
  if (!config || compiled == Compiled::RefusedValue) return kExitModelError;
  if (compiled == Compiled::Broken) {
    std::cerr << report << "cvm: internal error: the model imported from '" << file << "' does not compile\n";
    return kExitInternal;
  }
  if (!vm.count("output")) {
    std::cout << text.text;
    return kExitOk;
  }
  const std::string& out = vm["output"].as<std::string>();
  std::string failure = write_atomically(out, text.text);
  if (!failure.empty()) {
    std::cerr << "cvm import: cannot write '" << out << "': " << failure << "\n";
    return kExitModelError;
  }
  return kExitOk;
}

}  // namespace cvm
