// Renders the option reference (docs/configuration.md) from the OptionSets, so the documentation
// cannot drift from the code (a unit test compares the committed file with this output).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "config/option_spec.hpp"

namespace starcdc::config {

struct DocSection {
  std::string heading;  // "Source `values`"
  std::string intro;    // one paragraph, may be empty
  const OptionSet* options;
};

std::string render_options_doc(const std::vector<DocSection>& sections);

}  // namespace starcdc::config
