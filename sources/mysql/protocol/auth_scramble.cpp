#include "sources/mysql/protocol/auth_scramble.hpp"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <string>

#include "pipeline/common/error.hpp"

namespace starcdc::mysql::protocol {
namespace {

Bytes digest(const EVP_MD* md, ByteView a, ByteView b = {}) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), EVP_MD_CTX_free);
  Bytes out(static_cast<size_t>(EVP_MD_get_size(md)));
  unsigned int len = 0;
  if (!ctx || EVP_DigestInit_ex(ctx.get(), md, nullptr) != 1 ||
      EVP_DigestUpdate(ctx.get(), a.data(), a.size()) != 1 ||
      EVP_DigestUpdate(ctx.get(), b.data(), b.size()) != 1 ||
      EVP_DigestFinal_ex(ctx.get(), out.data(), &len) != 1) {
    throw Error(ErrorKind::Internal, "OpenSSL digest failed");
  }
  out.resize(len);
  return out;
}

std::string openssl_error() {
  const unsigned long code = ERR_get_error();
  ERR_clear_error();
  if (code == 0) {
    return "unknown OpenSSL error";
  }
  char buf[256];
  ERR_error_string_n(code, buf, sizeof(buf));
  return buf;
}

}  // namespace

Bytes sha1(ByteView data) { return digest(EVP_sha1(), data); }
Bytes sha256(ByteView data) { return digest(EVP_sha256(), data); }
Bytes sha512(ByteView data) { return digest(EVP_sha512(), data); }

Bytes native_password_scramble(std::string_view password, ByteView nonce) {
  if (password.empty()) {
    return {};
  }
  // MySQL sql/auth/password.cc scramble(): stage1 = SHA1(pw), stage2 = SHA1(stage1),
  // reply = stage1 XOR SHA1(nonce || stage2).
  const Bytes stage1 = sha1(as_bytes(password));
  const Bytes stage2 = sha1(stage1);
  Bytes out = digest(EVP_sha1(), nonce, stage2);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] ^= stage1[i];
  }
  return out;
}

Bytes caching_sha2_scramble(std::string_view password, ByteView nonce) {
  if (password.empty()) {
    return {};
  }
  // MySQL sql-common/sha2_password_common.cc generate_sha256_scramble(): digest stage 1 and 2,
  // then SHA256(stage2 || nonce) XOR stage1.
  const Bytes stage1 = sha256(as_bytes(password));
  const Bytes stage2 = sha256(stage1);
  Bytes out = digest(EVP_sha256(), stage2, nonce);
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] ^= stage1[i];
  }
  return out;
}

Bytes xor_password_with_nonce(std::string_view password, ByteView nonce) {
  Bytes out(password.begin(), password.end());
  out.push_back(0);
  if (nonce.empty()) {
    return out;
  }
  for (size_t i = 0; i < out.size(); ++i) {
    out[i] ^= nonce[i % nonce.size()];
  }
  return out;
}

Bytes rsa_encrypt_password(std::string_view public_key_pem, std::string_view password,
                           ByteView nonce) {
  std::unique_ptr<BIO, decltype(&BIO_free)> bio(
      BIO_new_mem_buf(public_key_pem.data(), static_cast<int>(public_key_pem.size())), BIO_free);
  if (!bio) {
    throw Error(ErrorKind::Internal, "OpenSSL cannot allocate a BIO");
  }
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  if (!key) {
    throw Error(ErrorKind::Refused, "cannot read the server's RSA public key: " + openssl_error(),
                {},
                "the key must be PEM (-----BEGIN PUBLIC KEY-----), e.g. the server's "
                "public_key.pem");
  }
  std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
      EVP_PKEY_CTX_new(key.get(), nullptr), EVP_PKEY_CTX_free);
  const Bytes plain = xor_password_with_nonce(password, nonce);
  size_t out_len = 0;
  if (!ctx || EVP_PKEY_encrypt_init(ctx.get()) != 1 ||
      EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
      EVP_PKEY_encrypt(ctx.get(), nullptr, &out_len, plain.data(), plain.size()) != 1) {
    throw Error(ErrorKind::Refused, "cannot use the server's RSA public key: " + openssl_error());
  }
  Bytes out(out_len);
  if (EVP_PKEY_encrypt(ctx.get(), out.data(), &out_len, plain.data(), plain.size()) != 1) {
    throw Error(
        ErrorKind::Refused,
        "cannot RSA-encrypt the password (too long for the server's key?): " + openssl_error());
  }
  out.resize(out_len);
  return out;
}

}  // namespace starcdc::mysql::protocol
