package io.meshhook.metrics.data.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import jakarta.enterprise.context.ApplicationScoped;

import javax.crypto.spec.SecretKeySpec;

import org.eclipse.microprofile.jwt.JsonWebToken;
import org.jose4j.jwt.consumer.InvalidJwtException;

import io.meshhook.metrics.data.problem.ProblemException;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.JWTParser;
import io.smallrye.jwt.auth.principal.ParseException;

/**
 * Verifies Supabase JWTs: signature (HS256 secret or JWKS keys, never {@code alg: none}), expiry, issuer and
 * audience. Every rejection is a 401 that says what to fix without saying more than that.
 */
@Startup // a function without a key configured must fail at start, not on its first request
@ApplicationScoped
public class TokenVerifier {

    private final AuthConfig config;
    private final JWTParser parser;
    private final boolean remoteKeys;

    TokenVerifier(AuthConfig config) {
        this.config = config;
        JWTAuthContextInfo context = new JWTAuthContextInfo();
        // asymmetric keys win when both are configured: Supabase is moving projects from the shared secret to them
        if (config.jwksUrl().isPresent()) {
            context.setPublicKeyLocation(config.jwksUrl().get());
            context.setSignatureAlgorithm(Set.of(SignatureAlgorithm.RS256, SignatureAlgorithm.ES256));
            remoteKeys = true;
        } else if (config.jwtSecret().isPresent()) {
            context.setSecretVerificationKey(new SecretKeySpec(
                    config.jwtSecret().get().getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            context.setSignatureAlgorithm(Set.of(SignatureAlgorithm.HS256));
            remoteKeys = false;
        } else {
            throw new IllegalStateException("set run-metrics.auth.jwt-secret or run-metrics.auth.jwks-url");
        }
        config.issuer().ifPresent(context::setIssuedBy);
        context.setClockSkew((int) config.clockSkew().toSeconds());
        context.setRequiredClaims(Set.of("exp"));
        context.setRequireNamedPrincipal(false); // the service-role key names no subject
        this.parser = new DefaultJWTParser(context);
    }

    /** True when verification may fetch keys over the network, so it must not run on the event loop. */
    public boolean mayBlock() {
        return remoteKeys;
    }

    /** Verifies the {@code Authorization} header's bearer token and returns the caller it names. */
    public Caller verify(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            throw ProblemException.unauthorized("An Authorization: Bearer <token> header is required.");
        }
        if (!authorization.regionMatches(true, 0, "Bearer ", 0, 7) || authorization.length() <= 7) {
            throw ProblemException.unauthorized("The Authorization header must be 'Bearer <token>'.");
        }
        JsonWebToken jwt = parse(authorization.substring(7).trim());
        String role = Optional.ofNullable(jwt.<Object>getClaim("role")).map(Object::toString).orElse("");
        boolean service = role.equals(config.serviceRole());
        checkAudience(jwt, service);
        Optional<UUID> userId = subject(jwt, service);
        return new Caller(userId, role, claimsJson(jwt.getRawToken()), service);
    }

    private JsonWebToken parse(String token) {
        try {
            return parser.parse(token);
        } catch (ParseException e) {
            // error codes only: jose4j's messages can quote the token's claims, and tokens are never logged
            Log.debugf("token rejected (jose4j error codes %s)", e.getCause() instanceof InvalidJwtException invalid
                    ? invalid.getErrorDetails().stream().map(d -> d.getErrorCode()).toList()
                    : "none");
            if (e.getCause() instanceof InvalidJwtException invalid && invalid.hasExpired()) {
                throw ProblemException.unauthorized("The token has expired; sign in again.");
            }
            throw ProblemException.unauthorized("The token is not valid: it is malformed, not yet valid, or not "
                    + "signed by a trusted key.");
        }
    }

    private void checkAudience(JsonWebToken jwt, boolean service) {
        Set<String> audiences = jwt.getAudience();
        if (audiences == null || audiences.isEmpty()) {
            if (!service) {
                throw ProblemException.unauthorized("The token has no audience.");
            }
            return;
        }
        if (audiences.stream().noneMatch(config.audiences()::contains)) {
            throw ProblemException.unauthorized("The token is not meant for this service (audience).");
        }
    }

    private static Optional<UUID> subject(JsonWebToken jwt, boolean service) {
        String sub = jwt.getSubject();
        if (sub == null || sub.isBlank()) {
            if (service) {
                return Optional.empty();
            }
            throw ProblemException.unauthorized("The token names no user (sub).");
        }
        try {
            return Optional.of(UUID.fromString(sub));
        } catch (IllegalArgumentException e) {
            if (service) {
                return Optional.empty();
            }
            throw ProblemException.unauthorized("The token's subject is not a user id.");
        }
    }

    /** The verified payload as JSON text: what PostgreSQL reads as request.jwt.claims. */
    private static String claimsJson(String rawToken) {
        return new String(Base64.getUrlDecoder().decode(rawToken.split("\\.")[1]), StandardCharsets.UTF_8);
    }
}
