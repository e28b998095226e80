// `cvm fit`: compiles the file's fit block, builds the parameters (--set, --params), runs
// the fit (interpreter/fit/fit_loop.h) and exports the parameter bundle. A fit stopped by
// Ctrl-C or --max-steps leaves its checkpoint; `--resume` continues it exactly.
#include <filesystem>
#include <iostream>
#include <sstream>

#include "frontend/diagnostics/render.h"
#include "interpreter/fit/bundle.h"
#include "interpreter/fit/fit_loop.h"
#include "interpreter/fit/param_space.h"
#include "interpreter/runtime/file_hash.h"
#include "interpreter/runtime/model_setup.h"
#include "interpreter/runtime/parameters.h"

namespace cvm::interp {
namespace {

/// Every data file the fit reads, once each, in the order named.
std::vector<std::string> data_files(const graph::FitSpec& spec) {
  std::vector<std::string> files;
  auto add = [&](const graph::FitDataset& d) {
    if (std::find(files.begin(), files.end(), d.file) == files.end()) files.push_back(d.file);
  };
  for (const auto& i : spec.inputs) add(i.data);
  for (const auto& t : spec.targets) add(t.data);
  if (spec.validate) {
    add(spec.validate->input);
    add(spec.validate->target);
  }
  return files;
}

/// What a checkpoint must match to be resumed: the sources, the fit's settings (all but
/// epochs and export, which a resumed run may change), the start values (--set, --params),
/// the seed, the data and the thread count.
std::string fit_identity(const graph::FitSpec& spec, const fit::Provenance& prov, const FitRequest& r) {
  std::ostringstream s;
  for (const auto& set : r.model.sets) s << "set " << set << "\n";
  if (!r.model.params_file.empty()) {
    const std::string file = r.model.params_file.substr(0, r.model.params_file.find(":/"));
    s << "params " << r.model.params_file << " " << file_sha256(file) << "\n";
  }
  for (const auto& [path, sha] : prov.sources) s << "source " << sha << "\n";
  for (const auto& [path, sha] : prov.data) s << "data " << sha << "\n";
  s << "fit " << spec.name << " model " << spec.model << "\n";
  for (const auto& i : spec.inputs) s << "input " << i.name << " " << i.data.dataset << "\n";
  for (const auto& t : spec.targets) s << "target " << t.output << " " << t.data.dataset << " " << t.loss << " " << t.weight << "\n";
  for (const auto& f : spec.free) s << "free " << f.path << "\n";
  s << "optimizer " << spec.optimizer.name;
  for (const auto& [k, v] : spec.optimizer.settings) s << " " << k << "=" << graph::to_string(v);
  s << "\nchunk " << spec.chunk << " skip " << spec.skip << " seed " << prov.seed << " patience " << spec.patience
    << "\nthreads " << r.model.threads << "\n";
  if (spec.validate) s << "validate " << spec.validate->input.dataset << " " << spec.validate->target.dataset << " "
                       << spec.validate->every << "\n";
  return text_sha256(s.str());
}

int fit_verb(const FitRequest& r) {
  ModelSetup s;
  std::set<std::string> given;
  std::optional<CompiledFit> compiled;
  auto compile = [&](Compilation& c) -> std::optional<graph::ModelGraph> {
    compiled = compile_fit(c, r.model.file, r.fit_name, r.model.sets);
    if (!compiled) return std::nullopt;
    return compiled->graph;
  };
  if (int code = setup_model(r.model, s, compile, &given); code != kExitOk) return code;
  return guarded(&s.compilation, [&]() -> int {
    const graph::ModelGraph& g = *s.graph;
    graph::FitSpec spec = compiled->spec;
    if (!r.data.empty()) graph::replace_data_file(spec, r.data);
    if (r.epochs >= 0) spec.epochs = r.epochs;
    std::string export_path = r.export_path.empty() ? spec.export_path : r.export_path;
    uint64_t seed = r.has_seed ? r.seed : spec.seed.value_or(0);

    fit::Provenance prov;
    prov.seed = seed;
    for (size_t i = 0; i < s.compilation.sources.size(); ++i) {
      const SourceFile& f = s.compilation.sources.file(static_cast<FileId>(i));
      std::string sha = file_sha256(f.path);
      if (!sha.empty()) prov.sources.emplace_back(f.path, sha);
    }
    for (const auto& file : data_files(spec)) prov.data.emplace_back(file, file_sha256(file));

    std::vector<int> free;
    for (const auto& f : spec.free) free.push_back(f.index);
    std::string dir = std::filesystem::path(r.model.file).parent_path().string();
    fit::ParamSpace space(g, dir.empty() ? "." : dir, s.params, free, given);
    for (const auto& path : space.moved_inside()) {
      std::cerr << "cvm: warning: the start value of '" << path << "' lies on a bound; the fit starts just inside it\n";
    }

    fit::FitOptions options;
    options.checkpoint = r.checkpoint;
    options.resume = r.resume;
    options.checkpoint_every = r.checkpoint_every;
    options.max_steps = r.max_steps;
    options.progress = r.progress && !r.quiet;
    options.identity = fit_identity(spec, prov, r);
    LayerContext ctx{g.resolution, seed};
    fit::FitOutcome outcome = fit::run_fit(g, spec, space, ctx, options);

    if (!export_path.empty()) fit::write_bundle(export_path, g, spec, space, outcome.values, outcome.progress, prov);
    const fit::FitProgress& p = outcome.progress;
    if (outcome.stopped) {
      std::cerr << "cvm fit: stopped after step " << p.global_step << " (epoch " << p.epoch + 1 << ")"
                << (r.checkpoint.empty() ? "" : "; continue with --resume --checkpoint " + r.checkpoint) << "\n";
      return outcome.by_signal ? kExitModelError : kExitOk;
    }
    if (!r.quiet) {
      std::cout << "fit " << spec.name << ": " << p.epoch << " epochs, " << p.global_step << " steps";
      if (!p.loss.empty()) std::cout << ", loss " << p.loss.front() << " -> " << p.loss.back();
      if (!p.validation.empty()) std::cout << ", validation " << p.validation.back();
      if (p.status == "early_stop") std::cout << " (stopped early; best epoch " << p.best_epoch << ")";
      std::cout << (export_path.empty() ? ", nothing exported (no `export`)" : ", wrote " + export_path) << "\n";
    }
    return kExitOk;
  });
}

}  // namespace
}  // namespace cvm::interp

extern "C" int cvm_engine_fit(const cvm::FitRequest* request) { return cvm::interp::fit_verb(*request); }
