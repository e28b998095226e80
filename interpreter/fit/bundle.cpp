#include "interpreter/fit/bundle.h"

#include <ctime>

#include "interpreter/io/hdf5_file.h"
#include "interpreter/runtime/parameters.h"

namespace cvm::interp::fit {
namespace {

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

std::string json_files(const std::vector<std::pair<std::string, std::string>>& files) {
  std::string out = "{";
  for (size_t i = 0; i < files.size(); ++i) {
    out += (i ? ", " : "") + json_string(files[i].first) + ": " + json_string(files[i].second);
  }
  return out + "}";
}

std::string json_targets(const graph::FitSpec& spec) {
  std::string out = "[";
  for (size_t i = 0; i < spec.targets.size(); ++i) {
    const auto& t = spec.targets[i];
    out += (i ? ", " : "") + std::string("{\"output\": ") + json_string(t.output) +
           ", \"file\": " + json_string(t.data.file) + ", \"dataset\": " + json_string(t.data.dataset) +
           ", \"loss\": " + json_string(t.loss) + ", \"weight\": " + std::to_string(t.weight) + "}";
  }
  return out + "]";
}

std::string utc_now() {
  std::time_t now = std::time(nullptr);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&now));
  return text;
}

}  // namespace

void write_bundle(const std::string& path, const graph::ModelGraph& g, const graph::FitSpec& spec,
                  const ParamSpace& space, const std::vector<at::Tensor>& values, const FitProgress& progress,
                  const Provenance& provenance) {
  if (path.size() > 4 && path.compare(path.size() - 4, 4, ".npz") == 0) {
    export_params(path, g, values);
    return;
  }
  io::Hdf5OutputFile out(path);
  out.set_attribute("/", "cvm_version", std::string(CVM_VERSION));
  out.set_attribute("/", "model", g.model);
  out.set_attribute("/", "fit", spec.name);
  out.set_attribute("/", "source_sha256", provenance.sources.empty() ? std::string() : provenance.sources[0].second);
  out.set_attribute("/", "imports_sha256", json_files(provenance.sources));
  out.set_attribute("/", "seed", static_cast<int64_t>(provenance.seed));
  out.set_attribute("/", "data_sha256", json_files(provenance.data));
  std::string files;
  for (const auto& d : provenance.data) files += (files.empty() ? "" : ", ") + d.first;
  out.set_attribute("/", "data_files", files);
  out.set_attribute("/", "date", utc_now());
  out.set_attribute("/", "status", progress.status);
  out.set_attribute("/", "best_epoch", progress.best_epoch);

  write_param_datasets(out, g, values);
  for (size_t k = 0; k < space.free().size(); ++k) {
    const graph::Parameter& p = g.params[static_cast<size_t>(space.free()[k])];
    out.set_attribute("/params/" + p.flat_name(), "free", int64_t{1});
    out.set_attribute("/params/" + p.flat_name(), "transform", space.transform(k).name());
  }

  out.write_doubles("/fit/loss", progress.loss);
  out.write_doubles("/fit/epoch_loss", progress.epoch_loss);
  out.write_doubles("/fit/validation", progress.validation);
  out.write_doubles("/fit/validation_epoch", {progress.validation_epoch.begin(), progress.validation_epoch.end()});
  out.set_attribute("/fit", "optimizer", spec.optimizer.name);
  for (const auto& [key, value] : spec.optimizer.settings) {
    out.set_attribute("/fit", "optimizer." + key, graph::to_string(value));
  }
  out.set_attribute("/fit", "chunk", spec.chunk);
  out.set_attribute("/fit", "skip", spec.skip);
  out.set_attribute("/fit", "epochs", spec.epochs);
  out.set_attribute("/fit", "epochs_run", progress.epoch);
  out.set_attribute("/fit", "steps", progress.global_step);
  out.set_attribute("/fit", "targets", json_targets(spec));
  out.commit();
}

}  // namespace cvm::interp::fit
