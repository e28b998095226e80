// The layout engine of `cvm fmt`: turns a file's tokens (comments included), each with the
// role the parser gave it, into text in the canonical layout that docs/formatting.md
// describes. It keeps every line break of the source (only runs of blank lines shrink), so
// a line-sensitive rule such as "a unit belongs to its number only on the same line" reads
// the output as it read the input. No ANTLR here: format.cpp lexes, parses and fills in
// the LayoutTokens.
#pragma once

#include <string>
#include <vector>

namespace cvm {

enum class LayoutTokenKind { Code, LineComment, DocComment, BlockComment };

/// What the grammar says a code token is, where that changes the spacing or alignment.
enum class LayoutRole {
  None,
  ParamKeyword,  // `param` of a parameter declaration: its line may join an aligned run
  ParamColon,    // the `:` after a parameter's name: the type column aligns after it
  ParamAssign,   // the `=` before a parameter's value: the value column aligns here
  HugsLeft,      // `(` or `[` written against what precedes it: calls, instances, formals,
                 // types `tensor[..]`, indexing `x[0]`
  Prefix,        // a unary sign, or the `-` of a unit power `s^-1`: its operand follows at once
  UnitOperator,  // `*` or `/` between units `deg/s`: no spaces
};

struct LayoutToken {
  LayoutTokenKind kind = LayoutTokenKind::Code;
  /// The token's text; comments without trailing whitespace, block comments with "\n" line ends.
  std::string text;
  /// Line breaks between the end of the previous token and this one (0: same line).
  int newlines_before = 0;
  /// First token of a declaration, model or primitive item, fit item, setting or override.
  bool starts_item = false;
  LayoutRole role = LayoutRole::None;
};

/// The tokens laid out in the canonical layout; "" when there are none, else ends with "\n".
std::string lay_out(const std::vector<LayoutToken>& tokens);

}  // namespace cvm
