package io.meshhook.metrics.data.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import io.meshhook.metrics.data.problem.ProblemException;

/**
 * The memory of verified tokens must never accept what a fresh check would refuse: a remembered token is refused
 * from the second it expires. Without the Quarkus container, with no clock skew, so the test waits two seconds
 * rather than thirty.
 */
class TokenVerifierTest {

    private static final String SECRET = "token-verifier-test-secret-of-32-characters";

    private final TokenVerifier verifier = new TokenVerifier(config(Duration.ZERO));

    @Test
    void shouldRefuseARememberedTokenOnceItHasExpired() throws InterruptedException {
        long now = System.currentTimeMillis() / 1000;
        String token = sign("{\"role\":\"service_role\",\"iat\":" + (now - 10) + ",\"exp\":" + (now + 2) + "}");

        Caller first = verifier.verify("Bearer " + token);
        Caller again = verifier.verify("Bearer " + token); // from memory now
        assertThat(again).isSameAs(first);
        assertThat(again.service()).isTrue();

        Thread.sleep((now + 3) * 1000 - System.currentTimeMillis());

        assertThatThrownBy(() -> verifier.verify("Bearer " + token))
                .isInstanceOf(ProblemException.class).hasMessageContaining("expired");
    }

    @Test
    void shouldNotRememberARefusal() {
        long now = System.currentTimeMillis() / 1000;
        String good = sign("{\"role\":\"service_role\",\"iat\":" + now + ",\"exp\":" + (now + 600) + "}");
        String forged = good.substring(0, good.lastIndexOf('.') + 1) + "AAAA"
                + good.substring(good.lastIndexOf('.') + 5);

        for (int attempt = 0; attempt < 2; attempt++) {
            assertThatThrownBy(() -> verifier.verify("Bearer " + forged)).isInstanceOf(ProblemException.class);
        }
        assertThat(verifier.verify("Bearer " + good).service()).isTrue();
        // a token that differs from a remembered one is checked on its own
        assertThatThrownBy(() -> verifier.verify("Bearer " + forged)).isInstanceOf(ProblemException.class);
    }

    private static String sign(String claims) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String unsigned = base64.encodeToString("{\"alg\":\"HS256\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8))
                + "." + base64.encodeToString(claims.getBytes(StandardCharsets.UTF_8));
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return unsigned + "." + base64.encodeToString(mac.doFinal(unsigned.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static AuthConfig config(Duration clockSkew) {
        return new AuthConfig() {
            public Optional<String> jwtSecret() {
                return Optional.of(SECRET);
            }

            public Optional<String> jwksUrl() {
                return Optional.empty();
            }

            public Optional<String> issuer() {
                return Optional.empty();
            }

            public List<String> audiences() {
                return List.of("authenticated");
            }

            public String serviceRole() {
                return "service_role";
            }

            public Duration clockSkew() {
                return clockSkew;
            }

            public List<String> protectedPaths() {
                return List.of();
            }

            public CallerKind requiredCaller() {
                return CallerKind.SERVICE;
            }
        };
    }
}
