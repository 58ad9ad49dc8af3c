// docs/configuration.md, rendered from every OptionSet this binary has.
#pragma once

#include <string>

namespace starcdc {

std::string options_reference_markdown();

}  // namespace starcdc
