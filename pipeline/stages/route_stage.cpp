#include "pipeline/stages/route_stage.hpp"

#include "pipeline/common/assert.hpp"

namespace starcdc {
namespace {

TableId split_table(const std::string& text) {
  const auto dot = text.find('.');
  return TableId{text.substr(0, dot), dot == std::string::npos ? "" : text.substr(dot + 1)};
}

std::string expand(const RouteStage::Rule& rule, const TableId& source,
                   const std::vector<std::string>& groups) {
  std::string out;
  const std::string& t = rule.sink_table;
  if (!rule.replace_symbol.empty()) {
    size_t i = 0;
    while (i < t.size()) {
      if (t.compare(i, rule.replace_symbol.size(), rule.replace_symbol) == 0) {
        out += source.table;
        i += rule.replace_symbol.size();
      } else {
        out.push_back(t[i++]);
      }
    }
    return out;
  }
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '$' && i + 1 < t.size() && std::isdigit(static_cast<unsigned char>(t[i + 1]))) {
      const size_t n = static_cast<size_t>(t[i + 1] - '0');
      if (n < groups.size()) {
        out += groups[n];
      }
      ++i;
    } else {
      out.push_back(t[i]);
    }
  }
  return out;
}

}  // namespace

RouteStage::RouteStage(Emitter& next, std::vector<Rule> rules, RouteMode mode)
    : Stage(next), rules_(std::move(rules)), mode_(mode) {}

std::vector<RouteStage::Rule> RouteStage::rules_from(const std::vector<config::RouteRule>& routes) {
  std::vector<Rule> rules;
  for (const auto& r : routes) {
    std::string error;
    auto pattern = config::TablePattern::parse(r.source_table, &error);
    STARCDC_CHECK(pattern.has_value(), "route rule not validated by the config loader");
    rules.push_back(Rule{std::move(*pattern), r.sink_table, r.replace_symbol});
  }
  return rules;
}

std::vector<TableId> RouteStage::route(const TableId& source) const {
  std::vector<TableId> out;
  std::vector<std::string> groups;
  for (const auto& rule : rules_) {
    if (!rule.source.matches(source.database, source.table, &groups)) {
      continue;
    }
    TableId sink = split_table(expand(rule, source, groups));
    if (std::find(out.begin(), out.end(), sink) == out.end()) {
      out.push_back(std::move(sink));
    }
    if (mode_ == RouteMode::FirstMatch) {
      break;
    }
  }
  if (out.empty()) {
    out.push_back(source);
  }
  return out;
}

const std::vector<const TableSchema*>& RouteStage::routed(const TableSchema* schema) {
  if (schema == last_schema_) {
    return *last_routed_;
  }
  auto [it, inserted] = cache_.try_emplace(schema);
  if (inserted) {
    for (const TableId& id : route(schema->id())) {
      if (id == schema->id()) {
        it->second.push_back(schema);
        continue;
      }
      std::vector<Column> cols(schema->columns().begin(), schema->columns().end());
      std::vector<uint16_t> pk(schema->primary_key().begin(), schema->primary_key().end());
      owned_.push_back(
          std::make_unique<TableSchema>(id, schema->version(), std::move(cols), std::move(pk)));
      it->second.push_back(owned_.back().get());
    }
  }
  last_schema_ = schema;
  last_routed_ = &it->second;
  return it->second;
}

void RouteStage::event(const ChangeEvent& e) {
  const auto& targets = routed(e.schema);
  if (targets.size() == 1 && targets[0] == e.schema) {
    next_.event(e);
    return;
  }
  ChangeEvent copy = e;
  for (const TableSchema* t : targets) {
    copy.schema = t;
    next_.event(copy);
  }
}

void RouteStage::schema_change(const SchemaChange& c) {
  const std::vector<const TableSchema*>* targets = nullptr;
  if (c.schema != nullptr) {
    targets = &routed(c.schema);
  }
  std::vector<TableId> ids = route(c.table);
  for (size_t i = 0; i < ids.size(); ++i) {
    SchemaChange copy = c;
    copy.table = ids[i];
    if (targets != nullptr) {
      copy.schema = (*targets)[i];
    }
    next_.schema_change(copy);
  }
}

}  // namespace starcdc
