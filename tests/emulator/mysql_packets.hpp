// MySQL client/server protocol encoding: packets, length-encoded values, handshake v10, OK/ERR/
// EOF, text result sets, and the mysql_native_password scramble check.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sql_executor.hpp"

namespace emu::mysql {

// Capability flags (MySQL protocol, "Capability Flags").
constexpr uint32_t kClientLongPassword = 0x1;
constexpr uint32_t kClientFoundRows = 0x2;
constexpr uint32_t kClientLongFlag = 0x4;
constexpr uint32_t kClientConnectWithDb = 0x8;
constexpr uint32_t kClientProtocol41 = 0x200;
constexpr uint32_t kClientTransactions = 0x2000;
constexpr uint32_t kClientSecureConnection = 0x8000;
constexpr uint32_t kClientMultiResults = 0x20000;
constexpr uint32_t kClientPluginAuth = 0x80000;
constexpr uint32_t kClientConnectAttrs = 0x100000;
constexpr uint32_t kClientPluginAuthLenencData = 0x200000;
constexpr uint32_t kServerCapabilities =
    kClientLongPassword | kClientFoundRows | kClientLongFlag | kClientConnectWithDb |
    kClientProtocol41 | kClientTransactions | kClientSecureConnection | kClientMultiResults |
    kClientPluginAuth | kClientConnectAttrs | kClientPluginAuthLenencData;

// Appends one packet (header + payload) with the given sequence id; splits at 16 MiB.
void append_packet(std::string_view payload, uint8_t* seq, std::string* out);
void put_lenenc_int(uint64_t v, std::string* out);
void put_lenenc_str(std::string_view s, std::string* out);

std::string handshake_v10(const std::string& server_version, uint32_t connection_id,
                           const std::string& scramble);
std::string ok_payload(uint64_t affected, uint16_t status = 0x0002);
std::string err_payload(uint16_t code, const std::string& sql_state, const std::string& message);
std::string eof_payload(uint16_t status = 0x0002);
// Column definitions + rows + EOFs for a result set, starting at *seq.
void append_result_set(const SqlResult& r, uint8_t* seq, std::string* out);

struct HandshakeResponse {
  uint32_t capabilities = 0;
  std::string user;
  std::string auth_response;
  std::string database;
  std::string plugin;
};
bool parse_handshake_response(std::string_view p, HandshakeResponse* out);

// mysql_native_password: SHA1(pw) XOR SHA1(scramble + SHA1(SHA1(pw))); empty pw = empty token.
bool check_native_password(const std::string& password, const std::string& scramble,
                           const std::string& token);

}  // namespace emu::mysql
