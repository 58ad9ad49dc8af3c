// ${VAR} and ${VAR:-default} in scalar values, from the process environment. `$${` writes a
// literal `${`. An unset variable without a default is an error at the scalar's location.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "config/diagnostics.hpp"
#include "config/yaml_tree.hpp"

namespace starcdc::config {

using EnvLookup = std::function<std::optional<std::string>(const std::string&)>;
EnvLookup process_environment();

// Substitutes in one string; problems go to `diags` at `where`.
std::string substitute(const std::string& text, const Location& where, const EnvLookup& env,
                       Diagnostics& diags);
// Substitutes in every scalar value of the tree (keys are left alone).
void substitute_tree(Node& node, const EnvLookup& env, Diagnostics& diags);

}  // namespace starcdc::config
