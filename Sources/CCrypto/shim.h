#ifndef QUADRA_CCRYPTO_SHIM_H
#define QUADRA_CCRYPTO_SHIM_H
// OpenSSL's libcrypto, for SHA-256 only: it uses the CPU's SHA extensions where they exist
// (about 8 times the speed of a portable implementation on this project's machines).
#include <openssl/evp.h>
#endif
