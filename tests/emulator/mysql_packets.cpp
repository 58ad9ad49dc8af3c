#include "mysql_packets.hpp"

#include <cstring>

#include <boost/uuid/detail/sha1.hpp>

namespace emu::mysql {
namespace {

constexpr size_t kMaxPayload = 0xffffff;

std::string sha1(std::string_view data) {
  boost::uuids::detail::sha1 h;
  h.process_bytes(data.data(), data.size());
  boost::uuids::detail::sha1::digest_type d;
  h.get_digest(d);
  std::string r(20, '\0');
  for (int i = 0; i < 5; ++i) {
    r[static_cast<size_t>(i * 4)] = static_cast<char>((d[i] >> 24) & 0xff);
    r[static_cast<size_t>(i * 4 + 1)] = static_cast<char>((d[i] >> 16) & 0xff);
    r[static_cast<size_t>(i * 4 + 2)] = static_cast<char>((d[i] >> 8) & 0xff);
    r[static_cast<size_t>(i * 4 + 3)] = static_cast<char>(d[i] & 0xff);
  }
  return r;
}

void put_int(uint64_t v, int bytes, std::string* out) {
  for (int i = 0; i < bytes; ++i) {
    out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
  }
}

bool get_lenenc(std::string_view& p, uint64_t* v) {
  if (p.empty()) {
    return false;
  }
  auto b = static_cast<uint8_t>(p[0]);
  int n = 0;
  if (b < 0xfb) {
    *v = b;
    p.remove_prefix(1);
    return true;
  }
  n = b == 0xfc ? 2 : b == 0xfd ? 3 : b == 0xfe ? 8 : -1;
  if (n < 0 || p.size() < static_cast<size_t>(n + 1)) {
    return false;
  }
  *v = 0;
  for (int i = 0; i < n; ++i) {
    *v |= static_cast<uint64_t>(static_cast<uint8_t>(p[static_cast<size_t>(1 + i)])) << (8 * i);
  }
  p.remove_prefix(static_cast<size_t>(n + 1));
  return true;
}

std::string get_cstr(std::string_view& p) {
  auto z = p.find('\0');
  std::string r(p.substr(0, z));
  p.remove_prefix(z == std::string_view::npos ? p.size() : z + 1);
  return r;
}

}  // namespace

void append_packet(std::string_view payload, uint8_t* seq, std::string* out) {
  do {
    size_t n = std::min(payload.size(), kMaxPayload);
    put_int(n, 3, out);
    out->push_back(static_cast<char>((*seq)++));
    out->append(payload.substr(0, n));
    payload.remove_prefix(n);
    if (n < kMaxPayload) {
      break;
    }
  } while (true);
}

void put_lenenc_int(uint64_t v, std::string* out) {
  if (v < 0xfb) {
    out->push_back(static_cast<char>(v));
  } else if (v <= 0xffff) {
    out->push_back(static_cast<char>(0xfc));
    put_int(v, 2, out);
  } else if (v <= 0xffffff) {
    out->push_back(static_cast<char>(0xfd));
    put_int(v, 3, out);
  } else {
    out->push_back(static_cast<char>(0xfe));
    put_int(v, 8, out);
  }
}

void put_lenenc_str(std::string_view s, std::string* out) {
  put_lenenc_int(s.size(), out);
  out->append(s);
}

std::string handshake_v10(const std::string& server_version, uint32_t connection_id,
                          const std::string& scramble) {
  std::string p;
  p.push_back(10);
  p += server_version;
  p.push_back('\0');
  put_int(connection_id, 4, &p);
  p.append(scramble.substr(0, 8));
  p.push_back('\0');
  put_int(kServerCapabilities & 0xffff, 2, &p);
  p.push_back(33);  // utf8_general_ci
  put_int(0x0002, 2, &p);  // SERVER_STATUS_AUTOCOMMIT
  put_int(kServerCapabilities >> 16, 2, &p);
  p.push_back(21);
  p.append(10, '\0');
  p.append(scramble.substr(8, 12));
  p.push_back('\0');
  p += "mysql_native_password";
  p.push_back('\0');
  return p;
}

std::string ok_payload(uint64_t affected, uint16_t status) {
  std::string p(1, '\0');
  put_lenenc_int(affected, &p);
  put_lenenc_int(0, &p);
  put_int(status, 2, &p);
  put_int(0, 2, &p);
  return p;
}

std::string err_payload(uint16_t code, const std::string& sql_state, const std::string& message) {
  std::string p(1, static_cast<char>(0xff));
  put_int(code, 2, &p);
  p.push_back('#');
  p.append((sql_state + "00000").substr(0, 5));
  p += message;
  return p;
}

std::string eof_payload(uint16_t status) {
  std::string p(1, static_cast<char>(0xfe));
  put_int(0, 2, &p);
  put_int(status, 2, &p);
  return p;
}

void append_result_set(const SqlResult& r, uint8_t* seq, std::string* out) {
  std::string p;
  put_lenenc_int(r.columns.size(), &p);
  append_packet(p, seq, out);
  for (const std::string& name : r.columns) {
    p.clear();
    put_lenenc_str("def", &p);
    put_lenenc_str("", &p);
    put_lenenc_str("", &p);
    put_lenenc_str("", &p);
    put_lenenc_str(name, &p);
    put_lenenc_str(name, &p);
    p.push_back(0x0c);
    put_int(33, 2, &p);
    put_int(65535, 4, &p);
    p.push_back(static_cast<char>(0xfd));  // MYSQL_TYPE_VAR_STRING
    put_int(0, 2, &p);
    p.push_back(0);
    put_int(0, 2, &p);
    append_packet(p, seq, out);
  }
  append_packet(eof_payload(), seq, out);
  for (const auto& row : r.rows) {
    p.clear();
    for (const Cell& c : row) {
      if (c) {
        put_lenenc_str(*c, &p);
      } else {
        p.push_back(static_cast<char>(0xfb));
      }
    }
    append_packet(p, seq, out);
  }
  append_packet(eof_payload(), seq, out);
}

bool parse_handshake_response(std::string_view p, HandshakeResponse* out) {
  if (p.size() < 32) {
    return false;
  }
  out->capabilities = static_cast<uint32_t>(static_cast<uint8_t>(p[0])) |
                      static_cast<uint32_t>(static_cast<uint8_t>(p[1])) << 8 |
                      static_cast<uint32_t>(static_cast<uint8_t>(p[2])) << 16 |
                      static_cast<uint32_t>(static_cast<uint8_t>(p[3])) << 24;
  p.remove_prefix(32);
  out->user = get_cstr(p);
  if (out->capabilities & kClientPluginAuthLenencData) {
    uint64_t n = 0;
    if (!get_lenenc(p, &n) || p.size() < n) {
      return false;
    }
    out->auth_response = std::string(p.substr(0, n));
    p.remove_prefix(n);
  } else if (out->capabilities & kClientSecureConnection) {
    if (p.empty()) {
      return false;
    }
    auto n = static_cast<uint8_t>(p[0]);
    p.remove_prefix(1);
    if (p.size() < n) {
      return false;
    }
    out->auth_response = std::string(p.substr(0, n));
    p.remove_prefix(n);
  } else {
    out->auth_response = get_cstr(p);
  }
  if ((out->capabilities & kClientConnectWithDb) && !p.empty()) {
    out->database = get_cstr(p);
  }
  if ((out->capabilities & kClientPluginAuth) && !p.empty()) {
    out->plugin = get_cstr(p);
  }
  return true;
}

bool check_native_password(const std::string& password, const std::string& scramble,
                           const std::string& token) {
  if (password.empty()) {
    return token.empty();
  }
  if (token.size() != 20) {
    return false;
  }
  std::string s1 = sha1(password);
  std::string s2 = sha1(s1);
  std::string s3 = sha1(scramble + s2);
  for (size_t i = 0; i < 20; ++i) {
    if (static_cast<char>(s1[i] ^ s3[i]) != token[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace emu::mysql
