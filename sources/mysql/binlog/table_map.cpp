#include "sources/mysql/binlog/table_map.hpp"

#include <string>

#include "pipeline/common/byte_buffer.hpp"
#include "sources/mysql/binlog/byte_reader.hpp"

namespace starcdc::mysql::binlog {
namespace {

// Optional metadata field types (libbinlogevents rows_event.h
// Table_map_event::Optional_metadata_field_type).
enum OptionalField : uint8_t {
  kSignedness = 1,
  kDefaultCharset = 2,
  kColumnCharset = 3,
  kColumnName = 4,
  kSetStrValue = 5,
  kEnumStrValue = 6,
  kGeometryType = 7,
  kSimplePrimaryKey = 8,
  kPrimaryKeyWithPrefix = 9,
  kEnumAndSetDefaultCharset = 10,
  kEnumAndSetColumnCharset = 11,
  kColumnVisibility = 12,
};

uint16_t read_meta(ColumnType t, ByteReader& r) {
  switch (t) {
    case ColumnType::Float:
    case ColumnType::Double:
    case ColumnType::TinyBlob:
    case ColumnType::MediumBlob:
    case ColumnType::LongBlob:
    case ColumnType::Blob:
    case ColumnType::Geometry:
    case ColumnType::Json:
    case ColumnType::Vector:
    case ColumnType::Timestamp2:
    case ColumnType::DateTime2:
    case ColumnType::Time2:
      return r.u8("column metadata");
    case ColumnType::VarChar:
    case ColumnType::VarString:
    case ColumnType::Bit:
      return r.u16("column metadata");
    case ColumnType::NewDecimal:
    case ColumnType::String:
    case ColumnType::Enum:
    case ColumnType::Set:
      return static_cast<uint16_t>(r.uint_be(2, "column metadata"));
    default:
      return 0;
  }
}

uint8_t prefix_bytes_for(uint32_t max_bytes) { return max_bytes < 256 ? 1 : 2; }

// Derives decode kind and lengths from type and metadata (what Field::unpack reads per type).
void derive(ColumnDef& c) {
  const auto b0 = static_cast<uint8_t>(c.meta >> 8);
  const auto b1 = static_cast<uint8_t>(c.meta & 0xFF);
  c.real_type = c.type;
  switch (c.type) {
    case ColumnType::Tiny:
      c.kind = DecodeKind::Int8;
      return;
    case ColumnType::Short:
      c.kind = DecodeKind::Int16;
      return;
    case ColumnType::Int24:
      c.kind = DecodeKind::Int24;
      return;
    case ColumnType::Long:
      c.kind = DecodeKind::Int32;
      return;
    case ColumnType::LongLong:
      c.kind = DecodeKind::Int64;
      return;
    case ColumnType::Float:
      c.kind = DecodeKind::Float;
      return;
    case ColumnType::Double:
      c.kind = DecodeKind::Double;
      return;
    case ColumnType::NewDecimal:
      c.kind = DecodeKind::NewDecimal;
      c.precision = b0;
      c.scale = b1;
      return;
    case ColumnType::Year:
      c.kind = DecodeKind::Year;
      return;
    case ColumnType::Date:
    case ColumnType::NewDate:
      c.kind = DecodeKind::Date;
      return;
    case ColumnType::Time:
      c.kind = DecodeKind::Time;
      return;
    case ColumnType::DateTime:
      c.kind = DecodeKind::DateTime;
      return;
    case ColumnType::Timestamp:
      c.kind = DecodeKind::Timestamp;
      return;
    case ColumnType::Time2:
      c.kind = DecodeKind::Time2;
      c.scale = static_cast<uint8_t>(c.meta);
      return;
    case ColumnType::DateTime2:
      c.kind = DecodeKind::DateTime2;
      c.scale = static_cast<uint8_t>(c.meta);
      return;
    case ColumnType::Timestamp2:
      c.kind = DecodeKind::Timestamp2;
      c.scale = static_cast<uint8_t>(c.meta);
      return;
    case ColumnType::VarChar:
    case ColumnType::VarString:
      c.kind = DecodeKind::VarString;
      c.max_bytes = c.meta;
      c.length_bytes = prefix_bytes_for(c.max_bytes);
      return;
    case ColumnType::String: {
      // byte0 = real_type XOR ((max_len & 0x300) >> 4), byte1 = max_len & 0xFF (Field_string::
      // do_save_field_metadata): CHAR columns over 255 bytes hide two length bits in byte0.
      uint32_t max_len = b1;
      uint8_t real = b0;
      if ((b0 & 0x30) != 0x30) {
        max_len = b1 | (static_cast<uint32_t>((b0 & 0x30) ^ 0x30) << 4);
        real = static_cast<uint8_t>(b0 | 0x30);
      }
      c.real_type = static_cast<ColumnType>(real);
      if (c.real_type == ColumnType::Enum) {
        c.kind = DecodeKind::Enum;
        c.max_bytes = b1;
      } else if (c.real_type == ColumnType::Set) {
        c.kind = DecodeKind::Set;
        c.max_bytes = b1;
      } else {
        c.real_type = ColumnType::String;
        c.kind = DecodeKind::VarString;
        c.max_bytes = max_len;
        c.length_bytes = prefix_bytes_for(max_len);
      }
      return;
    }
    case ColumnType::Enum:
      c.kind = DecodeKind::Enum;
      c.max_bytes = b1;
      return;
    case ColumnType::Set:
      c.kind = DecodeKind::Set;
      c.max_bytes = b1;
      return;
    case ColumnType::Bit:
      // Low byte: bits % 8; high byte: whole bytes (Field_bit::do_save_field_metadata).
      c.kind = DecodeKind::Bit;
      c.max_bytes = static_cast<uint32_t>((c.meta >> 8) * 8 + (c.meta & 0xFF));
      return;
    case ColumnType::TinyBlob:
    case ColumnType::MediumBlob:
    case ColumnType::LongBlob:
    case ColumnType::Blob:
      c.kind = DecodeKind::Blob;
      c.length_bytes = static_cast<uint8_t>(c.meta);
      return;
    case ColumnType::Json:
      c.kind = DecodeKind::Json;
      c.length_bytes = static_cast<uint8_t>(c.meta);
      return;
    case ColumnType::Geometry:
      c.kind = DecodeKind::Geometry;
      c.length_bytes = static_cast<uint8_t>(c.meta);
      return;
    case ColumnType::Vector:
      c.kind = DecodeKind::Vector;
      c.length_bytes = static_cast<uint8_t>(c.meta);
      return;
    case ColumnType::Null:
      c.kind = DecodeKind::Null;
      return;
    default:
      c.kind = DecodeKind::Unsupported;
      return;
  }
}

void check_length_bytes(const ColumnDef& c) {
  const bool prefixed = c.kind == DecodeKind::Blob || c.kind == DecodeKind::Json ||
                        c.kind == DecodeKind::Geometry || c.kind == DecodeKind::Vector;
  if (prefixed && (c.length_bytes < 1 || c.length_bytes > 4)) {
    throw_malformed("TABLE_MAP_EVENT gives a BLOB/JSON/GEOMETRY length prefix outside 1..4.");
  }
  if ((c.kind == DecodeKind::Time2 || c.kind == DecodeKind::DateTime2 ||
       c.kind == DecodeKind::Timestamp2) &&
      c.scale > 6) {
    throw_malformed("TABLE_MAP_EVENT gives a fractional-second precision above 6.");
  }
  if (c.kind == DecodeKind::NewDecimal &&
      (c.precision == 0 || c.precision > 65 || c.scale > 30 || c.scale > c.precision)) {
    throw_malformed("TABLE_MAP_EVENT gives an invalid DECIMAL precision or scale.");
  }
  if ((c.kind == DecodeKind::Enum && (c.max_bytes < 1 || c.max_bytes > 2)) ||
      (c.kind == DecodeKind::Set && (c.max_bytes < 1 || c.max_bytes > 8))) {
    throw_malformed("TABLE_MAP_EVENT gives an invalid ENUM/SET size.");
  }
}

// Bitmap over a subset of columns, most significant bit first (SIGNEDNESS, COLUMN_VISIBILITY).
bool msb_bit(std::span<const uint8_t> bits, size_t i) {
  return i / 8 < bits.size() && ((bits[i / 8] >> (7 - i % 8)) & 1U) != 0;
}

template <typename Pred, typename Fn>
void for_each_column(std::vector<ColumnDef>& cols, Pred pred, Fn fn) {
  size_t k = 0;
  for (ColumnDef& c : cols) {
    if (pred(c)) {
      fn(c, k++);
    }
  }
}

// DEFAULT_CHARSET / ENUM_AND_SET_DEFAULT_CHARSET: a default collation, then (index, collation)
// pairs for the columns that differ, indexes counting only the columns `pred` selects.
template <typename Pred>
void apply_default_charset(ByteReader r, std::vector<ColumnDef>& cols, Pred pred) {
  const auto def = static_cast<uint32_t>(r.lenenc("a default collation"));
  for_each_column(cols, pred, [&](ColumnDef& c, size_t) { c.collation = def; });
  while (!r.empty()) {
    const uint64_t index = r.lenenc("a column index");
    const auto coll = static_cast<uint32_t>(r.lenenc("a collation"));
    for_each_column(cols, pred, [&](ColumnDef& c, size_t k) {
      if (k == index) {
        c.collation = coll;
      }
    });
  }
}

template <typename Pred>
void apply_column_charsets(ByteReader r, std::vector<ColumnDef>& cols, Pred pred) {
  for_each_column(cols, pred, [&](ColumnDef& c, size_t) {
    c.collation = static_cast<uint32_t>(r.lenenc("a column collation"));
  });
}

template <typename Pred>
void apply_labels(ByteReader r, std::vector<ColumnDef>& cols, Pred pred) {
  for_each_column(cols, pred, [&](ColumnDef& c, size_t) {
    const uint64_t count = r.lenenc("an ENUM/SET label count");
    if (count > r.remaining()) {
      throw_truncated("ENUM/SET labels");
    }
    c.labels.clear();
    c.labels.reserve(count);
    for (uint64_t i = 0; i < count; ++i) {
      const uint64_t len = r.lenenc("an ENUM/SET label length");
      c.labels.emplace_back(r.str(len, "an ENUM/SET label"));
    }
  });
}

void convert_labels(ColumnDef& c) {
  if (charset_passes_through(c.charset) || c.labels.empty()) {
    return;
  }
  ByteBuffer buf;
  for (std::string& label : c.labels) {
    const std::span<const uint8_t> in(reinterpret_cast<const uint8_t*>(label.data()), label.size());
    if (!conversion_needed(c.charset, in)) {
      continue;
    }
    buf.clear();
    if (!append_utf8(c.charset, in, buf)) {
      throw_malformed("An ENUM/SET label of column '" + c.name + "' uses charset id " +
                      std::to_string(c.collation) + ", which cannot be converted to UTF-8.");
    }
    label.assign(buf.data(), buf.size());
  }
}

void parse_optional_metadata(ByteReader r, TableMap& t, Flavor flavor) {
  auto numeric = [](const ColumnDef& c) { return is_numeric_column(c.type); };
  auto character = [flavor](const ColumnDef& c) { return c.is_character(flavor); };
  auto enum_or_set = [](const ColumnDef& c) { return c.is_enum_or_set(); };
  auto is_enum = [](const ColumnDef& c) { return c.real_type == ColumnType::Enum; };
  auto is_set = [](const ColumnDef& c) { return c.real_type == ColumnType::Set; };
  auto geometry = [](const ColumnDef& c) { return c.type == ColumnType::Geometry; };
  while (!r.empty()) {
    const uint8_t type = r.u8("an optional metadata type");
    const uint64_t len = r.lenenc("an optional metadata length");
    ByteReader field(r.bytes(len, "an optional metadata field"));
    switch (type) {
      case kSignedness: {
        const std::span<const uint8_t> bits = field.rest();
        for_each_column(t.columns, numeric,
                        [&](ColumnDef& c, size_t k) { c.is_unsigned = msb_bit(bits, k); });
        t.present.signedness = true;
        break;
      }
      case kDefaultCharset:
        apply_default_charset(field, t.columns, character);
        t.present.charsets = true;
        break;
      case kColumnCharset:
        apply_column_charsets(field, t.columns, character);
        t.present.charsets = true;
        break;
      case kColumnName:
        for (ColumnDef& c : t.columns) {
          c.name = std::string(field.str(field.lenenc("a column name length"), "a column name"));
        }
        t.present.names = true;
        break;
      case kSetStrValue:
        apply_labels(field, t.columns, is_set);
        t.present.set_labels = true;
        break;
      case kEnumStrValue:
        apply_labels(field, t.columns, is_enum);
        t.present.enum_labels = true;
        break;
      case kGeometryType:
        for_each_column(t.columns, geometry, [&](ColumnDef& c, size_t) {
          c.geometry_type = static_cast<uint8_t>(field.lenenc("a geometry type"));
        });
        t.present.geometry_types = true;
        break;
      case kSimplePrimaryKey:
        t.primary_key.clear();
        t.primary_key_prefix.clear();
        while (!field.empty()) {
          t.primary_key.push_back(static_cast<uint16_t>(field.lenenc("a key column")));
          t.primary_key_prefix.push_back(0);
        }
        t.present.primary_key = true;
        break;
      case kPrimaryKeyWithPrefix:
        t.primary_key.clear();
        t.primary_key_prefix.clear();
        while (!field.empty()) {
          t.primary_key.push_back(static_cast<uint16_t>(field.lenenc("a key column")));
          t.primary_key_prefix.push_back(static_cast<uint32_t>(field.lenenc("a key prefix")));
        }
        t.present.primary_key = true;
        break;
      case kEnumAndSetDefaultCharset:
        apply_default_charset(field, t.columns, enum_or_set);
        t.present.enum_set_charsets = true;
        break;
      case kEnumAndSetColumnCharset:
        apply_column_charsets(field, t.columns, enum_or_set);
        t.present.enum_set_charsets = true;
        break;
      case kColumnVisibility: {
        const std::span<const uint8_t> bits = field.rest();
        for (size_t i = 0; i < t.columns.size(); ++i) {
          t.columns[i].visible = msb_bit(bits, i);
        }
        t.present.visibility = true;
        break;
      }
      default:
        break;  // unknown fields are skipped by length
    }
  }
  for (const uint16_t k : t.primary_key) {
    if (k >= t.columns.size()) {
      throw_malformed("TABLE_MAP_EVENT names a primary key column past the last column.");
    }
  }
}

}  // namespace

bool ColumnDef::is_character(Flavor flavor) const {
  switch (type) {
    case ColumnType::VarChar:
    case ColumnType::VarString:
    case ColumnType::TinyBlob:
    case ColumnType::MediumBlob:
    case ColumnType::LongBlob:
    case ColumnType::Blob:
      return true;
    case ColumnType::String:
      return !is_enum_or_set();
    case ColumnType::Geometry:
      return flavor == Flavor::MariaDb;
    default:
      return false;
  }
}

void refresh_column(ColumnDef& c, Flavor) {
  c.charset = charset_of_collation(c.collation);
  convert_labels(c);
}

void parse_table_map(std::span<const uint8_t> body, const FormatDescription& fd, TableMap& t) {
  ByteReader r(body);
  const size_t id_bytes = fd.table_id_bytes();
  t.table_id = r.uint_le(id_bytes, "the table id");
  t.flags = r.u16("the table map flags");
  const size_t post = fd.post_header_length(EventType::TableMap);
  if (post > id_bytes + 2) {
    r.skip(post - id_bytes - 2, "the table map post-header");
  }
  const uint8_t db_len = r.u8("the database name length");
  t.database = std::string(r.str(db_len, "the database name"));
  r.skip(1, "the database name terminator");
  const uint8_t table_len = r.u8("the table name length");
  t.table = std::string(r.str(table_len, "the table name"));
  r.skip(1, "the table name terminator");
  const uint64_t count = r.lenenc("the column count");
  if (count > r.remaining() || count > 4096) {
    throw_malformed("TABLE_MAP_EVENT declares more columns than it holds.");
  }
  t.columns.clear();
  t.columns.resize(count);
  const std::span<const uint8_t> types = r.bytes(count, "the column types");
  for (size_t i = 0; i < count; ++i) {
    t.columns[i].type = static_cast<ColumnType>(types[i]);
  }
  ByteReader meta(r.bytes(r.lenenc("the metadata length"), "the column metadata"));
  t.json_columns = 0;
  for (ColumnDef& c : t.columns) {
    c.meta = read_meta(c.type, meta);
    derive(c);
    check_length_bytes(c);
    if (c.kind == DecodeKind::Json) {
      ++t.json_columns;
    }
  }
  const std::span<const uint8_t> nulls = r.bytes((count + 7) / 8, "the NULL-ability bitmap");
  for (size_t i = 0; i < count; ++i) {
    t.columns[i].nullable = ((nulls[i / 8] >> (i % 8)) & 1U) != 0;
  }
  t.present = MetadataPresent{};
  t.primary_key.clear();
  t.primary_key_prefix.clear();
  parse_optional_metadata(r, t, fd.flavor);
  for (ColumnDef& c : t.columns) {
    refresh_column(c, fd.flavor);
  }
  t.raw.assign(body.begin(), body.end());
}

std::string column_sql_type(const ColumnDef& c) {
  auto with_sign = [&](std::string s) { return c.is_unsigned ? s + " unsigned" : s; };
  auto with_fsp = [&](std::string s) {
    return c.scale > 0 ? s + "(" + std::to_string(c.scale) + ")" : s;
  };
  auto chars = [&](uint32_t bytes) {
    uint32_t mb = 1;
    switch (c.charset) {
      case Charset::Utf8mb4:
      case Charset::Utf16:
      case Charset::Utf32:
        mb = 4;
        break;
      case Charset::Utf8mb3:
        mb = 3;
        break;
      case Charset::Ucs2:
      case Charset::Utf16le:
        mb = c.charset == Charset::Ucs2 ? 2 : 4;
        break;
      default:
        break;
    }
    return std::to_string(bytes / mb);
  };
  switch (c.kind) {
    case DecodeKind::Int8:
      return with_sign("tinyint");
    case DecodeKind::Int16:
      return with_sign("smallint");
    case DecodeKind::Int24:
      return with_sign("mediumint");
    case DecodeKind::Int32:
      return with_sign("int");
    case DecodeKind::Int64:
      return with_sign("bigint");
    case DecodeKind::Float:
      return with_sign("float");
    case DecodeKind::Double:
      return with_sign("double");
    case DecodeKind::NewDecimal:
      return with_sign("decimal(" + std::to_string(c.precision) + "," + std::to_string(c.scale) +
                       ")");
    case DecodeKind::Year:
      return "year";
    case DecodeKind::Date:
      return "date";
    case DecodeKind::Time:
    case DecodeKind::Time2:
      return with_fsp("time");
    case DecodeKind::DateTime:
    case DecodeKind::DateTime2:
      return with_fsp("datetime");
    case DecodeKind::Timestamp:
    case DecodeKind::Timestamp2:
      return with_fsp("timestamp");
    case DecodeKind::VarString: {
      const bool fixed = c.real_type == ColumnType::String;
      if (c.is_binary()) {
        return std::string(fixed ? "binary(" : "varbinary(") + std::to_string(c.max_bytes) + ")";
      }
      return std::string(fixed ? "char(" : "varchar(") + chars(c.max_bytes) + ")";
    }
    case DecodeKind::Blob: {
      static constexpr const char* kText[] = {"tinytext", "text", "mediumtext", "longtext"};
      static constexpr const char* kBlob[] = {"tinyblob", "blob", "mediumblob", "longblob"};
      const size_t i = c.length_bytes - 1U;
      return c.is_binary() || c.charset == Charset::Unknown ? kBlob[i] : kText[i];
    }
    case DecodeKind::Enum:
    case DecodeKind::Set: {
      std::string s = c.kind == DecodeKind::Enum ? "enum(" : "set(";
      for (size_t i = 0; i < c.labels.size(); ++i) {
        s += i == 0 ? "'" : ",'";
        for (const char ch : c.labels[i]) {
          s += ch;
          if (ch == '\'') {
            s += '\'';
          }
        }
        s += "'";
      }
      return s + ")";
    }
    case DecodeKind::Bit:
      return "bit(" + std::to_string(c.max_bytes) + ")";
    case DecodeKind::Json:
      return "json";
    case DecodeKind::Geometry: {
      static constexpr const char* kGeom[] = {
          "geometry",   "point",           "linestring",   "polygon",
          "multipoint", "multilinestring", "multipolygon", "geometrycollection"};
      return c.geometry_type < 8 ? kGeom[c.geometry_type] : "geometry";
    }
    case DecodeKind::Vector:
      return "vector";
    case DecodeKind::Null:
      return "null";
    case DecodeKind::Unsupported:
      break;
  }
  return std::string("unsupported(") + column_type_name(c.type) + ")";
}

}  // namespace starcdc::mysql::binlog
