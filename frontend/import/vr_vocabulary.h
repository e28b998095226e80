// VirtualRetina's XML vocabulary (its xmlize() registrations, version 2.2.3): which
// elements may appear inside which, and the attributes each one reads. `cvm import`
// checks a file against it to name unknown elements and attributes (with a guess).
#pragma once

#include <string>
#include <vector>

namespace cvm {

/// One element of the vocabulary.
struct VrElement {
  std::string name;
  std::vector<std::string> attributes;
  std::vector<std::string> children;
};

/// The element named `name`, or nullptr when VirtualRetina has none.
const VrElement* vr_element(const std::string& name);

/// The elements that may hold an element named `name` (empty when none does).
std::vector<std::string> vr_parents(const std::string& name);

/// The name of the root element of a VirtualRetina file: retina-description-file.
const std::string& vr_root_name();

}  // namespace cvm
