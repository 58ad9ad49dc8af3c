// A throw-away RSA key pair for the protocol tests (what a server's public_key.pem would be).
#pragma once

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "sources/mysql/protocol/wire.hpp"

namespace starcdc::mysql::protocol::test {

class RsaKey {
 public:
  RsaKey() : key_(EVP_PKEY_Q_keygen(nullptr, nullptr, "RSA", size_t{2048}), EVP_PKEY_free) {
    if (!key_) {
      throw std::runtime_error("RSA key generation failed");
    }
  }

  std::string public_pem() const {
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new(BIO_s_mem()), BIO_free);
    if (PEM_write_bio_PUBKEY(bio.get(), key_.get()) != 1) {
      throw std::runtime_error("PEM_write_bio_PUBKEY failed");
    }
    char* data = nullptr;
    const long len = BIO_ctrl(bio.get(), BIO_CTRL_INFO, 0, &data);  // BIO_get_mem_data
    return std::string(data, static_cast<size_t>(len));
  }

  // RSA-OAEP (SHA-1) decryption, as the server does it.
  Bytes decrypt(ByteView cipher) const {
    std::unique_ptr<EVP_PKEY_CTX, decltype(&EVP_PKEY_CTX_free)> ctx(
        EVP_PKEY_CTX_new(key_.get(), nullptr), EVP_PKEY_CTX_free);
    Bytes plain(cipher.size());
    size_t len = plain.size();
    if (EVP_PKEY_decrypt_init(ctx.get()) != 1 ||
        EVP_PKEY_CTX_set_rsa_padding(ctx.get(), RSA_PKCS1_OAEP_PADDING) != 1 ||
        EVP_PKEY_decrypt(ctx.get(), plain.data(), &len, cipher.data(), cipher.size()) != 1) {
      throw std::runtime_error("RSA decryption failed");
    }
    plain.resize(len);
    return plain;
  }

 private:
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key_;
};

}  // namespace starcdc::mysql::protocol::test
