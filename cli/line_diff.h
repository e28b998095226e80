// A unified diff of two texts, line by line, as `cvm fmt --check` prints it: `---` and
// `+++` headers, then `@@ -A,N +B,M @@` hunks with three lines of context around changes.
// Self-contained: no external diff program is run.
#pragma once

#include <string>

namespace cvm {

/// The diff that turns `before` into `after`; "" when they are equal.
std::string unified_diff(const std::string& before, const std::string& after, const std::string& before_name,
                         const std::string& after_name);

}  // namespace cvm
