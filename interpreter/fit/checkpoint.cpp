#include "interpreter/fit/checkpoint.h"

#include "interpreter/fit/archive_bytes.h"
#include "interpreter/io/hdf5_file.h"
#include "interpreter/runtime/tensor_array.h"

namespace cvm::interp::fit {
namespace {

constexpr const char* kFormat = "cvm fit checkpoint 1";

void write_leaves(io::Hdf5OutputFile& out, const std::string& group, const std::vector<at::Tensor>& leaves) {
  out.set_attribute("/", group + "_count", static_cast<int64_t>(leaves.size()));
  for (size_t k = 0; k < leaves.size(); ++k) {
    out.write_dataset("/" + group + "/" + std::to_string(k), array_from_tensor(leaves[k].detach()));
  }
}

std::vector<at::Tensor> read_leaves(const std::string& path, const std::string& group) {
  auto count = io::read_hdf5_number_attribute(path, "/", group + "_count");
  std::vector<at::Tensor> leaves;
  for (int64_t k = 0; k < static_cast<int64_t>(count.value_or(0)); ++k) {
    leaves.push_back(tensor_from_array(io::read_hdf5_dataset(path, "/" + group + "/" + std::to_string(k))));
  }
  return leaves;
}

double number(const std::string& path, const char* key) {
  auto v = io::read_hdf5_number_attribute(path, "/", key);
  if (!v) throw io::DataError("'" + path + "' is not a complete cvm checkpoint (no '" + key + "')");
  return *v;
}

std::vector<int64_t> to_int(const std::vector<double>& v) { return {v.begin(), v.end()}; }

}  // namespace

std::vector<uint8_t> serialize_states(const std::vector<std::vector<at::Tensor>>& states) {
  torch::serialize::OutputArchive archive;
  archive.write("layers", at::scalar_tensor(static_cast<int64_t>(states.size()), at::kLong));
  for (size_t i = 0; i < states.size(); ++i) {
    const std::string key = "l" + std::to_string(i);
    archive.write(key + "_n", at::scalar_tensor(static_cast<int64_t>(states[i].size()), at::kLong));
    for (size_t k = 0; k < states[i].size(); ++k) {
      const at::Tensor& t = states[i][k];
      archive.write(key + "_" + std::to_string(k) + "_defined", at::scalar_tensor(t.defined() ? 1 : 0, at::kLong));
      if (t.defined()) archive.write(key + "_" + std::to_string(k), t.detach().contiguous());
    }
  }
  return archive_bytes(archive);
}

std::vector<std::vector<at::Tensor>> deserialize_states(const std::vector<uint8_t>& bytes) {
  torch::serialize::InputArchive archive;
  load_archive(archive, bytes);
  at::Tensor t;
  archive.read("layers", t);
  std::vector<std::vector<at::Tensor>> states(static_cast<size_t>(t.item<int64_t>()));
  for (size_t i = 0; i < states.size(); ++i) {
    const std::string key = "l" + std::to_string(i);
    archive.read(key + "_n", t);
    states[i].resize(static_cast<size_t>(t.item<int64_t>()));
    for (size_t k = 0; k < states[i].size(); ++k) {
      archive.read(key + "_" + std::to_string(k) + "_defined", t);
      if (t.item<int64_t>()) archive.read(key + "_" + std::to_string(k), states[i][k]);
    }
  }
  return states;
}

void write_checkpoint(const std::string& path, const Checkpoint& c) {
  io::Hdf5OutputFile out(path);
  const FitProgress& p = c.progress;
  out.set_attribute("/", "format", std::string(kFormat));
  out.set_attribute("/", "cvm_version", std::string(CVM_VERSION));
  out.set_attribute("/", "identity", c.identity);
  out.set_attribute("/", "epoch", p.epoch);
  out.set_attribute("/", "next_frame", p.next_frame);
  out.set_attribute("/", "global_step", p.global_step);
  out.set_attribute("/", "epoch_loss_so_far", p.epoch_loss_so_far);
  out.set_attribute("/", "best_value", p.best_value);
  out.set_attribute("/", "best_epoch", p.best_epoch);
  out.set_attribute("/", "bad_evaluations", p.bad_evaluations);
  out.set_attribute("/", "status", p.status);
  write_leaves(out, "leaves", c.leaves);
  write_leaves(out, "best", c.best_leaves);
  out.write_bytes("/optimizer", c.optimizer);
  out.write_bytes("/states", serialize_states(c.layer_states));
  out.write_doubles("/fit/loss", p.loss);
  out.write_doubles("/fit/epoch_loss", p.epoch_loss);
  out.write_doubles("/fit/validation", p.validation);
  out.write_doubles("/fit/validation_epoch", {p.validation_epoch.begin(), p.validation_epoch.end()});
  out.commit();
}

Checkpoint read_checkpoint(const std::string& path) {
  auto format = io::read_hdf5_string_attribute(path, "/", "format");
  if (!format || *format != kFormat) throw io::DataError("'" + path + "' is not a cvm fit checkpoint");
  Checkpoint c;
  FitProgress& p = c.progress;
  c.identity = io::read_hdf5_string_attribute(path, "/", "identity").value_or("");
  p.epoch = static_cast<int64_t>(number(path, "epoch"));
  p.next_frame = static_cast<int64_t>(number(path, "next_frame"));
  p.global_step = static_cast<int64_t>(number(path, "global_step"));
  p.epoch_loss_so_far = number(path, "epoch_loss_so_far");
  p.best_value = number(path, "best_value");
  p.best_epoch = static_cast<int64_t>(number(path, "best_epoch"));
  p.bad_evaluations = static_cast<int64_t>(number(path, "bad_evaluations"));
  p.status = io::read_hdf5_string_attribute(path, "/", "status").value_or("running");
  c.leaves = read_leaves(path, "leaves");
  c.best_leaves = read_leaves(path, "best");
  c.optimizer = io::read_hdf5_bytes(path, "/optimizer");
  c.layer_states = deserialize_states(io::read_hdf5_bytes(path, "/states"));
  p.loss = io::read_hdf5_doubles(path, "/fit/loss");
  p.epoch_loss = io::read_hdf5_doubles(path, "/fit/epoch_loss");
  p.validation = io::read_hdf5_doubles(path, "/fit/validation");
  p.validation_epoch = to_int(io::read_hdf5_doubles(path, "/fit/validation_epoch"));
  return c;
}

}  // namespace cvm::interp::fit
