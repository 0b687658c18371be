#include "bot/http/twilio_signature.h"

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>

#include "bot/http/intake_auth.h"

namespace leadrouter {

std::string SignTwilioRequest(std::string_view auth_token, std::string_view url,
                              FormParams params) {
  // Sorting by value too makes repeated names deterministic, as Twilio's
  // own helpers do.
  std::sort(params.begin(), params.end());
  std::string data(url);
  for (const auto& [name, value] : params) data.append(name).append(value);

  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha1(), auth_token.data(), static_cast<int>(auth_token.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), mac,
       &len);
  std::string out(4 * ((len + 2) / 3), '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                mac, static_cast<int>(len));
  out.resize(n > 0 ? static_cast<size_t>(n) : 0);
  return out;
}

bool VerifyTwilioSignature(std::string_view auth_token, std::string_view url,
                           const FormParams& params,
                           std::string_view signature) {
  if (auth_token.empty() || signature.empty()) return false;
  return ConstantTimeEquals(SignTwilioRequest(auth_token, url, params),
                            signature);
}

}  // namespace leadrouter
