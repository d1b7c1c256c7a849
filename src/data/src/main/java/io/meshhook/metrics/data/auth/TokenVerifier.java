package io.meshhook.metrics.data.auth;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

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
 * <p>
 * A token that passed is remembered, by its exact text, until it expires (with the clock skew allowed) but for at
 * most {@link #REMEMBER_SECONDS}: the engine sends its service token with every run and a dashboard its user's
 * token with every refresh, and checking the same signature again was a visible part of each request's CPU. A
 * remembered token is still refused from the second it expires. At most {@link #REMEMBERED} are kept (the map is
 * emptied when full); refusals are never remembered.
 */
@Startup // a function without a key configured must fail at start, not on its first request
@ApplicationScoped
public class TokenVerifier {

    static final long REMEMBER_SECONDS = 300;
    static final int REMEMBERED = 10_000;

    /** A verified token's caller, and until when (epoch second, exclusive) it may be taken without a check. */
    private record Verified(Caller caller, long until) {
    }

    private final AuthConfig config;
    private final JWTParser parser;
    private final boolean remoteKeys;
    private final Map<String, Verified> verified = new ConcurrentHashMap<>();

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
        String token = authorization.substring(7).trim();
        long now = System.currentTimeMillis() / 1000;
        Verified known = verified.get(token);
        if (known != null && now < known.until()) {
            return known.caller();
        }
        JsonWebToken jwt = parse(token);
        String role = Optional.ofNullable(jwt.<Object>getClaim("role")).map(Object::toString).orElse("");
        boolean service = role.equals(config.serviceRole());
        checkAudience(jwt, service);
        Optional<UUID> userId = subject(jwt, service);
        Caller caller = new Caller(userId, role, claimsJson(jwt.getRawToken()), service);
        if (verified.size() >= REMEMBERED) {
            verified.clear();
        }
        // the parser accepts a token until exp plus the clock skew: so may the memory, and never for longer
        long until = Math.min(jwt.getExpirationTime() + config.clockSkew().toSeconds(), now + REMEMBER_SECONDS);
        verified.put(token, new Verified(caller, until));
        return caller;
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
