// Binds primitive names ("Conv3d") to the C++ classes that run them. A primitive declared
// in a library .cvm file without a binding here is reported when a plan is built.
#pragma once

#include <functional>
#include <memory>

#include "interpreter/runtime/layer.h"

namespace cvm::interp {

using LayerFactory = std::function<std::unique_ptr<Layer>(const graph::Node&, const LayerContext&)>;

/// Registers a factory; called by each layer file's static registrar.
bool register_layer(const std::string& primitive, LayerFactory factory);
/// The factory for a primitive, or nullptr.
const LayerFactory* find_layer(const std::string& primitive);

/// Reads an argument of a node as a number / bool / list of ints (checked by the
/// frontend, so a mismatch here is an internal error).
double arg_number(const graph::Node& node, const std::string& name);
bool arg_bool(const graph::Node& node, const std::string& name);
std::vector<int64_t> arg_ints(const graph::Node& node, const std::string& name);

}  // namespace cvm::interp
