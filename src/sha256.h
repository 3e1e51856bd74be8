/* sha256.h - SHA-256 (FIPS 180-4), for the Content-Security-Policy hashes of the HTML
 * report's inline style and script.  Internal. */
#ifndef TT_SHA256_H
#define TT_SHA256_H

#include <stddef.h>

/* Writes the 32-byte digest of s[0..n) to out. */
void tt_sha256(const void *s, size_t n, unsigned char out[32]);

#endif
