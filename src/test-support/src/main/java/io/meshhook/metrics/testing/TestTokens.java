package io.meshhook.metrics.testing;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * Tokens shaped like Supabase's: the service-role key ({@code role: service_role}, no {@code aud}) and user access
 * tokens ({@code sub}, {@code role: authenticated}, {@code aud: authenticated}), HS256 with a test secret; plus the
 * broken and hostile variants the security tests try.
 */
public final class TestTokens {

    /** The JWT secret the test applications verify with (Supabase secrets are at least 32 characters). */
    public static final String SECRET = "test-only-jwt-secret-with-at-least-32-characters";

    private static final ObjectMapper JSON = new ObjectMapper();

    private TestTokens() {
    }

    public static String service() {
        return sign(serviceClaims(), SECRET);
    }

    public static String user(UUID userId) {
        return sign(userClaims(userId), SECRET);
    }

    public static Map<String, Object> serviceClaims() {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", "supabase");
        claims.put("role", "service_role");
        claims.put("iat", Instant.now().getEpochSecond() - 60);
        claims.put("exp", Instant.now().getEpochSecond() + 3600);
        return claims;
    }

    public static Map<String, Object> userClaims(UUID userId) {
        Map<String, Object> claims = new LinkedHashMap<>();
        claims.put("iss", "supabase");
        claims.put("sub", userId.toString());
        claims.put("aud", "authenticated");
        claims.put("role", "authenticated");
        claims.put("iat", Instant.now().getEpochSecond() - 60);
        claims.put("exp", Instant.now().getEpochSecond() + 3600);
        return claims;
    }

    /** An HS256 token over the claims with the given secret. */
    public static String sign(Map<String, Object> claims, String secret) {
        String unsigned = encode(Map.of("alg", "HS256", "typ", "JWT")) + "." + encode(claims);
        return unsigned + "." + hmac(unsigned, secret);
    }

    /** An unsigned token ({@code alg: none}) over the claims. */
    public static String unsigned(Map<String, Object> claims) {
        return encode(Map.of("alg", "none", "typ", "JWT")) + "." + encode(claims) + ".";
    }

    private static String encode(Map<String, Object> value) {
        try {
            return Base64.getUrlEncoder().withoutPadding().encodeToString(JSON.writeValueAsBytes(value));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hmac(String data, String secret) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(mac.doFinal(data.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
