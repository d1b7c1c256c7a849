# Sourced by infra/local/run and the bench scripts: a Supabase-style HS256 JWT, signed with openssl.
b64url() { openssl base64 -A | tr '+/' '-_' | tr -d '='; }
hs256_jwt() { # secret claims-json
  local unsigned
  unsigned="$(printf '%s' '{"alg":"HS256","typ":"JWT"}' | b64url).$(printf '%s' "$2" | b64url)"
  printf '%s.%s' "$unsigned" "$(printf '%s' "$unsigned" | openssl dgst -sha256 -hmac "$1" -binary | b64url)"
}
